import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { canManageCampaigns, isSurveyRegulator } from '../../access';
import { useAsync } from '../../components/async';
import { useI18n, useSession } from '../../context';
import { formatDateTime, sectorLabel } from '../../labels';
import { href } from '../../router';
import type { PageProps } from '../../routes';
import { deadlineFromDate, formatJapanTime, localText } from '../../survey';
import { surveyApi, type Assignment, type AssignmentStatus, type Campaign } from '../../surveyApi';
import {
  ActionError,
  AssignmentStatusBadge,
  BackToList,
  CampaignStatusBadge,
  ConfirmDialog,
  LoadFailure,
  Progress,
} from './parts';
import { ReminderDays, SentReminders } from './Reminders';

const STATUSES: AssignmentStatus[] = ['in_progress', 'submitted', 'reopen_requested'];

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/** The regulator's campaign: facts, closing, and every visible institution's assignment. */
export function CampaignPage({ params, query }: PageProps) {
  const { t, locale } = useI18n();
  const { session, sectors } = useSession();
  const manage = canManageCampaigns(session.user);
  const campaignId = params.id;
  const loaded = useAsync(async () => {
    const [campaign, assignments] = await Promise.all([
      surveyApi.campaign(campaignId),
      surveyApi.assignments(campaignId),
    ]);
    return { campaign, assignments: assignments.items };
  }, [campaignId]);
  const [status, setStatus] = useState(query.get('status') ?? '');
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string>();

  if (loaded.error) {
    return <LoadFailure error={loaded.error} notFound={t('survey.notFound')} />;
  }
  if (!loaded.data) return <p class="muted">{t('app.loading')}</p>;
  const { campaign, assignments } = loaded.data;
  const needle = text.trim().toLowerCase();
  const rows = assignments.filter(
    (a) =>
      (!status || a.status === status) &&
      (!needle ||
        a.org_name.ja.toLowerCase().includes(needle) ||
        a.org_name.en.toLowerCase().includes(needle)),
  );
  const done = (message: string) => {
    setNotice(message);
    loaded.reload();
  };

  return (
    <section>
      <BackToList />
      <div class="page-head">
        <h1>{localText(campaign.title, locale)}</h1>
        <CampaignStatusBadge status={campaign.status} />
      </div>
      {notice && (
        <p class="alert alert-success" role="status">
          {notice}
        </p>
      )}
      <div class="panel">
        <h2>{t('survey.campaign.facts')}</h2>
        <dl class="facts">
          <dt>{t('survey.campaign.bank')}</dt>
          <dd>
            {campaign.bank.bank_id} {campaign.bank.version}
          </dd>
          <dt>{t('survey.year')}</dt>
          <dd>{campaign.year}</dd>
          <dt>{t('survey.campaign.categories')}</dt>
          <dd>{campaign.categories.map((c) => sectorLabel(t, locale, sectors, c)).join(' / ')}</dd>
          <dt>{t('survey.campaign.opened')}</dt>
          <dd>{formatDateTime(campaign.opens_at, locale)}</dd>
          <dt>{t('survey.deadline')}</dt>
          <dd>{formatJapanTime(t, campaign.deadline, locale)}</dd>
          {campaign.closed_at && (
            <>
              <dt>{t('survey.campaign.closedAt')}</dt>
              <dd>{formatDateTime(campaign.closed_at, locale)}</dd>
            </>
          )}
          <dt>{t('survey.progress')}</dt>
          <dd>
            {t('survey.submittedCount', {
              submitted: campaign.submitted,
              assignments: campaign.assignments,
            })}
          </dd>
        </dl>
        <div class="survey-head-actions">
          {campaign.status === 'closed' && (
            <a class="button" href={href(`/survey/${encodeURIComponent(campaign.id)}/sector`)}>
              {t('survey.sectorLink')}
            </a>
          )}
          {manage && campaign.status === 'open' && (
            <CloseCampaign campaign={campaign} onDone={() => done(t('survey.campaign.closed'))} />
          )}
        </div>
      </div>

      {isSurveyRegulator(session.user) && (
        <>
          <ReminderDays campaignId={campaign.id} editable={manage && campaign.status === 'open'} />
          <SentReminders campaignId={campaign.id} />
        </>
      )}

      <h2>{t('survey.campaign.assignments')}</h2>
      <div class="filters" role="search">
        <div class="field">
          <label for="survey-filter-status">{t('survey.campaign.filterStatus')}</label>
          <select
            id="survey-filter-status"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value)}
          >
            <option value="">{t('survey.campaign.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`survey.assignmentStatus.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-grow">
          <label for="survey-filter-text">{t('survey.campaign.filterText')}</label>
          <input
            id="survey-filter-text"
            type="search"
            value={text}
            maxLength={100}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
      </div>
      <p class="result-count" aria-live="polite">
        {t('survey.campaign.count', { count: rows.length })}
      </p>
      {rows.length === 0 ? (
        <p class="empty">{t('survey.campaign.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table" data-testid="survey-assignments">
            <thead>
              <tr>
                <th scope="col">{t('survey.campaign.institution')}</th>
                <th scope="col">{t('survey.campaign.category')}</th>
                <th scope="col">{t('survey.status')}</th>
                <th scope="col">{t('survey.progress')}</th>
                <th scope="col">{t('survey.deadline')}</th>
                <th scope="col">{t('survey.campaign.submittedBy')}</th>
                {manage && campaign.status === 'open' && (
                  <th scope="col">{t('survey.campaign.actions')}</th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.org_id} data-org={a.org_id}>
                  <th scope="row">
                    <a
                      href={href(
                        `/survey/${encodeURIComponent(campaign.id)}/org/${encodeURIComponent(a.org_id)}`,
                      )}
                    >
                      {localText(a.org_name, locale)}
                    </a>
                  </th>
                  <td>{sectorLabel(t, locale, sectors, a.category)}</td>
                  <td>
                    <AssignmentStatusBadge status={a.status} />
                    {a.reopen_reason && (
                      <div class="small">
                        {t('survey.campaign.reopenReason', { reason: a.reopen_reason })}
                      </div>
                    )}
                  </td>
                  <td>
                    <Progress progress={a.progress} />
                  </td>
                  <td>
                    {formatJapanTime(t, a.deadline, locale)}
                    {a.deadline !== campaign.deadline && (
                      <span class="badge badge-warn">{t('survey.campaign.extended')}</span>
                    )}
                  </td>
                  <td>
                    {a.submission ? (
                      <>
                        {a.submission.executive_name}（{a.submission.executive_title}）
                        <div class="small muted">
                          {formatDateTime(a.submission.submitted_at, locale)}
                        </div>
                      </>
                    ) : (
                      t('common.none')
                    )}
                  </td>
                  {manage && campaign.status === 'open' && (
                    <td>
                      <RowActions assignment={a} onDone={done} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CloseCampaign({ campaign, onDone }: { campaign: Campaign; onDone: () => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  return (
    <>
      <button type="button" class="button button-danger" onClick={() => setConfirming(true)}>
        {t('survey.campaign.close')}
      </button>
      {error && <ActionError error={error} />}
      {confirming && (
        <ConfirmDialog
          message={t('survey.campaign.closeConfirm')}
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await surveyApi.closeCampaign(campaign.id);
              onDone();
            } catch (err) {
              setError(asApiError(err));
            } finally {
              setBusy(false);
              setConfirming(false);
            }
          }}
        />
      )}
    </>
  );
}

type Pending =
  { kind: 'extend'; date: string } | { kind: 'grant' } | { kind: 'decline'; reason: string };

/** Extend, grant or decline for one institution, each confirmed, with its own error. */
function RowActions({
  assignment,
  onDone,
}: {
  assignment: Assignment;
  onDone: (message: string) => void;
}) {
  const { t, locale } = useI18n();
  const org = localText(assignment.org_name, locale);
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const base = `survey-row-${assignment.org_id}`;

  const run = async (p: Pending) => {
    setBusy(true);
    setError(undefined);
    try {
      const { campaign_id: id, org_id: orgId } = assignment;
      if (p.kind === 'extend') {
        await surveyApi.extend(id, orgId, deadlineFromDate(p.date));
        onDone(t('survey.campaign.extendedDone', { org }));
      } else if (p.kind === 'grant') {
        await surveyApi.grantReopen(id, orgId);
        onDone(t('survey.campaign.granted', { org }));
      } else {
        await surveyApi.declineReopen(id, orgId, p.reason);
        onDone(t('survey.campaign.declined', { org }));
      }
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  const message = !pending
    ? ''
    : pending.kind === 'extend'
      ? t('survey.campaign.extendConfirm', { org, date: pending.date })
      : pending.kind === 'grant'
        ? t('survey.campaign.grantConfirm', { org })
        : t('survey.campaign.declineConfirm', { org });

  return (
    <div class="survey-row-actions" data-actions={assignment.org_id}>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (date) setPending({ kind: 'extend', date });
        }}
      >
        <label class="visually-hidden" for={`${base}-date`}>
          {t('survey.campaign.newDeadline')}
        </label>
        <input
          id={`${base}-date`}
          type="date"
          value={date}
          onInput={(e) => setDate(e.currentTarget.value)}
        />
        <button type="submit" class="button button-small" disabled={!date || busy}>
          {t('survey.campaign.extend')}
        </button>
      </form>
      {assignment.status === 'reopen_requested' && (
        <div class="inline-form">
          <button
            type="button"
            class="button button-small button-primary"
            disabled={busy}
            onClick={() => setPending({ kind: 'grant' })}
          >
            {t('survey.campaign.grant')}
          </button>
          <label class="visually-hidden" for={`${base}-reason`}>
            {t('survey.campaign.declineReason')}
          </label>
          <input
            id={`${base}-reason`}
            value={reason}
            maxLength={2000}
            placeholder={t('survey.campaign.declineReason')}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <button
            type="button"
            class="button button-small"
            disabled={busy || !reason.trim()}
            onClick={() => setPending({ kind: 'decline', reason: reason.trim() })}
          >
            {t('survey.campaign.decline')}
          </button>
        </div>
      )}
      {error && <ActionError error={error} />}
      {pending && (
        <ConfirmDialog
          message={message}
          busy={busy}
          onCancel={() => setPending(null)}
          onConfirm={() => void run(pending)}
        />
      )}
    </div>
  );
}
