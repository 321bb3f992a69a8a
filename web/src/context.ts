// The two pieces of state every screen reads: the UI language (always present)
// and the signed-in session (present inside the application shell only).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Sector, Session } from './api';
import type { Locale, Translate } from './i18n';

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale: (locale: Locale) => void;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nContext');
  return value;
}

export interface SessionState {
  session: Session;
  sectors: Sector[];
  logout: () => Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionContext');
  return value;
}
