// The route table. A screen is one entry here: `nav` puts it in the left menu
// (in this order); `section` marks which menu entry is current for a sub-page.
import type { ComponentType } from 'preact';
import type { MessageKey } from './i18n';
import { HomePage } from './pages/HomePage';
import { HubCollectionsPage } from './pages/hub/HubCollectionsPage';
import { HubIndicatorPage } from './pages/hub/HubIndicatorPage';
import { HubObjectPage } from './pages/hub/HubObjectPage';
import { HubPage } from './pages/hub/HubPage';
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
  { path: '/hub', title: 'nav.hub', page: HubPage, nav: true },
  { path: '/hub/objects/:id', title: 'nav.hub', page: HubObjectPage, section: '/hub' },
  { path: '/hub/new', title: 'nav.hub', page: HubIndicatorPage, section: '/hub' },
  { path: '/hub/collections', title: 'nav.hubCollections', page: HubCollectionsPage, nav: true },
];
