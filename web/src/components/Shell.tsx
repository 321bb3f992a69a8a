import { useEffect, useRef } from 'preact/hooks';
import { useI18n, useSession } from '../context';
import { orgName } from '../labels';
import { matchPath, useLocation } from '../router';
import { routes } from '../routes';
import { UserMenu } from './UserMenu';

/** Header, left menu and the page for the current URL. */
export function Shell() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  let match: { route: (typeof routes)[number]; params: Record<string, string> } | null = null;
  for (const route of routes) {
    const params = matchPath(route.path, location.path);
    if (params) {
      match = { route, params };
      break;
    }
  }
  const section = match ? (match.route.section ?? match.route.path) : null;
  const title = match ? t(match.route.title) : t('error.pageNotFound');

  useEffect(() => {
    document.title = `${title} | ${t('app.name')}`;
  }, [title, t]);

  // Move focus to the new page so keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [location.path]);

  const Page = match?.route.page;
  return (
    <div class="layout">
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <header class="topbar">
        <a class="brand" href="#/">
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-tagline">{t('app.tagline')}</span>
        </a>
        <span class="topbar-org" data-testid="header-org">
          {orgName(session.org, locale)}
        </span>
        <UserMenu />
      </header>
      <nav class="sidenav" aria-label={t('nav.label')}>
        <ul>
          {routes
            .filter((r) => r.nav && (!r.allow || r.allow(session.user)))
            .map((r) => (
              <li key={r.path}>
                <a href={`#${r.path}`} aria-current={r.path === section ? 'page' : undefined}>
                  {t(r.title)}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" class="content" ref={main} tabIndex={-1}>
        {Page && match ? (
          <Page params={match.params} query={location.query} />
        ) : (
          <section>
            <h1>{t('error.pageNotFound')}</h1>
            <p>
              <a href="#/">{t('error.backHome')}</a>
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
