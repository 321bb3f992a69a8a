// Pieces shared by the survey screens: status badges, progress bars, the confirm
// dialog, peer figures that may be withheld, and the threat x function heatmap.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n } from '../../context';
import type { MessageKey } from '../../i18n';
import { href } from '../../router';
import {
  fieldProblemText,
  formatScore,
  HEAT_STEPS,
  heatRange,
  heatStep,
  isDistribution,
  isSuppressed,
  progressPercent,
  suppressionText,
} from '../../survey';
import {
  FUNCTIONS,
  THREATS,
  type AssignmentStatus,
  type CsfFunction,
  type Distribution,
  type SectionProgress,
  type Suppressed,
  type Threat,
} from '../../surveyApi';
import './survey.css';

export function AssignmentStatusBadge({ status }: { status: AssignmentStatus }) {
  const { t } = useI18n();
  const tone =
    status === 'submitted' ? 'badge-on' : status === 'reopen_requested' ? 'badge-warn' : '';
  return (
    <span class={`badge ${tone}`} data-status={status}>
      {t(`survey.assignmentStatus.${status}` as MessageKey)}
    </span>
  );
}

export function CampaignStatusBadge({ status }: { status: 'open' | 'closed' }) {
  const { t } = useI18n();
  return (
    <span class={`badge ${status === 'open' ? 'badge-on' : 'badge-off'}`}>
      {t(`survey.campaignStatus.${status}` as MessageKey)}
    </span>
  );
}

/** A bar with the count beside it; "no questions apply" when nothing is shown. */
export function Progress({ progress, label }: { progress: SectionProgress; label?: string }) {
  const { t } = useI18n();
  const percent = progressPercent(progress);
  if (percent === null) return <span class="muted small">{t('survey.noItems')}</span>;
  const text = t('survey.progressOf', { answered: progress.answered, shown: progress.shown });
  return (
    <span class="survey-progress">
      <progress max={100} value={percent} aria-label={label ?? text} />
      <span class="small">{text}</span>
    </span>
  );
}

/**
 * A modal confirmation (native <dialog>: focus stays inside, Escape cancels). The
 * caller renders it only while a confirmation is pending.
 */
export function ConfirmDialog({
  message,
  onConfirm,
  onCancel,
  busy,
  children,
}: {
  message: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="survey-dialog"
      aria-labelledby="survey-dialog-message"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <p id="survey-dialog-message">{message}</p>
      {children}
      <div class="form-actions">
        <button type="button" class="button button-primary" disabled={busy} onClick={onConfirm}>
          {t('survey.confirm.ok')}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          {t('survey.confirm.cancel')}
        </button>
      </div>
    </dialog>
  );
}

/**
 * A withheld figure: a short word with its reason, or, `brief` in a table, the word
 * with a mark whose reason WithheldNotes says once under the table.
 */
export function Withheld({ figure, brief }: { figure: Suppressed; brief?: boolean }) {
  const { t, locale } = useI18n();
  const reason = suppressionText(t, locale, figure);
  return (
    <span class="survey-withheld" data-suppressed={figure.suppressed}>
      {t('survey.suppressed.short')}
      {brief ? <sup aria-hidden="true">※</sup> : <span class="small muted"> — {reason}</span>}
    </span>
  );
}

/** The reasons of the withheld figures among `figures`, each once. */
export function WithheldNotes({ figures }: { figures: unknown[] }) {
  const { t, locale } = useI18n();
  const reasons = [
    ...new Set(figures.filter(isSuppressed).map((f) => suppressionText(t, locale, f))),
  ];
  return (
    <>
      {reasons.map((reason) => (
        <p key={reason} class="small muted" data-withheld-reason>
          ※ {t('survey.suppressed.short')}: {reason}
        </p>
      ))}
    </>
  );
}

/** Quartiles and median of a peer distribution, or why they are withheld. */
export function DistributionText({
  figure,
  brief,
}: {
  figure: Distribution | Suppressed | undefined;
  brief?: boolean;
}) {
  const { t, locale } = useI18n();
  if (!figure) return <span class="muted">{t('common.none')}</span>;
  if (isSuppressed(figure)) return <Withheld figure={figure} brief={brief} />;
  if (!isDistribution(figure)) return <span class="muted">{t('common.none')}</span>;
  return (
    <span>
      {t('survey.results.peerRange', {
        q1: formatScore(figure.q1, locale),
        median: formatScore(figure.median, locale),
        q3: formatScore(figure.q3, locale),
      })}{' '}
      <span class="small muted">
        ({t('survey.results.contributors', { count: figure.contributors })})
      </span>
    </span>
  );
}

