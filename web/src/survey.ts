// Pure helpers of the survey screens: progress, the heatmap's colour scale, peer
// figures that may be withheld, the server's answer problems in the UI language, and
// the per-item autosave that coalesces keystrokes into one save at a time.
import type { MessageKey, Translate } from './i18n';
import type { FieldProblem } from './api';
import { codedProblemText, problemText } from './problems';
import type {
  AnswerValue,
  Distribution,
  Figure,
  LocalText,
  SectionProgress,
  Suppressed,
  SurveyItem,
  SurveySection,
} from './surveyApi';

export function localText(text: LocalText | undefined, locale: 'ja' | 'en'): string {
  if (!text) return '';
  return (locale === 'ja' ? text.ja : text.en) || text.ja || text.en;
}

/** Whole percent of shown items answered; null when nothing is asked. */
export function progressPercent(progress: SectionProgress): number | null {
  if (progress.shown <= 0) return null;
  return Math.floor((100 * Math.min(progress.answered, progress.shown)) / progress.shown);
}

/** The sections' progress added up. */
export function totalProgress(sections: readonly { progress: SectionProgress }[]): SectionProgress {
  return sections.reduce(
    (sum, s) => ({
      shown: sum.shown + s.progress.shown,
      answered: sum.answered + s.progress.answered,
    }),
    { shown: 0, answered: 0 },
  );
}

export const HEAT_STEPS = 5;

/**
 * The heatmap's colour step (0..4) for a score of 0..100: five equal bands, the top
 * one closed so that 100 is step 4. Colours come with the number, never instead of it.
 */
export function heatStep(score: number): number {
  if (!Number.isFinite(score)) return 0;
  const clamped = Math.max(0, Math.min(100, score));
  return Math.min(HEAT_STEPS - 1, Math.floor(clamped / (100 / HEAT_STEPS)));
}

/** The score range of a heat step, for the legend. */
export function heatRange(step: number): { from: number; to: number } {
  const width = 100 / HEAT_STEPS;
  return { from: step * width, to: (step + 1) * width };
}

export function isSuppressed(figure: unknown): figure is Suppressed {
  return typeof figure === 'object' && figure !== null && 'suppressed' in figure;
}

export function isDistribution(figure: unknown): figure is Distribution {
  return typeof figure === 'object' && figure !== null && 'median' in figure;
}

export function isFigure(figure: unknown): figure is Figure {
  return typeof figure === 'object' && figure !== null && 'value' in figure;
}

/** Why a peer figure is withheld, in the UI language; the server's own text for new reasons. */
export function suppressionText(t: Translate, locale: 'ja' | 'en', figure: Suppressed): string {
  switch (figure.suppressed) {
    case 'too_few_peers':
      return t('survey.suppressed.too_few_peers');
    case 'dominated':
      return t('survey.suppressed.dominated');
    default:
      return localText(figure.reason, locale) || t('survey.suppressed.other');
  }
}

/** A score with one decimal, in the UI's number format. */
export function formatScore(value: number, locale: 'ja' | 'en'): string {
  return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

/** A change in points with its sign (a true minus sign for falls); "±0.0" for none. */
export function formatChange(value: number, locale: 'ja' | 'en'): string {
  const rounded = Math.round(value * 10) / 10;
  const magnitude = formatScore(Math.abs(rounded), locale);
  if (rounded > 0) return `+${magnitude}`;
  if (rounded < 0) return `\u2212${magnitude}`;
  return `\u00b1${magnitude}`;
}

/** A share 0..1 as a whole percent. */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

const BANDS = ['top_quarter', 'upper_middle', 'lower_middle', 'bottom_quarter'];

export function bandLabel(t: Translate, band: string): string {
  return BANDS.includes(band) ? t(`survey.band.${band}` as MessageKey) : band;
}

/** Item texts by id, for lists that name items only by id (missed items, changes). */
export function itemIndex<T extends { id: string }>(
  sections: readonly { items: readonly T[] }[],
): Map<string, T> {
  const index = new Map<string, T>();
  for (const section of sections) for (const item of section.items) index.set(item.id, item);
  return index;
}

/** The section and item ids of shown items still without an answer, in document order. */
export function unansweredItems(sections: readonly SurveySection[]): string[] {
  const ids: string[] = [];
  for (const section of sections) {
    for (const item of section.items) {
      if (item.shown && item.answer === null && isScoredType(item)) ids.push(item.id);
    }
  }
  return ids;
}

/** Items the server scores (and so requires before submission). */
export function isScoredType(item: SurveyItem): boolean {
  switch (item.type) {
    case 'maturity':
    case 'yes_no':
      return true;
    case 'number':
      return item.number?.met_min !== undefined || item.number?.met_max !== undefined;
    case 'single_choice':
    case 'multiple_choice':
      return (item.choices ?? []).some((c) => c.credit !== undefined);
    default:
      return false;
  }
}

/** Whether the item offers "not applicable" (the bank's default is yes for scored items). */
export function allowsNotApplicable(item: SurveyItem): boolean {
  return item.not_applicable !== false && isScoredType(item);
}

/**
 * The number a text field holds, for saving: null for an empty field (clears the
 * answer), NaN for text that is not a number, which the caller reports without saving.
 */
export function parseNumberInput(text: string): number | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return null;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
}

