// Typed client for the sector survey under /api/v1/survey (see the server's
// src/survey/routes.h). The server evaluates conditions, progress and access; the UI
// only shows what it returns.
import { api, queryString } from './api';

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

export type BankStatus = 'draft' | 'published' | 'frozen';

export interface BankInfo {
  id: string;
  bank_id: string;
  version: string;
  status: BankStatus;
  title: LocalText;
  sections: number;
  items: number;
  revision?: number;
  created_at?: string;
  updated_at?: string;
  published_at?: string | null;
}

export type BankSourceFormat = 'yaml' | 'json' | 'oscal_xml' | 'oscal_json';

export interface BankSection {
  id: string;
  title: LocalText;
  items: BankItem[];
}

/** One stored bank: its text as authored and the model the server read from it. */
export interface StoredBank extends BankInfo {
  source_format: BankSourceFormat;
  source: string;
  model: {
    id: string;
    version: string;
    title: LocalText;
    description?: LocalText;
    target_level?: number;
    sections: BankSection[];
  };
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
  /** Earlier campaigns' remediation items against these results, as they stand now. */
  remediation?: RemediationProgress;
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
  bank: (id: string): Promise<StoredBank> => api.request('GET', `/survey/banks/${enc(id)}`),
  importBank: (format: BankSourceFormat, text: string): Promise<BankInfo> =>
    api.request('POST', '/survey/banks', { format, text }),
  updateDraft: (id: string, format: BankSourceFormat, text: string): Promise<BankInfo> =>
    api.request('PUT', `/survey/banks/${enc(id)}`, { format, text }),
  publishBank: (id: string): Promise<BankInfo> =>
    api.request('POST', `/survey/banks/${enc(id)}/publish`),

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

  remediation: (query: {
    org?: string;
    campaign?: string;
    status?: RemediationStatus;
  }): Promise<{ items: RemediationItem[] }> =>
    api.request('GET', `/survey/remediation${queryString(query)}`),
  remediationItem: (id: string): Promise<RemediationItem & { history: RemediationChange[] }> =>
    api.request('GET', `/survey/remediation/${enc(id)}`),
  createRemediation: (campaign: string, body: NewRemediation): Promise<RemediationItem> =>
    api.request('POST', `${campaignPath(campaign)}/my/remediation`, body),
  remediateAllGaps: (
    campaign: string,
    body: { owner: RemediationOwner; due_date: string; lang: 'ja' | 'en' },
  ): Promise<{ items: RemediationItem[] }> =>
    api.request('POST', `${campaignPath(campaign)}/my/remediation/all-gaps`, body),
  updateRemediation: (id: string, body: RemediationUpdate): Promise<RemediationItem> =>
    api.request('PATCH', `/survey/remediation/${enc(id)}`, body),
  myRemediationProgress: (campaign: string): Promise<RemediationProgress> =>
    api.request('GET', `${campaignPath(campaign)}/my/remediation-progress`),

  myReminders: (): Promise<{ items: PendingReminder[] }> =>
    api.request('GET', '/survey/reminders/my'),
  reminderDays: (campaign: string): Promise<ReminderSettings> =>
    api.request('GET', `${campaignPath(campaign)}/reminders`),
  setReminderDays: (campaign: string, days: number[]): Promise<ReminderSettings> =>
    api.request('PUT', `${campaignPath(campaign)}/reminders`, { days }),
  sentReminders: (campaign: string): Promise<{ items: SentReminder[] }> =>
    api.request('GET', `${campaignPath(campaign)}/reminders/sent`),
  contact: (org: string): Promise<{ org_id: string; email: string | null }> =>
    api.request('GET', `/survey/contacts/${enc(org)}`),
  setContact: (org: string, email: string): Promise<{ org_id: string; email: string | null }> =>
    api.request('PUT', `/survey/contacts/${enc(org)}`, { email }),

