// Display text for codes the server sends (roles, kinds, sectors, dates) in the
// current language.
import type { Org, OrgKind, Role, Sector, SizeTier } from './api';
import { hasMessage, intlLocale, type Locale, type Translate } from './i18n';

export function orgName(org: Pick<Org, 'name_ja' | 'name_en'>, locale: Locale): string {
  return (locale === 'ja' ? org.name_ja : org.name_en) || org.name_ja || org.name_en;
}

export function roleLabel(t: Translate, role: Role | string): string {
  const key = `role.${role}`;
  return hasMessage(key) ? t(key) : role;
}

export function kindLabel(t: Translate, kind: OrgKind | string): string {
  const key = `kind.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

/** The server's label when it sent one, else the built-in one, else the code. */
export function sectorLabel(
  t: Translate,
  locale: Locale,
  sectors: readonly Sector[],
  code: string | null,
): string {
  if (!code) return t('common.none');
  const sector = sectors.find((s) => s.code === code);
  const fromServer = sector && (locale === 'ja' ? sector.name_ja : sector.name_en);
  if (fromServer) return fromServer;
  const key = `sector.${code}`;
  return hasMessage(key) ? t(key) : code;
}

export function formatDateTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function sizeTierLabel(t: Translate, tier: SizeTier | string): string {
  const key = `sizeTier.${tier}`;
  return hasMessage(key) ? t(key) : tier;
}

/**
 * An institution's size tier as the survey uses it: its own, or its business category's
 * default, said as such. A dash for other kinds of organisation.
 */
export function orgSizeTierText(
  t: Translate,
  sectors: readonly Sector[],
  org: Pick<Org, 'kind' | 'sector' | 'size_tier'>,
): string {
  if (org.kind !== 'institution') return t('common.none');
  if (org.size_tier) return sizeTierLabel(t, org.size_tier);
  const fallback = sectors.find((s) => s.code === org.sector)?.default_size_tier;
  return t('org.sizeTierDefault', { tier: fallback ? sizeTierLabel(t, fallback) : '—' });
}
