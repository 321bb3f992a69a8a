// Display text for codes the server sends (roles, kinds, sectors, dates) in the
// current language.
import type { Org, OrgKind, Role, Sector } from './api';
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