/** An answer value as short display text (history, read-only views). */
export function answerText(
  t: Translate,
  locale: 'ja' | 'en',
  item: SurveyItem,
  value: AnswerValue | null,
): string {
  if (value === null) return t('survey.answer.cleared');
  if (value === 'not_applicable') return t('survey.answer.not_applicable');
  const choice = (id: string) =>
    localText(item.choices?.find((c) => c.id === id)?.label, locale) || id;
  switch (item.type) {
    case 'maturity':
      return t('survey.answer.level', { level: String(value) });
    case 'yes_no':
      return ['yes', 'no', 'compensating'].includes(String(value))
        ? t(`survey.answer.${value}` as MessageKey)
        : String(value);
    case 'number': {
      const unit = localText(item.number?.unit, locale);
      return unit ? `${value} ${unit}` : String(value);
    }
    case 'single_choice':
      return choice(String(value));
    case 'multiple_choice':
      return Array.isArray(value) ? value.map(choice).join(locale === 'ja' ? '、' : ', ') : '';
    case 'evidence':
      // The names of the item's uploaded files.
      return Array.isArray(value) ? value.join(locale === 'ja' ? '、' : ', ') : String(value);
    default:
      return String(value);
  }
}

// Phrases of the server's problems that carry no code (answer values carry one,
// src/survey/problems.cc; campaign and remediation forms do not).
const ANSWER_RULES: [RegExp, (t: Translate, m: RegExpExecArray) => string][] = [
  [/^not answered$/, (t) => t('survey.problem.notAnswered')],
  [/^1-(\d+) bytes of UTF-8$/, (t, m) => t('survey.problem.length', { max: m[1] })],
  [/^after the opening and in the future$/, (t) => t('survey.problem.deadlineFuture')],
  [/^later than (\S+)$/, (t, m) => t('survey.problem.laterThan', { date: japanDate(m[1]) })],
  [/^2000-2100$/, (t) => t('survey.problem.year')],
  [/^\d+\.\.(\d+) bytes of UTF-8$/, (t, m) => t('survey.problem.maxBytes', { max: m[1] })],
  [/^a date YYYY-MM-DD$/, (t) => t('survey.problem.date')],
  [/^today or later$/, (t) => t('survey.problem.todayOrLater')],
  [/^required for accepted_risk$/, (t) => t('survey.rem.noteForRisk')],
];

export function answerProblemText(t: Translate, problem: string): string {
  for (const [pattern, text] of ANSWER_RULES) {
    const match = pattern.exec(problem);
    if (match) return text(t, match);
  }
  return problemText(t, problem);
}

// Deadlines are the end of a day in Japan (Asia/Tokyo, UTC+9 all year, no daylight
// saving), whatever the browser's own zone is.
const JAPAN_OFFSET_MS = 9 * 3_600_000;

/** The deadline stored for a date picked in a form: 23:59:59 JST, i.e. 14:59:59Z that day. */
export function deadlineFromDate(date: string): string {
  return `${date}T14:59:59Z`;
}

