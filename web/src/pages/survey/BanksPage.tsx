// Question banks before and after publication: the list (draft, published, frozen), a
// new draft from YAML, JSON or an OSCAL catalog, a draft's source edited with the
// server's validation problems listed after each save, publication under confirmation,
// and a read-only view of every bank's sections and items.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { canManageBanks } from '../../access';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useI18n, useSession } from '../../context';
import type { MessageKey } from '../../i18n';
import { formatDateTime } from '../../labels';
import { href, navigate } from '../../router';
import type { PageProps } from '../../routes';
import { bankProblems, bankProblemText, localText } from '../../survey';
import {
  surveyApi,
  type BankInfo,
  type BankSection,
  type BankSourceFormat,
  type BankStatus,
  type StoredBank,
} from '../../surveyApi';
import { BackToList, ConfirmDialog, FormActions, functionLabel, threatLabel } from './parts';

const FORMATS: BankSourceFormat[] = ['yaml', 'json', 'oscal_xml', 'oscal_json'];

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

function BankStatusBadge({ status }: { status: BankStatus }) {
  const { t } = useI18n();
  const tone =
    status === 'draft' ? 'badge-warn' : status === 'published' ? 'badge-on' : 'badge-off';
  return (
    <span class={`badge ${tone}`} data-bank-status={status}>
      {t(`survey.bank.status.${status}` as MessageKey)}
    </span>
  );
}

/**
 * A failed save or publication: each problem the server found, where and under which
 * rule; a failure without details (malformed text) shows the server's own message.
 */
