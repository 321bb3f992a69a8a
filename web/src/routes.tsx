// The route table. A screen is one entry here: `nav` puts it in the left menu
// (in this order); `section` marks which menu entry is current for a sub-page.
import type { ComponentType } from 'preact';
import { canUseSurvey } from './access';
import type { User } from './api';
import type { MessageKey } from './i18n';
import { HomePage } from './pages/HomePage';
import { HubCollectionsPage } from './pages/hub/HubCollectionsPage';
import { HubIndicatorPage } from './pages/hub/HubIndicatorPage';
import { HubLivePage } from './pages/hub/HubLivePage';
import { HubLogCheckPage } from './pages/hub/HubLogCheckPage';
import { HubObjectPage } from './pages/hub/HubObjectPage';
import { HubPage } from './pages/hub/HubPage';
import { OrgPage } from './pages/OrgPage';
import { OrgsPage } from './pages/OrgsPage';
import { AssignmentPage } from './pages/survey/AssignmentPage';
import { BankPage, BanksPage } from './pages/survey/BanksPage';
import { CampaignPage } from './pages/survey/CampaignPage';
import { QuestionnairePage } from './pages/survey/QuestionnairePage';
import { ResultsPage } from './pages/survey/ResultsPage';
import { SectorPage } from './pages/survey/SectorPage';
import { SurveyListPage } from './pages/survey/SurveyListPage';
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
  /** With `nav`: only users for whom this holds see the menu entry. */
  allow?: (user: User) => boolean;
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
  { path: '/hub/live', title: 'nav.hub', page: HubLivePage, section: '/hub' },
  { path: '/hub/check', title: 'nav.hub', page: HubLogCheckPage, section: '/hub' },
  { path: '/hub/collections', title: 'nav.hubCollections', page: HubCollectionsPage, nav: true },
  { path: '/survey', title: 'nav.survey', page: SurveyListPage, nav: true, allow: canUseSurvey },
  { path: '/survey/banks', title: 'nav.survey', page: BanksPage, section: '/survey' },
  { path: '/survey/banks/:bank', title: 'nav.survey', page: BankPage, section: '/survey' },
  { path: '/survey/:id', title: 'nav.survey', page: CampaignPage, section: '/survey' },
  { path: '/survey/:id/answer', title: 'nav.survey', page: QuestionnairePage, section: '/survey' },
  { path: '/survey/:id/results', title: 'nav.survey', page: ResultsPage, section: '/survey' },
  { path: '/survey/:id/sector', title: 'nav.survey', page: SectorPage, section: '/survey' },
  { path: '/survey/:id/org/:org', title: 'nav.survey', page: AssignmentPage, section: '/survey' },
];
