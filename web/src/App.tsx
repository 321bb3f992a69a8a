import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Sector, type Session } from './api';
import { Shell } from './components/Shell';
import { I18nContext, SessionContext, type I18n, type SessionState } from './context';
import { storedLocale, storeLocale, translate, type Locale } from './i18n';
import { clearOrgCache } from './orgCache';
import { LoginPage } from './pages/LoginPage';

/**
 * Owns the language and the session. Language: the browser's stored choice until
 * login, then the user's saved locale, except that a choice made on the login
 * page itself is saved to the user who then logs in.
 */
export function App() {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);
  // undefined: still asking the server whether a session exists.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [sectors, setSectors] = useState<Sector[]>([]);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const choseBeforeLogin = useRef(false);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const i18n = useMemo<I18n>(() => {
    const setLocale = (next: Locale) => {
      setLocaleState(next);
      storeLocale(next);
      if (!sessionRef.current) {
        choseBeforeLogin.current = true;
        return;
      }
      saveLocale(next);
    };
    return { locale, t: (key, params) => translate(locale, key, params), setLocale };
  }, [locale]);

  const saveLocale = (next: Locale) => {
    // The UI has already switched; a failed save only means the choice is not remembered.
    api.setLocale(next).then(
      (user) => setSession((s) => (s ? { ...s, user } : s)),
      () => {},
    );
  };

  const adopt = (next: Session, fromLogin: boolean) => {
    if (fromLogin && choseBeforeLogin.current && next.user.locale !== locale) {
      saveLocale(locale);
    } else {
      setLocaleState(next.user.locale);
      storeLocale(next.user.locale);
    }
    choseBeforeLogin.current = false;
    setSession(next);
    api.sectors().then(
      (r) => setSectors(r.items),
      () => setSectors([]),
    );
  };

  const endSession = () => {
    clearOrgCache();
    setSectors([]);
    setSession(null);
  };

  useEffect(() => {
    api.onUnauthenticated = endSession;
    api.me().then(
      (s) => adopt(s, false),
      (err: unknown) => {
        // Not logged in (401) or server unreachable: the login page reports the latter.
        if (!(err instanceof ApiError)) console.error(err);
        setSession(null);
      },
    );
  }, []);

  const sessionState = useMemo<SessionState | null>(
    () =>
      session
        ? {
            session,
            sectors,
            logout: async () => {
              try {
                await api.logout();
              } catch {
                // The server may already have ended the session; the browser forgets it anyway.
              }
              window.location.hash = '#/';
              endSession();
            },
          }
        : null,
    [session, sectors],
  );

  return (
    <I18nContext.Provider value={i18n}>
      {session === undefined ? (
        <p class="boot" role="status">
          {i18n.t('app.loading')}
        </p>
      ) : sessionState ? (
        <SessionContext.Provider value={sessionState}>
          <Shell />
        </SessionContext.Provider>
      ) : (
        <LoginPage onLogin={(s) => adopt(s, true)} />
      )}
    </I18nContext.Provider>
  );
}