function BankProblems({ error }: { error: ApiError }) {
  const { t } = useI18n();
  const problems = bankProblems(error.details);
  if (error.code !== 'invalid_argument' && error.code !== 'failed_precondition') {
    return <ErrorMessage error={error} />;
  }
  return (
    <div class="alert alert-error" role="alert" data-testid="survey-bank-problems">
      <p>{t('survey.bank.problems', { count: Math.max(problems.length, 1) })}</p>
      <div class="table-wrap">
        <table class="data-table survey-wrap">
          <thead>
            <tr>
              <th scope="col">{t('survey.bank.where')}</th>
              <th scope="col">{t('survey.bank.rule')}</th>
              <th scope="col">{t('survey.bank.message')}</th>
            </tr>
          </thead>
          <tbody>
            {problems.length === 0 ? (
              <tr data-problem>
                <td>{t('common.none')}</td>
                <td>{t('common.none')}</td>
                <td>{error.message}</td>
              </tr>
            ) : (
              problems.map((p, index) => (
                <tr key={index} data-problem data-rule={p.rule}>
                  <td>
                    <code>{p.where}</code>
                  </td>
                  <td>{p.rule ? <code>{p.rule}</code> : t('common.none')}</td>
                  <td>{bankProblemText(t, p)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Every stored bank, and a new draft (coordination office). */
export function BanksPage() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const manage = canManageBanks(session.user);
  const loaded = useAsync(() => surveyApi.banks(), []);
  const [importing, setImporting] = useState(false);
  return (
    <section>
      <BackToList />
      <div class="page-head">
        <h1>{t('survey.bank.title')}</h1>
        {manage && !importing && (
          <button type="button" class="button button-primary" onClick={() => setImporting(true)}>
            {t('survey.bank.import')}
          </button>
        )}
      </div>
      {importing && <ImportForm onCancel={() => setImporting(false)} />}
      {loaded.error && <ErrorMessage error={loaded.error} />}
      {loaded.data &&
        (loaded.data.items.length === 0 ? (
          <p class="empty">{t('survey.bank.none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="data-table survey-wrap" data-testid="survey-banks">
              <thead>
                <tr>
                  <th scope="col">{t('survey.bank.name')}</th>
                  <th scope="col">{t('survey.bank.id')}</th>
                  <th scope="col">{t('survey.bank.version')}</th>
                  <th scope="col">{t('survey.status')}</th>
                  <th scope="col">{t('survey.bank.size')}</th>
                  <th scope="col">{t('survey.bank.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((b: BankInfo) => (
                  <tr key={b.id} data-bank={b.id}>
                    <th scope="row">
                      <a href={href(`/survey/banks/${encodeURIComponent(b.id)}`)}>
                        {localText(b.title, locale) || b.bank_id}
                      </a>
                    </th>
                    <td>
                      <code>{b.bank_id}</code>
                    </td>
                    <td>{b.version}</td>
                    <td>
                      <BankStatusBadge status={b.status} />
                    </td>
                    <td>{t('survey.bank.counts', { sections: b.sections, items: b.items })}</td>
                    <td>{b.updated_at ? formatDateTime(b.updated_at, locale) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {loaded.loading && !loaded.data && <p class="muted">{t('app.loading')}</p>}
    </section>
  );
}

function FormatSelect({
  id,
  value,
  formats,
  onChange,
}: {
  id: string;
  value: BankSourceFormat;
  formats: BankSourceFormat[];
  onChange: (format: BankSourceFormat) => void;
}) {
  const { t } = useI18n();
  return (
    <Field id={id} label={t('survey.bank.format')}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value as BankSourceFormat)}
      >
        {formats.map((f) => (
          <option key={f} value={f}>
            {t(`survey.bank.format.${f}` as MessageKey)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A new draft; `initial` prefills it (a new version of a stored bank). */
function ImportForm({
  onCancel,
  initial,
}: {
  onCancel: () => void;
  initial?: { format: BankSourceFormat; text: string };
}) {
  const { t } = useI18n();
  const [format, setFormat] = useState<BankSourceFormat>(initial?.format ?? 'yaml');
  const [text, setText] = useState(initial?.text ?? '');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="panel card-form"
      data-testid="survey-bank-import"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        setBusy(true);
        setError(undefined);
        try {
          const bank = await surveyApi.importBank(format, text);
          navigate(`/survey/banks/${encodeURIComponent(bank.id)}`);
        } catch (err) {
          setError(asApiError(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>{initial ? t('survey.bank.newVersion') : t('survey.bank.import')}</h2>
      <p class="small muted">
        {initial ? t('survey.bank.newVersionHint') : t('survey.bank.importHint')}
      </p>
      <FormatSelect
        id="survey-bank-import-format"
        value={format}
        formats={FORMATS}
        onChange={setFormat}
      />
      <Field id="survey-bank-import-text" label={t('survey.bank.source')}>
        <textarea
          id="survey-bank-import-text"
          class="survey-source"
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </Field>
      {error && <BankProblems error={error} />}
      <FormActions
        submitLabel={t('survey.bank.importSubmit')}
        disabled={busy || !text.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}

/**
 * The text a new version starts from: the source as authored, or, for a bank read from
 * an OSCAL catalog, its model in the authoring JSON format.
 */
function newVersionSource(bank: StoredBank): { format: BankSourceFormat; text: string } {
  if (bank.source_format === 'yaml' || bank.source_format === 'json') {
    return { format: bank.source_format, text: bank.source };
  }
  return { format: 'json', text: JSON.stringify(bank.model, null, 2) };
}

/** One bank: a draft's editor for the coordination office, otherwise read-only. */
export function BankPage({ params }: PageProps) {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const loaded = useAsync(() => surveyApi.bank(params.bank), [params.bank]);
  const [copying, setCopying] = useState(false);
  useEffect(() => setCopying(false), [params.bank]);
  const back = (
    <p class="breadcrumb">
      <a href={href('/survey/banks')}>{t('survey.bank.back')}</a>
    </p>
  );
  if (loaded.error) {
    return (
      <section>
        {back}
        <ErrorMessage error={loaded.error} />
      </section>
    );
  }
  if (!loaded.data) return <p class="muted">{t('app.loading')}</p>;
  const bank = loaded.data;
  const editable = bank.status === 'draft' && canManageBanks(session.user);
  return (
    <section>
      {back}
      <div class="page-head">
        <h1>{localText(bank.title, locale) || bank.bank_id}</h1>
        <BankStatusBadge status={bank.status} />
      </div>
      <dl class="facts">
        <dt>{t('survey.bank.id')}</dt>
        <dd>
          <code>{bank.bank_id}</code>
        </dd>
        <dt>{t('survey.bank.version')}</dt>
        <dd>{bank.version}</dd>
        <dt>{t('survey.bank.size')}</dt>
        <dd>{t('survey.bank.counts', { sections: bank.sections, items: bank.items })}</dd>
        {bank.published_at && (
          <>
            <dt>{t('survey.bank.published')}</dt>
            <dd>{formatDateTime(bank.published_at, locale)}</dd>
          </>
        )}
      </dl>
      {bank.model.description && <p>{localText(bank.model.description, locale)}</p>}
      {editable ? (
        <DraftEditor bank={bank} onSaved={loaded.reload} />
      ) : (
        bank.status === 'draft' && <p class="muted">{t('survey.bank.draftReadOnly')}</p>
      )}
      {bank.status !== 'draft' &&
        canManageBanks(session.user) &&
        (copying ? (
          <ImportForm initial={newVersionSource(bank)} onCancel={() => setCopying(false)} />
        ) : (
          <p>
            <button type="button" class="button" onClick={() => setCopying(true)}>
              {t('survey.bank.newVersion')}
            </button>
          </p>
        ))}
      <h2>{editable ? t('survey.bank.preview') : t('survey.bank.items')}</h2>
      <ItemsBrowser sections={bank.model.sections} />
      {!editable && (
        <details class="panel">
          <summary>{t('survey.bank.source')}</summary>
          <pre class="survey-source" data-testid="survey-bank-source">
            {bank.source}
          </pre>
        </details>
      )}
    </section>
  );
}

function DraftEditor({ bank, onSaved }: { bank: StoredBank; onSaved: () => void }) {
  const { t } = useI18n();
  // An OSCAL draft is edited as the authoring format it was read into.
  const [format, setFormat] = useState<BankSourceFormat>(bank.source_format);
  const [text, setText] = useState(bank.source);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await surveyApi.updateDraft(bank.id, format, text);
      setDirty(false);
      setNotice(t('survey.bank.saved'));
      onSaved();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await surveyApi.publishBank(bank.id);
      onSaved();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <form
      class="panel card-form"
      data-testid="survey-bank-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{t('survey.bank.edit')}</h2>
      <p class="small muted">{t('survey.bank.editHint')}</p>
      <FormatSelect
        id="survey-bank-format"
        value={format}
        formats={FORMATS}
        onChange={(f) => {
          setFormat(f);
          setDirty(true);
        }}
      />
      <Field id="survey-bank-source" label={t('survey.bank.source')}>
        <textarea
          id="survey-bank-source"
          class="survey-source"
          spellcheck={false}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setDirty(true);
          }}
        />
      </Field>
      {notice && (
        <p class="alert alert-success" role="status">
          {notice}
        </p>
      )}
      {error && <BankProblems error={error} />}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy || !text.trim()}>
          {t('survey.bank.save')}
        </button>
        <button
          type="button"
          class="button"
          disabled={busy || dirty}
          title={dirty ? t('survey.bank.saveFirst') : undefined}
          onClick={() => setConfirming(true)}
        >
          {t('survey.bank.publish')}
        </button>
        {dirty && <span class="small muted">{t('survey.bank.saveFirst')}</span>}
      </div>
      {confirming && (
        <ConfirmDialog
          message={t('survey.bank.publishConfirm', { id: bank.bank_id, version: bank.version })}
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void publish()}
        />
      )}
    </form>
  );
}

/** Sections and their items: answer type, tags and CSF ids, as the server read them. */
function ItemsBrowser({ sections }: { sections: BankSection[] }) {
  const { t, locale } = useI18n();
  if (sections.length === 0) return <p class="empty">{t('survey.noItems')}</p>;
  return (
    <div data-testid="survey-bank-items">
      {sections.map((section) => (
        <details key={section.id} class="panel" data-bank-section={section.id}>
          <summary>
            {localText(section.title, locale) || section.id}{' '}
            <span class="small muted">
              ({section.id}, {t('survey.bank.itemCount', { count: section.items.length })})
            </span>
          </summary>
          <div class="table-wrap">
            <table class="data-table survey-wrap">
              <thead>
                <tr>
                  <th scope="col">{t('survey.bank.itemId')}</th>
                  <th scope="col">{t('survey.results.item')}</th>
                  <th scope="col">{t('survey.bank.answerType')}</th>
                  <th scope="col">{t('survey.bank.tags')}</th>
                  <th scope="col">{t('survey.bank.csf')}</th>
                </tr>
              </thead>
              <tbody>
                {section.items.map((item) => (
                  <tr key={item.id} data-bank-item={item.id}>
                    <td>
                      <code>{item.id}</code>
                    </td>
                    <td>
                      {localText(item.text, locale)}
                      {item.condition && (
                        <div class="small muted">
                          {t('survey.bank.condition')}: <code>{item.condition}</code>
                        </div>
                      )}
                    </td>
                    <td>{t(`survey.bank.type.${item.type}` as MessageKey)}</td>
                    <td>
                      {[
                        functionLabel(t, item.function),
                        ...(item.threats ?? []).map((threat) => threatLabel(t, threat)),
                      ].join(' / ')}
                    </td>
                    <td class="survey-csf">{(item.csf ?? []).join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ))}
    </div>
  );
}
