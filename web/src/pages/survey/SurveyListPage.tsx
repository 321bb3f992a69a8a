import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { canAnswerSurvey, canManageBanks, canManageCampaigns, canSubmitSurvey } from '../../access';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { useI18n, useSession } from '../../context';
import { sectorLabel } from '../../labels';
import { href, navigate } from '../../router';
import {
  fieldProblemText,
  daysLeft,
  deadlineFromDate,
  formatJapanTime,
  localText,
} from '../../survey';
import { surveyApi, type Assignment, type BankInfo, type Campaign } from '../../surveyApi';
import {
  AssignmentStatusBadge,
  CampaignStatusBadge,
  ConfirmDialog,
  FormActions,
  Progress,
} from './parts';
import { ContactSettings, ReminderNotice } from './Reminders';

/** The survey's entry: an institution's own surveys, or the regulator's campaigns. */
export function SurveyListPage() {
  const { session } = useSession();
  return canAnswerSurvey(session.user) ? <MySurveys /> : <Campaigns />;
}

interface Mine {
  campaign: Campaign;
  assignment?: Assignment;
}

function MySurveys() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const loaded = useAsync<Mine[]>(async () => {
    const { items } = await surveyApi.campaigns();
    // An institution sees only its own assignment in each campaign.
    return Promise.all(
      items.map(async (campaign) => ({
        campaign,
        assignment: (await surveyApi.assignments(campaign.id)).items[0],
      })),
    );
  }, []);
  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (!loaded.data) return <p class="muted">{t('app.loading')}</p>;
  const open = loaded.data.filter((m) => m.campaign.status === 'open');
  const past = loaded.data.filter((m) => m.campaign.status === 'closed');
  const now = new Date();

  const table = (rows: Mine[], testId: string) => (
    <div class="table-wrap">
      <table class="data-table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('survey.campaign')}</th>
            <th scope="col">{t('survey.year')}</th>
            <th scope="col">{t('survey.deadline')}</th>
            <th scope="col">{t('survey.status')}</th>
            <th scope="col">{t('survey.progress')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('survey.campaign.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ campaign, assignment }) => {
            const id = encodeURIComponent(campaign.id);
            const left = assignment ? daysLeft(assignment.deadline, now) : null;
            return (
              <tr key={campaign.id} data-campaign={campaign.id}>
                <th scope="row">
                  <a href={href(`/survey/${id}/answer`)}>{localText(campaign.title, locale)}</a>
                </th>
                <td>{campaign.year}</td>
                <td>
                  {assignment && formatJapanTime(t, assignment.deadline, locale)}
                  {campaign.status === 'open' && left !== null && (
                    <div class="small muted">
                      {left < 0 ? t('survey.overdue') : t('survey.daysLeft', { days: left })}
                    </div>
                  )}
                </td>
                <td>{assignment && <AssignmentStatusBadge status={assignment.status} />}</td>
                <td>{assignment && <Progress progress={assignment.progress} />}</td>
                <td>
                  {campaign.status === 'open' ? (
                    <a class="button button-small" href={href(`/survey/${id}/answer`)}>
                      {assignment?.status === 'in_progress' ? t('survey.answer') : t('survey.view')}
                    </a>
                  ) : assignment?.submission ? (
                    <a class="button button-small" href={href(`/survey/${id}/results`)}>
                      {t('survey.results')}
                    </a>
                  ) : (
                    <span class="small muted">{t('survey.noResults')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );

  return (
    <section>
      <h1>{t('survey.myTitle')}</h1>
      <ReminderNotice />
      <h2>{t('survey.open')}</h2>
      {open.length === 0 ? <p class="empty">{t('survey.noneOpen')}</p> : table(open, 'survey-open')}
      <h2>{t('survey.past')}</h2>
      {past.length === 0 ? <p class="empty">{t('survey.nonePast')}</p> : table(past, 'survey-past')}
      <ContactSettings orgId={session.org.id} editable={canSubmitSurvey(session.user)} />
    </section>
  );
}

function Campaigns() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const manage = canManageCampaigns(session.user);
  const loaded = useAsync(() => surveyApi.campaigns(), []);
  const [opening, setOpening] = useState(false);
  return (
    <section>
      <div class="page-head">
        <h1>{t('survey.campaigns')}</h1>
        <div class="survey-head-actions">
          {canManageBanks(session.user) && (
            <a class="button" href={href('/survey/banks')}>
              {t('survey.bank.title')}
            </a>
          )}
          {manage && !opening && (
            <button type="button" class="button button-primary" onClick={() => setOpening(true)}>
              {t('survey.new.title')}
            </button>
          )}
        </div>
      </div>
      {opening && <OpenCampaignForm onCancel={() => setOpening(false)} />}
      {loaded.error && <ErrorMessage error={loaded.error} />}
      {loaded.data &&
        (loaded.data.items.length === 0 ? (
          <p class="empty">{t('survey.noCampaigns')}</p>
        ) : (
          <div class="table-wrap">
            <table class="data-table" data-testid="survey-campaigns">
              <thead>
                <tr>
                  <th scope="col">{t('survey.campaign')}</th>
                  <th scope="col">{t('survey.year')}</th>
                  <th scope="col">{t('survey.status')}</th>
                  <th scope="col">{t('survey.deadline')}</th>
                  <th scope="col">{t('survey.progress')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('survey.campaign.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((c) => {
                  const id = encodeURIComponent(c.id);
                  return (
                    <tr key={c.id} data-campaign={c.id}>
                      <th scope="row">
                        <a href={href(`/survey/${id}`)}>{localText(c.title, locale)}</a>
                      </th>
                      <td>{c.year}</td>
                      <td>
                        <CampaignStatusBadge status={c.status} />
                      </td>
                      <td>{formatJapanTime(t, c.deadline, locale)}</td>
                      <td>
                        {t('survey.submittedCount', {
                          submitted: c.submitted,
                          assignments: c.assignments,
                        })}
                      </td>
                      <td class="actions">
                        <a class="button button-small" href={href(`/survey/${id}`)}>
                          {t('survey.assignmentsLink')}
                        </a>
                        {c.status === 'closed' && (
                          <a class="button button-small" href={href(`/survey/${id}/sector`)}>
                            {t('survey.sectorLink')}
                          </a>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
      {loaded.loading && !loaded.data && <p class="muted">{t('app.loading')}</p>}
    </section>
  );
}

/** The coordination office opens a campaign: a published bank, categories and a deadline. */
function OpenCampaignForm({ onCancel }: { onCancel: () => void }) {
  const { t, locale } = useI18n();
  const { sectors } = useSession();
  const banks = useAsync<BankInfo[]>(
    async () => (await surveyApi.banks()).items.filter((b) => b.status !== 'draft'),
    [],
  );
  const year = new Date().getFullYear() + 1;
  const [bank, setBank] = useState('');
  const [titleJa, setTitleJa] = useState(`${year}年度 サイバーセキュリティ・セルフアセスメント`);
  const [titleEn, setTitleEn] = useState(`Cybersecurity self-assessment ${year}`);
  const [yearText, setYearText] = useState(String(year));
  const [categories, setCategories] = useState<string[]>([]);
  const [deadline, setDeadline] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const chosenBank = bank || banks.data?.[0]?.id || '';

  const open = async () => {
    setSending(true);
    setError(undefined);
    try {
      const campaign = await surveyApi.openCampaign({
        bank: chosenBank,
        title: { ja: titleJa.trim(), en: titleEn.trim() },
        year: Number(yearText),
        categories,
        deadline: deadlineFromDate(deadline),
      });
      navigate(`/survey/${encodeURIComponent(campaign.id)}`);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      const fields: Record<string, string> = {};
      for (const d of e.details) fields[d.field] = fieldProblemText(t, d);
      setProblems(fields);
      setError(e);
      setConfirming(false);
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      class="panel card-form"
      data-testid="survey-open-form"
      onSubmit={(e) => {
        e.preventDefault();
        const fields: Record<string, string> = {};
        if (!titleJa.trim()) fields['title.ja'] = t('problem.required');
        if (!titleEn.trim()) fields['title.en'] = t('problem.required');
        if (!/^\d{4}$/.test(yearText)) fields.year = t('problem.other', { problem: yearText });
        if (categories.length === 0) fields.categories = t('problem.required');
        if (!deadline) fields.deadline = t('problem.required');
        if (!chosenBank) fields.bank = t('survey.new.noBank');
        setProblems(fields);
        if (Object.keys(fields).length === 0) setConfirming(true);
      }}
    >
      <h2>{t('survey.new.title')}</h2>
      <div class="form-grid">
        <Field id="survey-new-bank" label={t('survey.new.bank')} error={problems.bank}>
          <select
            {...fieldAria('survey-new-bank', problems.bank)}
            value={chosenBank}
            onChange={(e) => setBank(e.currentTarget.value)}
          >
            {(banks.data ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {localText(b.title, locale)} ({b.bank_id} {b.version})
              </option>
            ))}
          </select>
        </Field>
        <Field id="survey-new-year" label={t('survey.new.year')} error={problems.year}>
          <input
            {...fieldAria('survey-new-year', problems.year)}
            inputMode="numeric"
            value={yearText}
            maxLength={4}
            onInput={(e) => setYearText(e.currentTarget.value)}
          />
        </Field>
        <Field
          id="survey-new-title-ja"
          label={t('survey.new.titleJa')}
          error={problems['title.ja']}
        >
          <input
            {...fieldAria('survey-new-title-ja', problems['title.ja'])}
            value={titleJa}
            maxLength={200}
            onInput={(e) => setTitleJa(e.currentTarget.value)}
          />
        </Field>
        <Field
          id="survey-new-title-en"
          label={t('survey.new.titleEn')}
          error={problems['title.en']}
        >
          <input
            {...fieldAria('survey-new-title-en', problems['title.en'])}
            value={titleEn}
            maxLength={200}
            onInput={(e) => setTitleEn(e.currentTarget.value)}
          />
        </Field>
        <Field
          id="survey-new-deadline"
          label={t('survey.new.deadline')}
          error={problems.deadline}
          hint={t('survey.new.deadlineHint')}
        >
          <input
            {...fieldAria('survey-new-deadline', problems.deadline, t('survey.new.deadlineHint'))}
            type="date"
            value={deadline}
            onInput={(e) => setDeadline(e.currentTarget.value)}
          />
        </Field>
      </div>
      <fieldset aria-describedby={problems.categories ? 'survey-new-categories-error' : undefined}>
        <legend>{t('survey.new.categories')}</legend>
        <div class="survey-options">
          {sectors.map((s) => (
            <label key={s.code}>
              <input
                type="checkbox"
                checked={categories.includes(s.code)}
                onChange={(e) =>
                  setCategories(
                    e.currentTarget.checked
                      ? [...categories, s.code]
                      : categories.filter((c) => c !== s.code),
                  )
                }
              />
              <span>{sectorLabel(t, locale, sectors, s.code)}</span>
            </label>
          ))}
        </div>
        {problems.categories && (
          <p class="field-error" id="survey-new-categories-error">
            {problems.categories}
          </p>
        )}
      </fieldset>
      {error && <ErrorMessage error={error} />}
      <FormActions submitLabel={t('survey.new.submit')} disabled={sending} onCancel={onCancel} />
      {confirming && (
        <ConfirmDialog
          message={t('survey.new.confirm')}
          busy={sending}
          onConfirm={() => void open()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </form>
  );
}
