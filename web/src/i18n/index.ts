// Message lookup and the UI language. Components never hold UI text: they call
// `t(key)` with a key of the Japanese dictionary, which every language must define.
import { en } from './en';
import { ja, type MessageKey } from './ja';

export type { MessageKey };
export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];
export const DEFAULT_LOCALE: Locale = 'ja';

const dictionaries: Record<Locale, Record<MessageKey, string>> = { ja, en };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLocale(value: unknown): value is Locale {
  return value === 'ja' || value === 'en';
}

/** Looks `key` up in `locale` and fills {placeholders}; unknown placeholders stay visible. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = dictionaries[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** True when `key` names a message; used for codes that come from the server. */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(ja, key);
}

// Before login the language lives in the browser; after login the user's saved
// locale (from the server) wins, and changes are saved on both sides.
const STORAGE_KEY = 'fincyber.locale';

export function storedLocale(): Locale {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage can be disabled (private mode, policy); the choice then lasts for the page.
  }
}

/** BCP 47 tag for Intl formatting. */
export function intlLocale(locale: Locale): string {
  return locale === 'ja' ? 'ja-JP' : 'en-GB';
}
