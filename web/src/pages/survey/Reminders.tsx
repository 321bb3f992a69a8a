// Reminders before a deadline: the notice an institution's users see while a
// questionnaire is still unsubmitted, the institution's survey contact address (where
// the reminder e-mails go), and a campaign's reminder days (the coordination office).
import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { useI18n } from '../../context';
import { formatDateTime } from '../../labels';
import { href } from '../../router';
import {
  daysLeft,
  formatJapanTime,
  localText,
  looksLikeEmail,
  parseReminderDays,
} from '../../survey';
import type { MessageKey } from '../../i18n';
import { surveyApi } from '../../surveyApi';
import { ActionError } from './parts';

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/** The caller's institution's pending reminders; nothing at all when there are none. */
export function ReminderNotice() {
  const { t, locale } = useI18n();
  const loaded = useAsync(() => surveyApi.myReminders(), []);
  // A notice that cannot load must not break the page it sits on.
  if (!loaded.data || loaded.data.items.length === 0) return null;
  const now = new Date();
  return (
    <div class="panel survey-notice" role="status" data-testid="survey-reminders">
      <strong>{t('survey.remind.notice')}</strong>
      <ul>
        {loaded.data.items.map((r) => {
          const left = daysLeft(r.deadline, now);
          return (
            <li key={r.campaign_id} data-reminder={r.campaign_id}>
              <a href={href(`/survey/${encodeURIComponent(r.campaign_id)}/answer`)}>
                {localText(r.title, locale)}
              </a>{' '}
              — {t('survey.remind.deadline', { deadline: formatJapanTime(t, r.deadline, locale) })}{' '}
              <strong data-days-left>
                {left === null || left < 0
                  ? t('survey.overdue')
                  : left === 0
                    ? t('survey.remind.today')
                    : t('survey.daysLeft', { days: left })}
              </strong>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * The institution's survey contact address: read by its users, set or removed by its
 * admins (`editable`).
 */
export function ContactSettings({ orgId, editable }: { orgId: string; editable: boolean }) {
  const { t } = useI18n();
  const loaded = useAsync(() => surveyApi.contact(orgId), [orgId]);
  const [email, setEmail] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (!loaded.data) return null;
  const current = loaded.data.email ?? '';
  const value = email ?? current;

  const save = async (next: string) => {
    if (next !== '' && !looksLikeEmail(next)) {
      setProblem(t('survey.contact.invalid'));
      return;
    }
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const stored = await surveyApi.setContact(orgId, next);
      setEmail(stored.email ?? '');
      setSaved(stored.email ? t('survey.contact.saved') : t('survey.contact.removed'));
      loaded.reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel" data-testid="survey-contact">
      <h2>{t('survey.contact.title')}</h2>
      <p class="small muted">{t('survey.contact.hint')}</p>
      {!editable ? (
        <p data-contact-email>{current || t('survey.contact.none')}</p>
      ) : (
        <form
          class="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save(value.trim());
          }}
        >
          <Field id="survey-contact-email" label={t('survey.contact.email')} error={problem}>
            <input
              {...fieldAria('survey-contact-email', problem)}
              type="email"
              value={value}
              maxLength={254}
              autocomplete="email"
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-primary" disabled={busy}>
            {t('survey.contact.save')}
          </button>
          {current && (
            <button type="button" class="button" disabled={busy} onClick={() => void save('')}>
              {t('survey.contact.remove')}
            </button>
          )}
        </form>
      )}
      {saved && (
        <p class="alert alert-success" role="status">
          {saved}
        </p>
      )}
      {error && <ActionError error={error} />}
    </div>
  );
}

/**
 * A campaign's reminder days before each institution's deadline: read by the
 * regulator's roles, changed by the coordination office (`editable`) while it is open.
 */
export function ReminderDays({ campaignId, editable }: { campaignId: string; editable: boolean }) {
  const { t, locale } = useI18n();
  const loaded = useAsync(() => surveyApi.reminderDays(campaignId), [campaignId]);
  const [text, setText] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (!loaded.data) return null;
  const settings = loaded.data;
  const value = text ?? settings.days.join(', ');

  const save = async () => {
    const parsed = parseReminderDays(value);
    if ('problem' in parsed) {
      setProblem(t(`survey.remind.problem.${parsed.problem}`));
      return;
    }
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const stored = await surveyApi.setReminderDays(campaignId, parsed.days);
      setText(stored.days.join(', '));
      setSaved(true);
      loaded.reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel" data-testid="survey-reminder-days">
      <h2>{t('survey.remind.daysTitle')}</h2>
      <p data-reminder-days>
        {t('survey.remind.days', { days: settings.days.join(locale === 'ja' ? '、' : ', ') })}{' '}
        <span class="small muted">
          {settings.default
            ? t('survey.remind.default')
            : settings.updated_at &&
              t('survey.remind.updated', {
                at: formatDateTime(settings.updated_at, locale),
                by: settings.updated_by ?? '',
              })}
        </span>
      </p>
      {editable && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Field
            id="survey-reminder-days"
            label={t('survey.remind.daysLabel')}
            error={problem}
            hint={t('survey.remind.daysHint')}
          >
            <input
              {...fieldAria('survey-reminder-days', problem, t('survey.remind.daysHint'))}
              value={value}
              maxLength={60}
              inputMode="numeric"
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-primary" disabled={busy}>
            {t('survey.remind.save')}
          </button>
        </form>
      )}
      {saved && (
        <p class="alert alert-success" role="status">
          {t('survey.remind.saved')}
        </p>
      )}
      {error && <ActionError error={error} />}
    </div>
  );
}

const MAIL_STATES = ['none', 'pending', 'sent', 'failed'];

/** Reminders sent to the institutions the caller may read, newest first, with the e-mail's state. */
export function SentReminders({ campaignId }: { campaignId: string }) {
  const { t, locale } = useI18n();
  const loaded = useAsync(() => surveyApi.sentReminders(campaignId), [campaignId]);
  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (!loaded.data) return null;
  const items = loaded.data.items;
  return (
    <details class="panel" data-testid="survey-reminders-sent">
      <summary>{t('survey.remind.sent', { count: items.length })}</summary>
      {items.length === 0 ? (
        <p class="empty">{t('survey.remind.noneSent')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t('survey.campaign.institution')}</th>
                <th scope="col">{t('survey.remind.sentAt')}</th>
                <th scope="col">{t('survey.remind.daysBefore')}</th>
                <th scope="col">{t('survey.deadline')}</th>
                <th scope="col">{t('survey.remind.mail')}</th>
                <th scope="col">{t('survey.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={`${r.org_id}-${r.days_before}-${r.sent_at}`} data-sent-org={r.org_id}>
                  <th scope="row">{localText(r.org_name, locale)}</th>
                  <td>{formatDateTime(r.sent_at, locale)}</td>
                  <td>{t('survey.remind.daysBeforeValue', { days: r.days_before })}</td>
                  <td>{formatJapanTime(t, r.deadline, locale)}</td>
                  <td data-mail={r.mail}>
                    {MAIL_STATES.includes(r.mail)
                      ? t(`survey.remind.mail.${r.mail}` as MessageKey)
                      : r.mail}
                  </td>
                  <td>
                    {r.submitted
                      ? t('survey.assignmentStatus.submitted')
                      : t('survey.remind.notSubmitted')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
