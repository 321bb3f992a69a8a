// The route table. A screen is one entry here: `nav` puts it in the left menu
// (in this order); `section` marks which menu entry is current for a sub-page.
import type { ComponentType } from 'preact';
import type { MessageKey } from './i18n';
import { HomePage } from './pages/HomePage';
import { OrgPage } from './pages/OrgPage';
import { OrgsPage } from './pages/OrgsPage';
import { UsersPage } from './pages/UsersPage';

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDef {
  /** Pattern; `:name` segments become params. */
  path: string;
  /** Document title and, with `nav`, the menu label. */
  title: MessageKey;
  page: ComponentType<PageProps>;
  nav?: boolean;
  /** Path of the menu entry this page belongs to, when it is not itself in the menu. */
  section?: string;
}

export const routes: RouteDef[] = [
  { path: '/', title: 'nav.home', page: HomePage, nav: true },
  { path: '/orgs', title: 'nav.orgs', page: OrgsPage, nav: true },
  { path: '/orgs/:id', title: 'nav.orgs', page: OrgPage, section: '/orgs' },
  { path: '/users', title: 'nav.users', page: UsersPage, nav: true },
];
