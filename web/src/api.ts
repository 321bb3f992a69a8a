// Typed client for the JSON API under /api/v1. Every failure becomes an ApiError
// carrying the server's error code, field details and request id, so pages can
// show the right message without parsing responses themselves.
import type { Locale } from './i18n';

export type OrgKind = 'regulator' | 'bureau' | 'isac' | 'institution';
export const ORG_KINDS: readonly OrgKind[] = ['regulator', 'bureau', 'isac', 'institution'];

export type Role =
  | 'coordination_office'
  | 'bureau_staff'
  | 'isac_analyst'
  | 'institution_admin'
  | 'institution_member'
  | 'exercise_controller'
  | 'evaluator'
  | 'auditor';

export type SizeTier = 'small' | 'medium' | 'large';
export const SIZE_TIERS: readonly SizeTier[] = ['small', 'medium', 'large'];

export interface Org {
  id: string;
  name_ja: string;
  name_en: string;
  kind: OrgKind;
  sector: string | null;
  parent_id: string | null;
  /** Institutions only; null: the business category's default applies. */
  size_tier: SizeTier | null;
  created_at: string;
}

export interface User {
  id: string;
  org_id: string;
  username: string;
  display_name: string;
  role: Role;
  locale: Locale;
  disabled: boolean;
  last_login_at: string | null;
  created_at: string;
}

export interface Session {
  user: User;
  org: Org;
  csrf_token: string;
}

