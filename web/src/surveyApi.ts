// Typed client for the sector survey under /api/v1/survey (see the server's
// src/survey/routes.h). The server evaluates conditions, progress and access; the UI
// only shows what it returns.
import { api } from './api';

export interface LocalText {
  ja: string;
  en: string;
}

export type AnswerType =
  'maturity' | 'yes_no' | 'number' | 'single_choice' | 'multiple_choice' | 'text' | 'evidence';

export const THREATS = ['outage', 'data_leak', 'fraud_institution', 'fraud_customer'] as const;
export type Threat = (typeof THREATS)[number];
export const FUNCTIONS = ['govern', 'identify', 'protect', 'detect', 'respond', 'recover'] as const;
export type CsfFunction = (typeof FUNCTIONS)[number];

/** An answer's JSON form: maturity and number as numbers, yes/no and N/A as strings. */
export type AnswerValue = number | string | string[];

export interface StoredAnswer {
  item_id: string;
  value: AnswerValue;
  comment: string;
  evidence: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface Choice {
  id: string;
  label: LocalText;
  credit?: number;
}

export interface SurveyItem {
  id: string;
  text: LocalText;
  help?: LocalText;
  type: AnswerType;
  levels?: LocalText[];
  choices?: Choice[];
  number?: { min: number; max: number; unit?: LocalText; met_min?: number; met_max?: number };
  level?: number;
  weight?: number;
  /** Absent means allowed. */
  not_applicable?: boolean;
  threats?: Threat[];
  function: CsfFunction;
  area?: string;
  csf?: string[];
  condition?: string;
  /** Whether the institution is asked this item, given its category, size and answers. */
  shown: boolean;
  answer: StoredAnswer | null;
  supervisor_rating?: StoredAnswer;
}

/** An item as the bank defines it, before any institution's answers. */
export type BankItem = Omit<SurveyItem, 'shown' | 'answer' | 'supervisor_rating'>;

export interface SectionProgress {
  shown: number;
  answered: number;
}

export interface SurveySection {
  id: string;
  title: LocalText;
  progress: SectionProgress;
  items: SurveyItem[];
}

export interface Campaign {
  id: string;
  bank: { id: string; bank_id: string; version: string };
  title: LocalText;
  year: number;
  categories: string[];
  opens_at: string;
  deadline: string;
  status: 'open' | 'closed';
  created_at: string;
  closed_at: string | null;
  assignments: number;
  submitted: number;
}

export type AssignmentStatus = 'in_progress' | 'submitted' | 'reopen_requested';

export interface Assignment {
  campaign_id: string;
  org_id: string;
  org_name: LocalText;
  category: string;
  size: string;
  deadline: string;
  status: AssignmentStatus;
  progress: SectionProgress;
  submission?: { submitted_at: string; executive_name: string; executive_title: string };
  reopen_reason?: string;
}

export interface Questionnaire {
  campaign: Campaign;
  assignment: Assignment;
  bank: {
    id: string;
    version: string;
    title: LocalText;
    description?: LocalText;
    target_level?: number;
    maturity_scale: LocalText[];
  };
  sections: SurveySection[];
  /** The caller may answer now. */
  editable: boolean;
}

export interface AnswerVersion {
  version: number;
  value: AnswerValue | null;
  comment: string;
  evidence: string;
  changed_at: string;
  changed_by: string;
}

export interface BankInfo {
  id: string;
  bank_id: string;
  version: string;
  status: 'draft' | 'published' | 'frozen';
  title: LocalText;
  sections: number;
  items: number;
}

export interface Aggregate {
  items: number;
  items_met: number;
  items_unanswered: number;
  items_not_applicable: number;
  percent_met: number;
  score: number;
  maturity: number;
}

/** A peer figure withheld under the confidentiality rule, with only its reason. */
export interface Suppressed {
  suppressed: 'too_few_peers' | 'dominated' | string;
  reason: LocalText;
}

export interface Distribution {
  q1: number;
  median: number;
  q3: number;
  contributors: number;
}

export interface Figure {
  value: number;
  contributors: number;
}

export type Band = 'top_quarter' | 'upper_middle' | 'lower_middle' | 'bottom_quarter' | string;

export interface PeerScores {
  overall: Distribution | Suppressed;
  functions: Record<string, Distribution | Suppressed>;
  threats: Record<string, Distribution | Suppressed>;
  heatmap: Record<string, Record<string, Figure | Suppressed>>;
}

export interface ItemShare {
  item_id: string;
  share: Figure | Suppressed;
}

export interface ItemChange {
  item_id: string;
  previous: Figure | Suppressed;
  current: Figure | Suppressed;
  change: number | null;
}

export interface ScoreCard {
  overall: Aggregate | null;
  functions: Record<string, Aggregate | null>;
  threats: Record<string, Aggregate | null>;
  areas: Record<string, Aggregate | null>;
  heatmap: Record<string, Record<string, Aggregate | null>>;
  items?: {
    item_id: string;
    answered: boolean;
    not_applicable: boolean;
    met: boolean;
    reached: number;
    attainment: number;
  }[];
}

export interface InstitutionResults {
  campaign_id: string;
  year: number;
  org_id: string;
  category: string;
  own: ScoreCard;
  peers: PeerScores;
  overall_band: { band: Band } | Suppressed;
  function_bands: Record<string, { band: Band } | Suppressed>;
  missed_where_peers_meet: ItemShare[];
  own_overall_change: number | null;
  own_function_change: Record<string, number | null>;
  peer_year_over_year: ItemChange[];
  supervisor?: ScoreCard & { differing_items?: string[] };
}

export interface CategoryResults {
  campaign_id: string;
  year: number;
  category: string;
  institutions: number;
  scores: PeerScores;
  most_missed: ItemShare[];
  year_over_year: ItemChange[];
  previous_campaign_id: string | null;
  institution_bands?: {
    org_id: string;
    org_name: LocalText;
    overall: { band: Band } | Suppressed;
    score?: Aggregate;
  }[];
}

export interface SectorResults {
  campaign: Campaign;
  categories: (Partial<CategoryResults> & { category: string; institutions: number })[];
}

export interface NewCampaign {
  bank: string;
  title: LocalText;
  year: number;
  categories: string[];
  deadline: string;
}

const enc = encodeURIComponent;
const campaignPath = (id: string) => `/survey/campaigns/${enc(id)}`;
const orgPath = (id: string, org: string) => `${campaignPath(id)}/assignments/${enc(org)}`;

export const surveyApi = {
  campaigns: (): Promise<{ items: Campaign[] }> => api.request('GET', '/survey/campaigns'),
  campaign: (id: string): Promise<Campaign> => api.request('GET', campaignPath(id)),
  openCampaign: (form: NewCampaign): Promise<Campaign> =>
    api.request('POST', '/survey/campaigns', form),
  closeCampaign: (id: string): Promise<Campaign> =>
    api.request('POST', `${campaignPath(id)}/close`),
  banks: (): Promise<{ items: BankInfo[] }> => api.request('GET', '/survey/banks'),
  bankModel: (id: string): Promise<{ model: { sections: { items: BankItem[] }[] } }> =>
    api.request('GET', `/survey/banks/${enc(id)}`),

  assignments: (id: string): Promise<{ items: Assignment[] }> =>
    api.request('GET', `${campaignPath(id)}/assignments`),
  questionnaireOf: (id: string, org: string): Promise<Questionnaire> =>
    api.request('GET', orgPath(id, org)),
  extend: (id: string, org: string, deadline: string): Promise<Assignment> =>
    api.request('POST', `${orgPath(id, org)}/extend`, { deadline }),
  grantReopen: (id: string, org: string): Promise<Assignment> =>
    api.request('POST', `${orgPath(id, org)}/reopen`),
  declineReopen: (id: string, org: string, reason: string): Promise<Assignment> =>
    api.request('POST', `${orgPath(id, org)}/reopen-decline`, { reason }),
  putRating: (
    id: string,
    org: string,
    item: string,
    body: AnswerBody,
  ): Promise<{ answer: StoredAnswer | null }> =>
    api.request('PUT', `${orgPath(id, org)}/ratings/${enc(item)}`, body),
  historyOf: (id: string, org: string, item: string): Promise<{ versions: AnswerVersion[] }> =>
    api.request('GET', `${orgPath(id, org)}/answers/${enc(item)}/history`),
  resultsOf: (id: string, org: string): Promise<InstitutionResults> =>
    api.request('GET', `${orgPath(id, org)}/results`),

  my: (id: string): Promise<Questionnaire> => api.request('GET', `${campaignPath(id)}/my`),
  putAnswer: (
    id: string,
    item: string,
    body: AnswerBody,
  ): Promise<{ answer: StoredAnswer | null }> =>
    api.request('PUT', `${campaignPath(id)}/my/answers/${enc(item)}`, body),
  myHistory: (id: string, item: string): Promise<{ versions: AnswerVersion[] }> =>
    api.request('GET', `${campaignPath(id)}/my/answers/${enc(item)}/history`),
  submit: (id: string, executiveName: string, executiveTitle: string): Promise<Assignment> =>
    api.request('POST', `${campaignPath(id)}/my/submit`, {
      executive_name: executiveName,
      executive_title: executiveTitle,
    }),
  requestReopen: (id: string, reason: string): Promise<Assignment> =>
    api.request('POST', `${campaignPath(id)}/my/reopen-request`, { reason }),
  myResults: (id: string): Promise<InstitutionResults> =>
    api.request('GET', `${campaignPath(id)}/my/results`),

  sector: (id: string): Promise<SectorResults> => api.request('GET', `${campaignPath(id)}/sector`),
  category: (id: string, category: string): Promise<CategoryResults> =>
    api.request('GET', `${campaignPath(id)}/sector/${enc(category)}`),
};

/** One item's save: `value` null clears the answer (and its comment). */
export interface AnswerBody {
  value: AnswerValue | null;
  comment?: string;
  evidence?: string;
  version?: number;
}

/** Where the feedback report downloads from: own (`org` absent) or a supervised institution's. */
export function reportUrl(
  campaignId: string,
  lang: 'ja' | 'en',
  format: 'pdf' | 'xlsx',
  org?: string,
): string {
  const base = org ? orgPath(campaignId, org) : campaignPath(campaignId);
  return `/api/v1${base}/report?lang=${lang}&format=${format}`;
}

/** Where the regulator's sector report of a closed campaign downloads from. */
export function sectorReportUrl(
  campaignId: string,
  lang: 'ja' | 'en',
  format: 'pdf' | 'xlsx',
): string {
  return `/api/v1${campaignPath(campaignId)}/sector/report?lang=${lang}&format=${format}`;
}
