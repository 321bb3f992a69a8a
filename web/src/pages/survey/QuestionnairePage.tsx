import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { canSubmitSurvey } from '../../access';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { useI18n, useSession } from '../../context';
import { formatDateTime } from '../../labels';
import { problemText } from '../../problems';
import { href } from '../../router';
import type { PageProps } from '../../routes';
import {
  formatJapanTime,
  itemIndex,
  localText,
  totalProgress,
  unansweredItems,
  type SaveState,
} from '../../survey';
import {
  surveyApi,
  type Questionnaire,
  type EvidenceFile,
  type StoredAnswer,
  type SurveySection,
} from '../../surveyApi';
import { EvidenceFiles, WorkbookPanel } from './Files';
import { ItemEditor } from './ItemEditor';
import { EarlierItemsWhileAnswering } from './RemediationSection';
import { AssignmentStatusBadge, BackToList, ConfirmDialog, LoadFailure, Progress } from './parts';

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/**
 * The institution's questionnaire: sections in a side list with their progress, the
 * items the server says are shown (conditions are evaluated there, so the page asks
 * again after every saved value), autosave per item, then submission under attestation.
 */
export function QuestionnairePage({ params, query }: PageProps) {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const campaignId = params.id;
  const [q, setQ] = useState<Questionnaire>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const generation = useRef(0);
  const busy = useRef(new Map<string, SaveState>());
  const [busyCount, setBusyCount] = useState(0);
  // Bumped after a workbook import so every item editor starts from the imported answers.
  const [imports, setImports] = useState(0);

  const [refreshError, setRefreshError] = useState<ApiError>();
  const shown = useRef(false);

  const refresh = async () => {
    const mine = ++generation.current;
    try {
      const next = await surveyApi.my(campaignId);
      // A slower, older answer must not overwrite a newer one.
      if (mine !== generation.current) return;
      shown.current = true;
      setRefreshError(undefined);
      setQ(next);
    } catch (err) {
      if (mine !== generation.current) return;
      // Once the questionnaire is on screen a failed re-read only warns; the answers stay.
      if (shown.current) setRefreshError(asApiError(err));
      else setLoadError(asApiError(err));
    }
  };
  useEffect(() => {
    shown.current = false;
    setQ(undefined);
    setLoadError(undefined);
    void refresh();
  }, [campaignId]);

  const onSaveState = (itemId: string, state: SaveState) => {
    if (state === 'pending' || state === 'saving') busy.current.set(itemId, state);
    else busy.current.delete(itemId);
    setBusyCount(busy.current.size);
  };

  if (loadError) {
    return <LoadFailure error={loadError} notFound={t('survey.notFound')} />;
  }
  if (!q) return <p class="muted">{t('app.loading')}</p>;

  const sectionId = query.get('section') ?? q.sections[0]?.id;
  const section = q.sections.find((s) => s.id === sectionId) ?? q.sections[0];
  const overall = totalProgress(q.sections);
  const a = q.assignment;
  const isAdmin = canSubmitSurvey(session.user);
  // Item numbers run through the whole questionnaire, counting shown items only.
  let number = 0;
  const numbers = new Map<string, number>();
  for (const s of q.sections)
    for (const item of s.items) if (item.shown) numbers.set(item.id, ++number);

  return (
    <section>
      <BackToList />
      <div class="page-head">
        <h1>{localText(q.campaign.title, locale)}</h1>
        <AssignmentStatusBadge status={a.status} />
      </div>
      <dl class="facts">
        <dt>{t('survey.deadline')}</dt>
        <dd>{formatJapanTime(t, a.deadline, locale)}</dd>
        <dt>{t('survey.q.overall')}</dt>
        <dd data-testid="survey-overall-progress">
          <Progress progress={overall} />
        </dd>
      </dl>
      {q.bank.description && (
        <details class="panel">
          <summary>{localText(q.bank.title, locale)}</summary>
          <p>{localText(q.bank.description, locale)}</p>
        </details>
      )}
      {q.campaign.status === 'open' && <EarlierItemsWhileAnswering campaignId={campaignId} />}
      <WorkbookPanel
        campaignId={campaignId}
        editable={q.editable}
        onImported={() => {
          setImports((n) => n + 1);
          void refresh();
        }}
      />
      {refreshError && <ErrorMessage error={refreshError} />}
      {notice && (
        <p class="alert alert-success" role="status">
          {notice}
        </p>
      )}
      <LockedBanner q={q} />
      {q.campaign.status === 'closed' && a.submission && (
        <p>
          <a class="button" href={href(`/survey/${encodeURIComponent(campaignId)}/results`)}>
            {t('survey.results')}
          </a>
        </p>
      )}

      <div class="survey-layout">
        <nav class="survey-sections" aria-label={t('survey.q.sections')}>
          <ul>
            {q.sections.map((s) => (
              <li key={s.id}>
                <a
                  href={href(`/survey/${encodeURIComponent(campaignId)}/answer`, { section: s.id })}
                  aria-current={s.id === section?.id ? 'page' : undefined}
                  data-section={s.id}
                >
                  <span>{localText(s.title, locale)}</span>
                  <br />
                  <Progress progress={s.progress} label={localText(s.title, locale)} />
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div>
          {section && (
            <SectionItems
              key={`${section.id}-${imports}`}
              q={q}
              section={section}
              numbers={numbers}
              onSaved={(itemId, answer) => {
                // Keep the saved answer for when the section is opened again, then ask the
                // server which items are shown now and how far each section is.
                setQ((prev) => prev && withAnswer(prev, itemId, answer));
                void refresh();
              }}
              onSaveState={onSaveState}
              onEvidenceChanged={() => void refresh()}
            />
          )}
          {q.editable && a.status === 'in_progress' && isAdmin && (
            <SubmitPanel
              q={q}
              savingCount={busyCount}
              onSubmitted={() => {
                setNotice(t('survey.submit.done'));
                void refresh();
              }}
            />
          )}
          {q.editable && !isAdmin && <p class="muted">{t('survey.q.memberNote')}</p>}
          {a.status === 'submitted' && q.campaign.status === 'open' && isAdmin && (
            <ReopenPanel
              campaignId={campaignId}
              onDone={() => {
                setNotice(t('survey.reopen.done'));
                void refresh();
              }}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function withAnswer(q: Questionnaire, itemId: string, answer: StoredAnswer | null): Questionnaire {
  return {
    ...q,
    sections: q.sections.map((s) => ({
      ...s,
      items: s.items.map((i) => (i.id === itemId ? { ...i, answer } : i)),
    })),
  };
}

function LockedBanner({ q }: { q: Questionnaire }) {
  const { t, locale } = useI18n();
  if (q.editable) return null;
  const a = q.assignment;
  let text: string;
  if (q.campaign.status === 'closed') text = t('survey.locked.closed');
  else if (a.status === 'reopen_requested') text = t('survey.locked.reopenRequested');
  else if (a.status === 'submitted' && a.submission) {
    text = t('survey.locked.submitted', {
      date: formatDateTime(a.submission.submitted_at, locale),
      name: a.submission.executive_name,
      title: a.submission.executive_title,
    });
  } else text = t('survey.locked.other');
  return (
    <div class="panel survey-locked" data-testid="survey-locked" role="status">
      <p>🔒 {text}</p>
    </div>
  );
}

function SectionItems({
  q,
  section,
  numbers,
  onSaved,
  onSaveState,
  onEvidenceChanged,
}: {
  q: Questionnaire;
  section: SurveySection;
  numbers: Map<string, number>;
  onSaved: (itemId: string, answer: StoredAnswer | null) => void;
  onSaveState: (itemId: string, state: SaveState) => void;
  /** A file was uploaded or deleted: an evidence item's answer, and so progress, changed. */
  onEvidenceChanged: () => void;
}) {
  const { t, locale } = useI18n();
  const campaignId = q.campaign.id;
  const shown = section.items.filter((item) => item.shown);
  const evidence = useAsync(async () => {
    const byItem = new Map<string, EvidenceFile[]>();
    for (const file of (await surveyApi.myEvidence(campaignId)).items) {
      byItem.set(file.item_id, [...(byItem.get(file.item_id) ?? []), file]);
    }
    return byItem;
  }, [campaignId]);
  return (
    <div>
      <h2>{localText(section.title, locale)}</h2>
      {shown.length === 0 && <p class="empty">{t('survey.q.noSectionItems')}</p>}
      {shown.map((item) => (
        <article class="survey-item" key={item.id} id={`item-${item.id}`} data-item={item.id}>
          <div class="survey-item-head">
            <p class="survey-item-question" id={`answer-${item.id}-q`}>
              <span class="muted">{t('survey.q.item', { number: numbers.get(item.id) ?? 0 })}</span>{' '}
              {localText(item.text, locale)}
            </p>
            {item.csf && item.csf.length > 0 && (
              <span class="small muted survey-item-csf" title={t('survey.q.csf')}>
                {item.csf.map((code) => (
                  <span key={code}>{code} </span>
                ))}
              </span>
            )}
          </div>
          {item.help && <p class="hint">{localText(item.help, locale)}</p>}
          {item.type !== 'evidence' && (
            <ItemEditor
              item={item}
              idPrefix="answer"
              initial={item.answer}
              editable={q.editable}
              maturityScale={q.bank.maturity_scale}
              save={async (body) => (await surveyApi.putAnswer(campaignId, item.id, body)).answer}
              onSaved={(answer) => onSaved(item.id, answer)}
              onSaveState={onSaveState}
              loadHistory={async () => (await surveyApi.myHistory(campaignId, item.id)).versions}
            />
          )}
          {evidence.data && (
            <EvidenceFiles
              campaignId={campaignId}
              itemId={item.id}
              files={evidence.data.get(item.id) ?? []}
              editable={q.editable}
              open={false}
              answer={item.type === 'evidence'}
              onChanged={() => {
                evidence.reload();
                if (item.type === 'evidence') onEvidenceChanged();
              }}
            />
          )}
        </article>
      ))}
    </div>
  );
}

function SubmitPanel({
  q,
  savingCount,
  onSubmitted,
}: {
  q: Questionnaire;
  savingCount: number;
  onSubmitted: () => void;
}) {
  const { t, locale } = useI18n();
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [missing, setMissing] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const items = itemIndex(q.sections);
  // The server's list after a refused submission stands until the questionnaire is read
  // again; otherwise the page lists what it knows is unanswered.
  useEffect(() => setMissing([]), [q]);
  const listed = unansweredItems(q.sections);
  const links = (ids: string[]) => (
    <ul>
      {ids.map((id) => (
        <li key={id}>
          <a
            href={href(`/survey/${encodeURIComponent(q.campaign.id)}/answer`, {
              section: sectionOf(id)?.id,
            })}
          >
            {localText(items.get(id)?.text, locale) || id}
          </a>
        </li>
      ))}
    </ul>
  );
  const sectionOf = (itemId: string) =>
    q.sections.find((s) => s.items.some((i) => i.id === itemId));

  const submit = async () => {
    setSending(true);
    setError(undefined);
    setMissing([]);
    setFieldErrors({});
    try {
      await surveyApi.submit(q.campaign.id, name.trim(), title.trim());
      setConfirming(false);
      onSubmitted();
    } catch (err) {
      const e = asApiError(err);
      setConfirming(false);
      const unanswered = e.details.filter((d) => d.problem === 'not answered').map((d) => d.field);
      const fields: Record<string, string> = {};
      for (const d of e.details) {
        if (d.field === 'executive_name' || d.field === 'executive_title') {
          fields[d.field] = problemText(t, d.problem);
        }
      }
      setMissing(unanswered);
      setFieldErrors(fields);
      setError(e);
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      class="panel card-form"
      data-testid="survey-submit"
      onSubmit={(e) => {
        e.preventDefault();
        const fields: Record<string, string> = {};
        if (!name.trim()) fields.executive_name = t('problem.required');
        if (!title.trim()) fields.executive_title = t('problem.required');
        setFieldErrors(fields);
        if (Object.keys(fields).length === 0) setConfirming(true);
      }}
    >
      <h2>{t('survey.submit.title')}</h2>
      <p>{t('survey.submit.lead')}</p>
      <div class="form-grid">
        <Field
          id="survey-exec-name"
          label={t('survey.submit.name')}
          error={fieldErrors.executive_name}
        >
          <input
            {...fieldAria('survey-exec-name', fieldErrors.executive_name)}
            value={name}
            maxLength={200}
            autoComplete="name"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field
          id="survey-exec-title"
          label={t('survey.submit.jobTitle')}
          error={fieldErrors.executive_title}
        >
          <input
            {...fieldAria('survey-exec-title', fieldErrors.executive_title)}
            value={title}
            maxLength={200}
            autoComplete="organization-title"
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </Field>
      </div>
      {savingCount > 0 && <p class="hint">{t('survey.submit.waitSaving')}</p>}
      {error && missing.length === 0 && <ErrorMessage error={error} />}
      {missing.length > 0 ? (
        <div class="alert alert-error" role="alert" data-testid="survey-unanswered">
          <p>{t('survey.submit.unanswered', { count: missing.length })}</p>
          {links(missing)}
        </div>
      ) : (
        listed.length > 0 && (
          <details data-testid="survey-unanswered">
            <summary>{t('survey.submit.unanswered', { count: listed.length })}</summary>
            {links(listed)}
          </details>
        )
      )}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={savingCount > 0 || sending}>
          {t('survey.submit.button')}
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          message={t('survey.submit.confirm', { name: name.trim(), title: title.trim() })}
          busy={sending}
          onConfirm={() => void submit()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </form>
  );
}

function ReopenPanel({ campaignId, onDone }: { campaignId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError>();
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  return (
    <form
      class="panel card-form"
      data-testid="survey-reopen"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!reason.trim()) {
          setProblem(t('problem.required'));
          return;
        }
        setProblem(undefined);
        setError(undefined);
        setSending(true);
        try {
          await surveyApi.requestReopen(campaignId, reason.trim());
          onDone();
        } catch (err) {
          setError(asApiError(err));
        } finally {
          setSending(false);
        }
      }}
    >
      <h2>{t('survey.reopen.title')}</h2>
      <Field id="survey-reopen-reason" label={t('survey.reopen.reason')} error={problem}>
        <textarea
          {...fieldAria('survey-reopen-reason', problem)}
          value={reason}
          maxLength={2000}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      {error && <ErrorMessage error={error} />}
      <div class="form-actions">
        <button type="submit" class="button" disabled={sending}>
          {t('survey.reopen.button')}
        </button>
      </div>
    </form>
  );
}