  myEvidence: (campaign: string): Promise<{ items: EvidenceFile[] }> =>
    api.request('GET', `${campaignPath(campaign)}/my/evidence`),
  uploadEvidence: (campaign: string, item: string, file: File): Promise<EvidenceFile> =>
    api.send('POST', `${campaignPath(campaign)}/my/answers/${enc(item)}/evidence`, file, {
      // Header values are ASCII: the name goes percent-encoded as UTF-8.
      'X-Filename': enc(file.name),
    }),
  deleteEvidence: (campaign: string, item: string, evidence: string): Promise<void> =>
    api.request(
      'DELETE',
      `${campaignPath(campaign)}/my/answers/${enc(item)}/evidence/${enc(evidence)}`,
    ),
  evidenceOf: (campaign: string, org: string): Promise<{ items: EvidenceFile[] }> =>
    api.request('GET', `${orgPath(campaign, org)}/evidence`),
  importWorkbook: (campaign: string, file: Blob): Promise<WorkbookImport> =>
    api.send('POST', `${campaignPath(campaign)}/my/workbook`, file),

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

export type RemediationStatus = 'open' | 'in_progress' | 'done' | 'accepted_risk';
export const REMEDIATION_STATUSES: readonly RemediationStatus[] = [
  'open',
  'in_progress',
  'done',
  'accepted_risk',
];

/** A user of the institution (`user_id`, its display name in `name`) or a free-text name. */
export interface RemediationOwner {
  user_id?: string;
  name?: string;
}

/** A gap of a closed campaign being worked on by the institution (self-inspection). */
export interface RemediationItem {
  id: string;
  org_id: string;
  campaign_id: string;
  campaign_year: number;
  title: string;
  item_ids: string[];
  owner: { user_id?: string; name: string };
  /** YYYY-MM-DD */
  due_date: string;
  status: RemediationStatus;
  note: string;
  /** Open or in progress past its due date, as the server computed it. */
  overdue: boolean;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** One version: the whole item for the first, `{field: {from, to}}` after. */
export interface RemediationChange {
  version: number;
  changed_at: string;
  changed_by: string;
  changes: Record<string, unknown>;
}

export interface NewRemediation {
  title: string;
  item_ids: string[];
  owner: RemediationOwner;
  due_date: string;
  status?: RemediationStatus;
  note?: string;
}

export interface RemediationUpdate {
  title?: string;
  owner?: RemediationOwner;
  due_date?: string;
  status?: RemediationStatus;
  note?: string;
  version?: number;
}

export type RemediationOutcome = RemediationItem & {
  met: string[];
  unmet: string[];
  not_asked: string[];
};

/** An institution's earlier items against one campaign's frozen results. */
export interface RemediationProgress {
  campaign_id: string;
  org_id: string;
  results_available: boolean;
  closed: RemediationOutcome[];
  still_open: RemediationOutcome[];
}

/** A reminder sent to the caller's institution for a questionnaire not yet submitted. */
export interface PendingReminder {
  campaign_id: string;
  title: LocalText;
  year: number;
  deadline: string;
  days_before: number;
  sent_at: string;
}

export interface ReminderSettings {
  campaign_id: string;
  /** Days before the deadline, descending. */
  days: number[];
  default: boolean;
  updated_at: string | null;
  updated_by: string | null;
}

/** An evidence file attached to one item of an institution's questionnaire. */
export interface EvidenceFile {
  id: string;
  campaign_id: string;
  org_id: string;
  item_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  uploaded_at: string;
  uploaded_by: string;
}

/** What an imported answer workbook changed (all rows or none). */
export interface WorkbookImport {
  rows: number;
  saved: number;
  cleared: number;
  unchanged: number;
}

/** Where an evidence file downloads from: own (`org` absent) or a supervised institution's. */
export function evidenceUrl(campaignId: string, file: EvidenceFile, org?: string): string {
  const base = org ? orgPath(campaignId, org) : `${campaignPath(campaignId)}/my`;
  return `/api/v1${base}/answers/${enc(file.item_id)}/evidence/${enc(file.id)}`;
}

/** Where the caller's questionnaire downloads as an Excel workbook. */
export function workbookUrl(campaignId: string, lang: 'ja' | 'en'): string {
  return `/api/v1${campaignPath(campaignId)}/my/workbook?lang=${lang}`;
}

/** A reminder sent to an institution, as the regulator follows it up. */
export interface SentReminder {
  org_id: string;
  org_name: LocalText;
  /** The institution's own deadline, extensions included. */
  deadline: string;
  days_before: number;
  sent_at: string;
  /** Submitted by now. */
  submitted: boolean;
  /** The e-mail: none without a contact address then. */
  mail: 'none' | 'pending' | 'sent' | 'failed' | string;
}
