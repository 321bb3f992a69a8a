// Pure helpers of the sharing hub's screens: TLP badges, where a pattern error
// points, and the object browser's pages of cursors.
import type { Role, TlpLevel, WarningHit } from './api';
import type { MessageKey } from './i18n';

/** The official TLP 2.0 label and the badge class that gives it its colours. */
export function tlpBadge(level: TlpLevel): { text: string; className: string } {
  const text = `TLP:${level.toUpperCase()}`;
  return { text, className: `tlp tlp-${level.replace('+', '-')}` };
}

/** Sharing curators (may create collections and trust groups), as the server decides. */
export function isCurator(role: Role): boolean {
  return role === 'coordination_office' || role === 'isac_analyst';
}

/**
 * Splits `text` at `position`, counted in code points as the server counts, into the
 * part before, the character marked (a space when the error is at the end) and the rest.
 */
export function splitAtPosition(
  text: string,
  position: number,
): { before: string; marked: string; after: string } {
  const chars = Array.from(text);
  const at = Math.max(0, Math.min(position, chars.length));
  return {
    before: chars.slice(0, at).join(''),
    marked: chars[at] ?? ' ',
    after: chars.slice(at + 1).join(''),
  };
}

/**
 * The browser's pages: the cursors that opened each page so far, so that "previous"
 * needs no backwards query. Page 1 has no cursor.
 */
export function parseCursorTrail(text: string | null): string[] {
  return text ? text.split(',').filter((c) => /^\d+$/.test(c)) : [];
}

export function cursorTrailText(trail: readonly string[]): string | undefined {
  return trail.length ? trail.join(',') : undefined;
}

/** Message key for a correlation's relation between two observables. */
export function relationKey(relation: string): MessageKey {
  return relation === 'contains'
    ? 'hub.relation.contains'
    : relation === 'within'
      ? 'hub.relation.within'
      : 'hub.relation.same';
}

/** The observable types the browser's type filter offers, most common first. */
export const OBJECT_TYPES = [
  'indicator',
  'relationship',
  'sighting',
  'malware',
  'threat-actor',
  'campaign',
  'attack-pattern',
  'vulnerability',
  'report',
  'observed-data',
  'domain-name',
  'url',
  'ipv4-addr',
  'ipv6-addr',
  'file',
  'email-addr',
] as const;

/** "2024-05-01T00:00:00.000000Z" as a local date and time in the UI's language. */
export function formatTime(value: string | undefined, locale: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A version's warning-list hits as one line: "list (entry), list (entry)". */
export function warningHitsText(hits: readonly WarningHit[]): string {
  return hits.map((h) => `${h.list} (${h.entry})`).join(', ');
}