/** The calendar date (YYYY-MM-DD) in Japan of an instant; the text itself when unreadable. */
export function japanDate(iso: string): string {
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  return new Date(time + JAPAN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Date and time in Japan, labelled with the zone, in the UI language. */
export function formatJapanTime(t: Translate, iso: string, locale: 'ja' | 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: 'Asia/Tokyo',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
  return t('survey.japanTime', { time: text });
}

/** Days from `now` to `deadline`, rounded down; negative once it has passed. */
export function daysLeft(deadline: string, now: Date): number | null {
  const end = new Date(deadline).getTime();
  if (Number.isNaN(end)) return null;
  return Math.floor((end - now.getTime()) / 86_400_000);
}

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface Timers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One item's autosave. `change` restarts a quiet period; when it ends the latest
 * value is saved. Saves never overlap: a change made while one is in flight is saved
 * after it, so the server sees the versions in order and the last one wins.
 */
export class Autosaver<T> {
  private timer: unknown = undefined;
  private latest: { value: T } | undefined;
  private inFlight = false;
  private state: SaveState = 'idle';

  constructor(
    private readonly save: (value: T) => Promise<void>,
    private readonly onState: (state: SaveState, error?: unknown) => void,
    private readonly delayMs = 800,
    private readonly timers: Timers = realTimers,
  ) {}

  get current(): SaveState {
    return this.state;
  }

  change(value: T): void {
    this.latest = { value };
    this.setState('pending');
    this.restartTimer();
  }

  /** Saves a pending value now (e.g. when the field loses focus). */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
    return this.run();
  }

  /** Drops a pending value and stops the timer; an in-flight save still completes. */
  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.latest = undefined;
  }

  private restartTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
  }

  private async run(): Promise<void> {
    if (this.inFlight || this.latest === undefined) return;
    const { value } = this.latest;
    this.latest = undefined;
    this.inFlight = true;
    this.setState('saving');
    let failure: unknown = undefined;
    let failed = false;
    try {
      await this.save(value);
    } catch (error) {
      failed = true;
      failure = error;
    }
    this.inFlight = false;
    if (this.latest !== undefined) {
      // Changed while saving: save the newer value once its quiet period ends.
      this.setState('pending');
      if (this.timer === undefined) this.restartTimer();
    } else if (failed) {
      this.setState('error', failure);
    } else {
      this.setState('saved');
    }
  }

  private setState(state: SaveState, error?: unknown): void {
    this.state = state;
    this.onState(state, error);
  }
}

export type ReminderDaysParse =
  { days: number[] } | { problem: 'empty' | 'format' | 'range' | 'count' };

/**
 * Reminder days as typed ("14, 7, 1", full-width digits and 、 allowed): distinct whole
 * days 1-365, at most 10, returned largest first as the server keeps them.
 */
export function parseReminderDays(text: string): ReminderDaysParse {
  const normalised = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const parts = normalised
    .split(/[\s,、，]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return { problem: 'empty' };
  if (parts.some((p) => !/^\d{1,3}$/.test(p))) return { problem: 'format' };
  const days = [...new Set(parts.map(Number))];
  if (days.some((d) => d < 1 || d > 365)) return { problem: 'range' };
  if (days.length > 10) return { problem: 'count' };
  return { days: days.sort((a, b) => b - a) };
}

/** A problem of a question bank as the server lists it: where, the rule broken, the message. */
export interface BankProblem {
  where: string;
  rule: string;
  message: string;
  /** The message's code and values, to word it in the UI language (problems.ts). */
  code?: string;
  params?: Record<string, string>;
}

/**
 * The server sends each bank problem as a field detail {field: where, problem: "rule:
 * message"}; a detail without a rule (a malformed document, a wrong id) keeps its text
 * as the message.
 */
export function bankProblems(details: readonly FieldProblem[]): BankProblem[] {
  return details.map(({ field, problem, code, params }) => {
    const match = /^([a-z][a-z0-9_]*): (.*)$/s.exec(problem);
    return {
      ...(match
        ? { where: field, rule: match[1], message: match[2] }
        : { where: field, rule: '', message: problem }),
      ...(code ? { code, params } : {}),
    };
  });
}

/**
 * The gaps of frozen results that remediation items can address: scored items neither
 * met nor not applicable, in the results' order (the bank's), as the server counts them.
 */
export function resultGaps(
  items: readonly { item_id: string; met: boolean; not_applicable: boolean }[] | undefined,
): string[] {
  return (items ?? []).filter((i) => !i.met && !i.not_applicable).map((i) => i.item_id);
}

/** Gap ids no remediation item of the campaign addresses yet. */
export function uncoveredGaps(
  gaps: readonly string[],
  items: readonly { item_ids: readonly string[] }[],
): string[] {
  const covered = new Set(items.flatMap((i) => i.item_ids));
  return gaps.filter((id) => !covered.has(id));
}

/** Today's date (YYYY-MM-DD) as the server checks due dates: in UTC. */
export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A plausible e-mail address (the server has the last word): one @, a dotted domain, no spaces. */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(text) && text.length <= 254;
}