export interface HeatCell {
  /** The score that sets the colour; null when no item counts in the cell. */
  score: number | null;
  /** A second line (e.g. the peer mean, or why it is withheld). */
  detail?: ComponentChildren;
}

/**
 * The threat x function heatmap as a table: every cell shows its number, and the
 * colour only repeats it, so the table reads the same without colour.
 */
export function Heatmap({
  caption,
  cell,
  testId,
}: {
  caption: string;
  cell: (threat: Threat, fn: CsfFunction) => HeatCell;
  testId?: string;
}) {
  const { t, locale } = useI18n();
  return (
    <div class="table-wrap">
      <table class="data-table survey-heatmap" data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('survey.results.threat')}</th>
            {FUNCTIONS.map((fn) => (
              <th scope="col" key={fn}>
                {t(`survey.function.${fn}` as MessageKey)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {THREATS.map((threat) => (
            <tr key={threat}>
              <th scope="row">{t(`survey.threat.${threat}` as MessageKey)}</th>
              {FUNCTIONS.map((fn) => {
                const { score, detail } = cell(threat, fn);
                return (
                  <td
                    key={fn}
                    class={score === null ? 'heat-none' : `heat-${heatStep(score)}`}
                    data-cell={`${threat}/${fn}`}
                  >
                    <span class="heat-score">
                      {score === null ? t('survey.results.noScore') : formatScore(score, locale)}
                    </span>
                    {detail && <span class="heat-detail">{detail}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="survey-legend small">
        <span>{t('survey.results.legend')}:</span>
        {Array.from({ length: HEAT_STEPS }, (_, step) => {
          const { from, to } = heatRange(step);
          return (
            <span key={step} class={`heat-swatch heat-${step}`}>
              {from}–{to}
            </span>
          );
        })}
      </p>
    </div>
  );
}

export function threatLabel(t: (key: MessageKey) => string, threat: string): string {
  return (THREATS as readonly string[]).includes(threat)
    ? t(`survey.threat.${threat}` as MessageKey)
    : threat;
}

export function functionLabel(t: (key: MessageKey) => string, fn: string): string {
  return (FUNCTIONS as readonly string[]).includes(fn)
    ? t(`survey.function.${fn}` as MessageKey)
    : fn;
}

/** The way back to the list of surveys, above a survey page. */
export function BackToList() {
  const { t } = useI18n();
  return (
    <p class="breadcrumb">
      <a href={href('/survey')}>{t('survey.backToList')}</a>
    </p>
  );
}

/** The way back to a campaign, above the pages drilled down from it. */
export function BackToCampaign({ campaignId }: { campaignId: string }) {
  const { t } = useI18n();
  return (
    <p class="breadcrumb">
      <a href={href(`/survey/${encodeURIComponent(campaignId)}`)}>
        {t('survey.drill.backToCampaign')}
      </a>
    </p>
  );
}

/**
 * A survey page that could not load: `notFound` when it does not exist (or is not
 * this institution's to see), the error otherwise, then the way back to the list.
 */
export function LoadFailure({
  error,
  notFound,
  testId,
}: {
  error: ApiError;
  notFound: string;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <section>
      {error.code === 'not_found' ? (
        <p class="alert alert-error" role="alert" data-testid={testId}>
          {notFound}
        </p>
      ) : (
        <ErrorMessage error={error} />
      )}
      <p>
        <a href={href('/survey')}>{t('survey.backToList')}</a>
      </p>
    </section>
  );
}

/** A form's submit button, with the cancel button beside it. */
export function FormActions({
  submitLabel,
  disabled,
  onCancel,
}: {
  submitLabel: string;
  disabled: boolean;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled={disabled}>
        {submitLabel}
      </button>
      <button type="button" class="button" onClick={onCancel}>
        {t('survey.confirm.cancel')}
      </button>
    </div>
  );
}

/** A failed action: the error, then each field's problem in the UI language. */
export function ActionError({ error }: { error: ApiError }) {
  const { t } = useI18n();
  return (
    <div data-action-error>
      <ErrorMessage error={error} />
      {error.details.length > 0 && (
        <ul class="field-error">
          {error.details.map((d) => (
            <li key={`${d.field}:${d.problem}`}>{fieldProblemText(t, d)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