export interface Sector {
  code: string;
  name_ja: string;
  name_en: string;
  default_size_tier: SizeTier;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
export const TLP_LEVELS: readonly TlpLevel[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export interface Collection {
  id: string;
  title: string;
  description: string;
  alias?: string;
  read_group_id: string;
  write_group_id: string;
  default_tlp: TlpLevel;
  created_at: string;
  can_read: boolean;
  can_write: boolean;
}

export interface TrustGroup {
  id: string;
  name_ja: string;
  name_en: string;
  description: string;
  member_org_ids: string[];
  created_at: string;
}

/** An object as the hub's lists show it; `own` is true for the caller's organisation's. */
export interface SharedObjectSummary {
  id: string;
  type: string;
  collection_id: string;
  version: string;
  date_added: string;
  tlp: TlpLevel;
  revoked: boolean;
  own: boolean;
  name?: string;
  pattern?: string;
  labels?: string[];
  value?: string;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
}

/** A warning-list hit recorded when a version was stored: the list and the entry hit. */
export interface WarningHit {
  list: string;
  entry: string;
}

/**
 * A version's author as the viewer may know it: named for the viewer's own organisation
 * and for TLP:CLEAR or GREEN versions, otherwise hidden.
 */
export interface VersionAuthor {
  name: string;
  hidden: boolean;
  org_id?: string;
}

export interface SharedObjectVersion extends SharedObjectSummary {
  object: Record<string, unknown>;
  warnings: WarningHit[];
  author: VersionAuthor;
  /** The newest of its author's versions (which the viewer may not be allowed to see). */
  latest: boolean;
}

export interface ObjectSearchResult {
  items: SharedObjectSummary[];
  total: number;
  more: boolean;
  cursor?: string;
}

export interface ObjectDetail {
  id: string;
  versions: SharedObjectVersion[];
  relationships: SharedObjectSummary[];
  related: SharedObjectSummary[];
  links: { correlations: string; sightings: string };
}

export interface CorrelatedObject {
  id: string;
  type: string;
  collection_id: string;
  observable: string;
  relation: 'same' | 'contains' | 'within';
  tlp: TlpLevel;
  author_name: string;
  author_hidden: boolean;
  author_org_id?: string;
}

export interface Correlation {
  id: string;
  observables: string[];
  related: CorrelatedObject[];
  organisations: number;
}

export interface SightingSummary {
  sighting_of_ref: string;
  sightings: number;
  count: number;
  organisations: number;
  first_seen?: string;
  last_seen?: string;
}

export interface PatternObservable {
  type: string;
  path: string;
  value: string;
  key: string;
}

export interface PatternCheck {
  ok: boolean;
  error?: string;
  position?: number;
  observables: PatternObservable[];
  rejected: { type: string; path: string; value: string; reason: string }[];
}

export const LOG_FORMATS = ['auto', 'text', 'squid', 'clf', 'bind', 'zeek', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One match of a log-sample check: where in the sample, and which indicator. */
export interface LogCheckMatch {
  line: number;
  offset: number;
  /** The text in the line; absent when the match is in a decoded value (JSON). */
  matched?: string;
  indicator_id: string;
  kind: string;
  observable: string;
  record: string;
  record_truncated?: boolean;
}

export interface LogCheckResult {
  format: LogFormat;
  indicators: number;
  bytes: number;
  lines: number;
  over_long_lines: number;
  matches: number;
  listed: LogCheckMatch[];
  listed_all: boolean;
  by_indicator: { indicator_id: string; name?: string; count: number; first_line: number }[];
}

export interface ObjectFilter {
  collection?: string;
  type?: string;
  q?: string;
  tlp?: string;
  label?: string;
  added_after?: string;
  limit?: number;
  cursor?: string;
}

export interface IndicatorForm {
  name: string;
  description?: string;
  pattern: string;
  valid_from?: string;
  labels?: string[];
  tlp: TlpLevel;
  recipients?: string[];
}

export interface CollectionForm {
  title: string;
  description?: string;
  alias?: string;
  read_group_id: string;
  write_group_id: string;
  default_tlp: TlpLevel;
}

export interface GroupForm {
  name_ja: string;
  name_en: string;
  description?: string;
  member_org_ids: string[];
}

export interface FieldProblem {
  field: string;
  /** English, as the server words it. */
  problem: string;
  /** A stable name for the problem with the values its message names (src/survey/problems.h). */
  code?: string;
  params?: Record<string, string>;
}

/** `code` is the server's canonical code, or "network" when no response arrived. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Builds an ApiError from a failed response's status and (possibly non-JSON) body. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error =
    typeof body === 'object' && body !== null && 'error' in body
      ? (body as { error: unknown }).error
      : undefined;
  if (typeof error !== 'object' || error === null) {
    return new ApiError(status, codeForStatus(status), `HTTP ${status}`);
  }
  const e = error as Record<string, unknown>;
  const details = Array.isArray(e.details)
    ? e.details
        .filter(
          (d): d is FieldProblem =>
            typeof d === 'object' &&
            d !== null &&
            typeof d.field === 'string' &&
            typeof d.problem === 'string',
        )
        .map(fieldProblem)
    : [];
  return new ApiError(
    status,
    typeof e.code === 'string' ? e.code : codeForStatus(status),
    typeof e.message === 'string' ? e.message : `HTTP ${status}`,
    details,
    typeof e.request_id === 'string' ? e.request_id : undefined,
  );
}

// A detail as the UI may trust it: a code only when a string, parameters only with string values.
function fieldProblem(d: FieldProblem): FieldProblem {
  const out: FieldProblem = { field: d.field, problem: d.problem };
  if (typeof d.code === 'string') {
    out.code = d.code;
    const params: Record<string, string> = {};
    if (typeof d.params === 'object' && d.params !== null && !Array.isArray(d.params)) {
      for (const [name, value] of Object.entries(d.params)) {
        if (typeof value === 'string') params[name] = value;
      }
    }
    out.params = params;
  }
  return out;
}

// Used only when a proxy or crash returns a body that is not the API's error shape.
function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_argument';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 409:
      return 'already_exists';
    case 429:
      return 'resource_exhausted';
    case 503:
      return 'unavailable';
    default:
      return 'internal';
  }
}

/** Query string from the defined, non-empty values of `params`. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const BASE = '/api/v1';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiClient {
  private csrfToken = '';
  /** Called when a request made with a session gets 401 (session expired or revoked). */
  onUnauthenticated: () => void = () => {};

  constructor(private readonly fetchImpl: typeof fetch = (...args) => fetch(...args)) {}

  setCsrfToken(token: string): void {
    this.csrfToken = token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.exchange<T>(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      headers,
    );
  }

  /** Sends a file's bytes as the body (uploads); the answer and errors as `request`. */
  async send<T>(
    method: string,
    path: string,
    body: Blob,
    headers: Record<string, string> = {},
  ): Promise<T> {
    return this.exchange<T>(method, path, body, {
      'Content-Type': body.type || 'application/octet-stream',
      ...headers,
    });
  }

  private async exchange<T>(
    method: string,
    path: string,
    body: BodyInit | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (UNSAFE.has(method) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchImpl(BASE + path, {
        method,
        headers,
        body,
        credentials: 'same-origin',
      });
    } catch (cause) {
      throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) {
      const error = errorFromBody(response.status, parsed);
      if (error.status === 401 && this.csrfToken) this.onUnauthenticated();
      throw error;
    }
    return parsed as T;
  }

  async login(username: string, password: string): Promise<Session> {
    const session = await this.request<Session>('POST', '/auth/login', { username, password });
    this.setCsrfToken(session.csrf_token);
    return session;
  }

  async logout(): Promise<void> {
    try {
      await this.request<void>('POST', '/auth/logout');
    } finally {
      this.setCsrfToken('');
    }
  }

  async me(): Promise<Session> {
    const session = await this.request<Session>('GET', '/me');
    this.setCsrfToken(session.csrf_token);
    return session;
  }

  setLocale(locale: Locale): Promise<User> {
    return this.request('PUT', '/me/locale', { locale });
  }

  sectors(): Promise<{ items: Sector[] }> {
    return this.request('GET', '/sectors');
  }

  orgs(filter: {
    kind?: string;
    sector?: string;
    q?: string;
    limit?: number;
    offset?: number;
  }): Promise<Page<Org>> {
    return this.request('GET', `/orgs${queryString(filter)}`);
  }

  org(id: string): Promise<Org> {
    return this.request('GET', `/orgs/${encodeURIComponent(id)}`);
  }

  /** Sets an institution's own size tier, or with null returns it to its category's default. */
  setOrgSizeTier(id: string, sizeTier: SizeTier | null): Promise<Org> {
    return this.request('PATCH', `/orgs/${encodeURIComponent(id)}`, { size_tier: sizeTier });
  }

  orgUsers(id: string): Promise<Page<User>> {
    return this.request('GET', `/orgs/${encodeURIComponent(id)}/users`);
  }

  supervised(id: string): Promise<Page<Org>> {
    return this.request('GET', `/orgs/${encodeURIComponent(id)}/supervised`);
  }

  createUser(
    orgId: string,
    user: { username: string; display_name: string; role: Role; password: string; locale: Locale },
  ): Promise<User> {
    return this.request('POST', `/orgs/${encodeURIComponent(orgId)}/users`, user);
  }

  disableUser(id: string): Promise<User> {
    return this.request('POST', `/users/${encodeURIComponent(id)}/disable`);
  }

  collections(): Promise<{ items: Collection[] }> {
    return this.request('GET', '/sharing/collections');
  }

  createCollection(form: CollectionForm): Promise<Collection> {
    return this.request('POST', '/sharing/collections', form);
  }

  searchObjects(filter: ObjectFilter): Promise<ObjectSearchResult> {
    return this.request('GET', `/sharing/objects${queryString({ ...filter })}`);
  }

  sharedObject(id: string): Promise<ObjectDetail> {
    return this.request('GET', `/sharing/objects/${encodeURIComponent(id)}`);
  }

  correlations(id: string): Promise<Correlation> {
    return this.request('GET', `/sharing/objects/${encodeURIComponent(id)}/correlations`);
  }

  sightings(id: string): Promise<SightingSummary> {
    return this.request('GET', `/sharing/objects/${encodeURIComponent(id)}/sightings`);
  }

  validatePattern(pattern: string): Promise<PatternCheck> {
    return this.request('POST', '/sharing/patterns/validate', { pattern });
  }

  createIndicator(collectionId: string, form: IndicatorForm): Promise<{ id: string }> {
    return this.request(
      'POST',
      `/sharing/collections/${encodeURIComponent(collectionId)}/indicators`,
      form,
    );
  }

  /** Matches a log sample against the collection's indicators the caller may see. */
  checkLog(collectionId: string, sample: Blob, format: LogFormat): Promise<LogCheckResult> {
    return this.send(
      'POST',
      `/sharing/collections/${encodeURIComponent(collectionId)}/log-check${queryString({
        format,
      })}`,
      sample,
    );
  }

  groups(): Promise<{ items: TrustGroup[] }> {
    return this.request('GET', '/groups');
  }

  createGroup(form: GroupForm): Promise<TrustGroup> {
    return this.request('POST', '/groups', form);
  }

  addGroupMember(groupId: string, orgId: string): Promise<void> {
    return this.request('POST', `/groups/${encodeURIComponent(groupId)}/members`, {
      org_id: orgId,
    });
  }

  removeGroupMember(groupId: string, orgId: string): Promise<void> {
    return this.request(
      'DELETE',
      `/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(orgId)}`,
    );
  }
}

export const api = new ApiClient();