/** A size in bytes as people read it (binary units, as the server's limits are set). */
export function formatBytes(bytes: number, locale: 'ja' | 'en'): string {
  const format = (n: number) =>
    new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', { maximumFractionDigits: 1 }).format(
      n,
    );
  if (bytes >= 1 << 20) return `${format(bytes / (1 << 20))} MB`;
  if (bytes >= 1 << 10) return `${format(bytes / (1 << 10))} KB`;
  return `${format(bytes)} B`;
}

/**
 * Why the server refused an evidence file, in the UI language: its limits (the numbers
 * come from its message), the file's kind, a name not matching the content, or the
 * questionnaire being locked. Null for anything else (shown as a general error).
 */
export function evidenceProblemText(
  t: Translate,
  locale: 'ja' | 'en',
  error: { code: string; message: string; details: readonly { field: string; problem: string }[] },
): string | null {
  const bytes = (m: RegExpExecArray | null) => (m ? formatBytes(Number(m[1]), locale) : '');
  if (error.code === 'resource_exhausted') {
    const larger = /larger than (\d+) bytes/.exec(error.message);
    if (larger) return t('survey.evidence.tooLarge', { size: bytes(larger) });
    const total = /would exceed (\d+) bytes/.exec(error.message);
    if (total) return t('survey.evidence.totalTooLarge', { size: bytes(total) });
    return t('survey.evidence.tooLargeRequest');
  }
  if (error.code === 'failed_precondition') {
    const files = /already has (\d+) files/.exec(error.message);
    if (files) return t('survey.evidence.tooMany', { count: files[1] });
    return t('survey.evidence.locked');
  }
  if (error.code !== 'invalid_argument') return null;
  const detail = error.details[0];
  if (detail?.field === 'file') {
    if (detail.problem === 'empty') return t('survey.evidence.empty');
    if (detail.problem === 'truncated') return t('survey.evidence.truncated');
    return t('survey.evidence.type');
  }
  if (detail?.field === 'filename') {
    const expected = /^(.+) for /.exec(detail.problem);
    if (expected) return t('survey.evidence.extension', { expected: expected[1] });
  }
  return t('survey.evidence.name');
}

/** One rejected row of an answer workbook, as the server names it: `sheet!row:item`. */
export interface WorkbookProblem {
  sheet: string;
  row: number | null;
  item: string;
  reason: string;
  /** The reason's code and values, to word it in the UI language (problems.ts). */
  code?: string;
  params?: Record<string, string>;
}

export function workbookProblems(details: readonly FieldProblem[]): WorkbookProblem[] {
  return details.map(({ field, problem, code, params }) => {
    const match = /^(.*)!(\d+):(.*)$/s.exec(field);
    return {
      ...(match
        ? { sheet: match[1], row: Number(match[2]), item: match[3], reason: problem }
        : { sheet: '', row: null, item: field, reason: problem }),
      ...(code ? { code, params } : {}),
    };
  });
}

/** A field problem of a survey form (an answer's, a campaign's) in the UI language. */
export function fieldProblemText(t: Translate, problem: FieldProblem): string {
  return codedProblemText(t, problem, answerProblemText);
}

/** A workbook row's reason in the UI language; a phrase without a code as the answer form words it. */
export function workbookReasonText(t: Translate, problem: WorkbookProblem): string {
  return codedProblemText(
    t,
    { problem: problem.reason, code: problem.code, params: problem.params },
    answerProblemText,
  );
}

/** A bank problem's message in the UI language. */
export function bankProblemText(t: Translate, problem: BankProblem): string {
  return codedProblemText(t, {
    problem: problem.message,
    code: problem.code,
    params: problem.params,
  });
}

/** Bytes of `text` in UTF-8, as the server counts its limits. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** `text` cut to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
