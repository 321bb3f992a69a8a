// Self-inspection on an institution's results of a closed campaign: its gaps turned
// into remediation items (one gap, or every gap at once), the items with owner, due
// date, status and history, and what became of earlier campaigns' items. The
// institution edits; the regulator reads the same section without controls.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, type User } from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { useI18n } from '../../context';
import type { MessageKey } from '../../i18n';
import { formatDateTime } from '../../labels';
import {
  localText,
  resultGaps,
  todayUtc,
  truncateUtf8,
  uncoveredGaps,
  utf8Length,
} from '../../survey';
import {
  REMEDIATION_STATUSES,
  surveyApi,
  type InstitutionResults,
  type LocalText,
  type RemediationChange,
  type RemediationItem,
  type RemediationOutcome,
  type RemediationOwner,
  type RemediationStatus,
} from '../../surveyApi';
import { ActionError, FormActions } from './parts';

const TITLE_BYTES = 200;
const NOTE_BYTES = 4000;

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

type ItemTexts = Map<string, { text: LocalText }>;

export function RemediationSection({
  campaignId,
  orgId,
  results,
  items,
  editable,
}: {
  campaignId: string;
  orgId: string;
  results: InstitutionResults;
  items: ItemTexts;
  /** The institution's own users: create and change items. */
  editable: boolean;
}) {
  const { t, locale } = useI18n();
  const loaded = useAsync(async () => {
    const [list, users] = await Promise.all([
      surveyApi.remediation({ org: orgId, campaign: campaignId }),
      editable ? api.orgUsers(orgId).then((p) => p.items.filter((u) => !u.disabled)) : [],
    ]);
    return { items: list.items, users };
  }, [campaignId, orgId, editable]);
  const [creating, setCreating] = useState<string | 'all' | null>(null);
  const [notice, setNotice] = useState<string>();
  const itemText = (id: string) => localText(items.get(id)?.text, locale) || id;
  const gaps = resultGaps(results.own.items);

  const done = (message: string) => {
    setCreating(null);
    setNotice(message);
    loaded.reload();
  };

  return (
    <div data-testid="survey-remediation">
      <h2>{t('survey.rem.title')}</h2>
      <p class="muted small">{t(editable ? 'survey.rem.intro' : 'survey.rem.introReadOnly')}</p>
      {notice && (
        <p class="alert alert-success" role="status">
          {notice}
        </p>
      )}
      {loaded.error && <ErrorMessage error={loaded.error} />}
      {loaded.data && (
        <>
          <h3>{t('survey.rem.gaps')}</h3>
          {gaps.length === 0 ? (
            <p class="empty">{t('survey.rem.noGaps')}</p>
          ) : (
            <GapTable
              gaps={gaps}
              items={loaded.data.items}
              itemText={itemText}
              editable={editable}
              onCreate={(id) => {
                setNotice(undefined);
                setCreating(id);
              }}
            />
          )}
          {editable && uncoveredGaps(gaps, loaded.data.items).length > 0 && creating === null && (
            <p>
              <button
                type="button"
                class="button"
                data-testid="survey-rem-all"
                onClick={() => {
                  setNotice(undefined);
                  setCreating('all');
                }}
              >
                {t('survey.rem.createAll', {
                  count: uncoveredGaps(gaps, loaded.data.items).length,
                })}
              </button>
            </p>
          )}
          {editable && creating !== null && (
            <CreateForm
              campaignId={campaignId}
              gap={creating === 'all' ? null : creating}
              title={creating === 'all' ? '' : itemText(creating)}
              users={loaded.data.users}
              onCancel={() => setCreating(null)}
              onDone={(count) => done(t('survey.rem.created', { count }))}
            />
          )}

          <h3>{t('survey.rem.items')}</h3>
          {loaded.data.items.length === 0 ? (
            <p class="empty">{t('survey.rem.noItems')}</p>
          ) : (
            <ItemTable
              list={loaded.data.items}

              editable={editable}
              users={loaded.data.users}
              onChanged={() => {
                setNotice(t('survey.rem.saved'));
                loaded.reload();
              }}
            />
          )}
        </>
      )}
      {results.remediation && <EarlierItems progress={results.remediation} itemText={itemText} />}
    </div>
  );
}

function GapTable({
  gaps,
  items,
  itemText,
  editable,
  onCreate,
}: {
  gaps: string[];
  items: RemediationItem[];
  itemText: (id: string) => string;
  editable: boolean;
  onCreate: (id: string) => void;
}) {
  const { t } = useI18n();
  return (
    <div class="table-wrap">
      <table class="data-table survey-wrap" data-testid="survey-rem-gaps">
        <thead>
          <tr>
            <th scope="col">{t('survey.results.item')}</th>
            <th scope="col">{t('survey.rem.coveredBy')}</th>
          </tr>
        </thead>
        <tbody>
          {gaps.map((id) => {
            const covering = items.filter((i) => i.item_ids.includes(id));
            return (
              <tr key={id} data-gap={id}>
                <th scope="row">
                  {itemText(id)} <span class="small muted">{id}</span>
                </th>
                <td>
                  {covering.length > 0 ? (
                    covering.map((i) => i.title).join(' / ')
                  ) : editable ? (
                    <button type="button" class="button button-small" onClick={() => onCreate(id)}>
                      {t('survey.rem.create')}
                    </button>
                  ) : (
                    <span class="muted">{t('survey.rem.notCovered')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Owner: a user of the institution, or (no user chosen) a name typed in. */
function OwnerFields({
  idPrefix,
  users,
  userId,
  name,
  error,
  onUser,
  onName,
}: {
  idPrefix: string;
  users: User[];
  userId: string;
  name: string;
  error?: string;
  onUser: (id: string) => void;
  onName: (name: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field id={`${idPrefix}-owner`} label={t('survey.rem.owner')} error={error}>
        <select
          {...fieldAria(`${idPrefix}-owner`, error)}
          value={userId}
          onChange={(e) => onUser(e.currentTarget.value)}
        >
          <option value="">{t('survey.rem.ownerByName')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.display_name} ({u.username})
            </option>
          ))}
        </select>
      </Field>
      {userId === '' && (
        <Field id={`${idPrefix}-owner-name`} label={t('survey.rem.ownerName')}>
          <input
            id={`${idPrefix}-owner-name`}
            value={name}
            maxLength={200}
            onInput={(e) => onName(e.currentTarget.value)}
          />
        </Field>
      )}
    </>
  );
}

function ownerOf(userId: string, name: string): RemediationOwner | null {
  if (userId) return { user_id: userId };
  return name.trim() ? { name: name.trim() } : null;
}

function CreateForm({
  campaignId,
  gap,
  title: initialTitle,
  users,
  onCancel,
  onDone,
}: {
  campaignId: string;
  /** One gap, or null for every gap not covered yet. */
  gap: string | null;
  title: string;
  users: User[];
  onCancel: () => void;
  onDone: (count: number) => void;
}) {
  const { t, locale } = useI18n();
  // The server counts its limits in UTF-8 bytes: 200 is about 66 Japanese characters.
  const [title, setTitle] = useState(truncateUtf8(initialTitle, TITLE_BYTES));
  const [userId, setUserId] = useState('');
  const [name, setName] = useState('');
  const [due, setDue] = useState('');
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const owner = ownerOf(userId, name);
    const fields: Record<string, string> = {};
    if (gap !== null && !title.trim()) fields.title = t('problem.required');
    else if (utf8Length(title.trim()) > TITLE_BYTES)
      fields.title = t('survey.problem.maxBytes', { max: TITLE_BYTES });
    if (utf8Length(note.trim()) > NOTE_BYTES)
      fields.note = t('survey.problem.maxBytes', { max: NOTE_BYTES });
    if (!owner) fields.owner = t('problem.required');
    if (!due) fields.due = t('problem.required');
    setProblems(fields);
    if (Object.keys(fields).length > 0 || !owner) return;
    setBusy(true);
    setError(undefined);
    try {
      if (gap === null) {
        const { items } = await surveyApi.remediateAllGaps(campaignId, {
          owner,
          due_date: due,
          lang: locale,
        });
        onDone(items.length);
      } else {
        await surveyApi.createRemediation(campaignId, {
          title: title.trim(),
          item_ids: [gap],
          owner,
          due_date: due,
          note: note.trim() || undefined,
        });
        onDone(1);
      }
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="panel card-form"
      data-testid="survey-rem-create"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h4>{gap === null ? t('survey.rem.createAllTitle') : t('survey.rem.createTitle')}</h4>
      {gap !== null && <p class="small muted">{gap}</p>}
      <div class="form-grid">
        {gap !== null && (
          <Field id="survey-rem-new-title" label={t('survey.rem.itemTitle')} error={problems.title}>
            <input
              {...fieldAria('survey-rem-new-title', problems.title)}
              value={title}
              maxLength={200}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </Field>
        )}
        <OwnerFields
          idPrefix="survey-rem-new"
          users={users}
          userId={userId}
          name={name}
          error={problems.owner}
          onUser={setUserId}
          onName={setName}
        />
        <Field id="survey-rem-new-due" label={t('survey.rem.due')} error={problems.due}>
          <input
            {...fieldAria('survey-rem-new-due', problems.due)}
            type="date"
            min={todayUtc(new Date())}
            value={due}
            onInput={(e) => setDue(e.currentTarget.value)}
          />
        </Field>
        {gap !== null && (
          <Field id="survey-rem-new-note" label={t('survey.rem.note')} error={problems.note}>
            <textarea
              {...fieldAria('survey-rem-new-note', problems.note)}
              rows={2}
              maxLength={4000}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </Field>
        )}
      </div>
      {error && <ActionError error={error} />}
      <FormActions submitLabel={t('survey.rem.createSubmit')} disabled={busy} onCancel={onCancel} />
    </form>
  );
}

export function RemediationStatusBadge({ status }: { status: RemediationStatus }) {
  const { t } = useI18n();
  const tone = {
    open: '',
    in_progress: 'badge-warn',
    done: 'badge-on',
    accepted_risk: 'badge-off',
  }[status];
  return (
    <span class={`badge ${tone}`} data-rem-status={status}>
      {t(`survey.rem.status.${status}` as MessageKey)}
    </span>
  );
}

function ItemTable({
  list,
  editable,
  users,
  onChanged,
}: {
  list: RemediationItem[];
  editable: boolean;
  users: User[];
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  return (
    <div class="table-wrap">
      <table class="data-table survey-wrap" data-testid="survey-rem-items">
        <thead>
          <tr>
            <th scope="col">{t('survey.rem.itemTitle')}</th>
            <th scope="col">{t('survey.rem.owner')}</th>
            <th scope="col">{t('survey.rem.due')}</th>
            <th scope="col">{t('survey.status')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('survey.campaign.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((item) => (
            <Fragment key={item.id}>
              <tr data-rem={item.id}>
                <th scope="row">
                  {item.title}
                  <div class="small muted">{item.item_ids.join(', ')}</div>
                  {item.note && <div class="small">{item.note}</div>}
                </th>
                <td>{item.owner.name || t('common.none')}</td>
                <td>
                  {item.due_date}
                  {item.overdue && (
                    <span class="badge survey-overdue" data-overdue>
                      {t('survey.rem.overdue')}
                    </span>
                  )}
                </td>
                <td>
                  <RemediationStatusBadge status={item.status} />
                </td>
                <td class="actions">
                  {editable && (
                    <button
                      type="button"
                      class="button button-small"
                      aria-expanded={editing === item.id}
                      onClick={() => setEditing(editing === item.id ? null : item.id)}
                    >
                      {t('survey.rem.edit')}
                    </button>
                  )}
                  <button
                    type="button"
                    class="button button-small"
                    aria-expanded={history === item.id}
                    onClick={() => setHistory(history === item.id ? null : item.id)}
                  >
                    {t('survey.rem.history')}
                  </button>
                </td>
              </tr>
              {editing === item.id && (
                <tr>
                  <td colSpan={5}>
                    <EditForm
                      item={item}
                      users={users}
                      onCancel={() => setEditing(null)}
                      onDone={() => {
                        setEditing(null);
                        onChanged();
                      }}
                    />
                  </td>
                </tr>
              )}
              {history === item.id && (
                <tr>
                  <td colSpan={5}>
                    <ItemHistory id={item.id} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EditForm({
  item,
  users,
  onCancel,
  onDone,
}: {
  item: RemediationItem;
  users: User[];
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [status, setStatus] = useState<RemediationStatus>(item.status);
  const [note, setNote] = useState(item.note);
  const [due, setDue] = useState(item.due_date);
  const [userId, setUserId] = useState(item.owner.user_id ?? '');
  const [name, setName] = useState(item.owner.user_id ? '' : item.owner.name);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const prefix = `survey-rem-${item.id}`;

  const save = async () => {
    const fields: Record<string, string> = {};
    const owner = ownerOf(userId, name);
    if (!owner) fields.owner = t('problem.required');
    if (!due) fields.due = t('problem.required');
    if (status === 'accepted_risk' && !note.trim()) fields.note = t('survey.rem.noteForRisk');
    else if (utf8Length(note.trim()) > NOTE_BYTES)
      fields.note = t('survey.problem.maxBytes', { max: NOTE_BYTES });
    setProblems(fields);
    if (Object.keys(fields).length > 0 || !owner) return;
    // Only what changed, so the history records the real change.
    const update: Parameters<typeof surveyApi.updateRemediation>[1] = { version: item.version };
    if (status !== item.status) update.status = status;
    if (note.trim() !== item.note) update.note = note.trim();
    if (due !== item.due_date) update.due_date = due;
    const ownerChanged = owner.user_id
      ? owner.user_id !== item.owner.user_id
      : item.owner.user_id !== undefined || owner.name !== item.owner.name;
    if (ownerChanged) update.owner = owner;
    if (Object.keys(update).length === 1) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await surveyApi.updateRemediation(item.id, update);
      onDone();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card-form"
      data-testid="survey-rem-edit"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div class="form-grid">
        <Field id={`${prefix}-status`} label={t('survey.status')}>
          <select
            id={`${prefix}-status`}
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as RemediationStatus)}
          >
            {REMEDIATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`survey.rem.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <OwnerFields
          idPrefix={prefix}
          users={users}
          userId={userId}
          name={name}
          error={problems.owner}
          onUser={setUserId}
          onName={setName}
        />
        <Field id={`${prefix}-due`} label={t('survey.rem.due')} error={problems.due}>
          <input
            {...fieldAria(`${prefix}-due`, problems.due)}
            type="date"
            value={due}
            onInput={(e) => setDue(e.currentTarget.value)}
          />
        </Field>
        <Field
          id={`${prefix}-note`}
          label={t('survey.rem.note')}
          error={problems.note}
          hint={status === 'accepted_risk' ? t('survey.rem.noteForRisk') : undefined}
        >
          <textarea
            {...fieldAria(
              `${prefix}-note`,
              problems.note,
              status === 'accepted_risk' ? t('survey.rem.noteForRisk') : undefined,
            )}
            rows={2}
            maxLength={4000}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </Field>
      </div>
      {error && <ActionError error={error} />}
      <FormActions submitLabel={t('survey.rem.save')} disabled={busy} onCancel={onCancel} />
    </form>
  );
}

const FIELDS = ['title', 'item_ids', 'owner', 'due_date', 'status', 'note'] as const;

function ItemHistory({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const loaded = useAsync(() => surveyApi.remediationItem(id), [id]);
  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (!loaded.data) return <p class="muted">{t('app.loading')}</p>;
  const value = (field: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('common.none');
    if (field === 'status') return t(`survey.rem.status.${String(v)}` as MessageKey);
    if (field === 'owner' && typeof v === 'object') return (v as { name?: string }).name ?? '';
    if (Array.isArray(v)) return v.join(', ');
    return String(v);
  };
  const versions = [...loaded.data.history].reverse();
  return (
    <ol class="survey-history" data-rem-history={id} reversed>
      {versions.map((change: RemediationChange) => (
        <li key={change.version}>
          <span class="small muted">
            {t('survey.rem.version', { version: change.version })} ·{' '}
            {formatDateTime(change.changed_at, locale)} · {change.changed_by}
          </span>
          <ul>
            {FIELDS.filter((f) => f in change.changes).map((field) => {
              const entry = change.changes[field] as { from?: unknown; to?: unknown } | unknown;
              const diff =
                change.version > 1 && typeof entry === 'object' && entry !== null && 'to' in entry
                  ? (entry as { from?: unknown; to?: unknown })
                  : null;
              return (
                <li key={field}>
                  {t(`survey.rem.field.${field}` as MessageKey)}:{' '}
                  {diff
                    ? `${value(field, diff.from)} → ${value(field, diff.to)}`
                    : value(field, entry)}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ol>
  );
}

/** Earlier campaigns' items against these results: closed, or still open. */
function EarlierItems({
  progress,
  itemText,
}: {
  progress: NonNullable<InstitutionResults['remediation']>;
  itemText: (id: string) => string;
}) {
  const { t } = useI18n();
  if (progress.closed.length === 0 && progress.still_open.length === 0) return null;
  const list = (outcomes: RemediationOutcome[], testId: string) => (
    <ul data-testid={testId}>
      {outcomes.map((o) => (
        <li key={o.id} data-rem={o.id}>
          {o.title} <span class="small muted">({o.campaign_year})</span>{' '}
          <RemediationStatusBadge status={o.status} />
          {o.unmet.length > 0 && (
            <div class="small">
              {t('survey.rem.unmet')}: {o.unmet.map(itemText).join(' / ')}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
  return (
    <div data-testid="survey-rem-earlier">
      <h3>{t('survey.rem.earlier')}</h3>
      <h4>{t('survey.rem.closed', { count: progress.closed.length })}</h4>
      {progress.closed.length === 0 ? (
        <p class="empty">{t('common.none')}</p>
      ) : (
        list(progress.closed, 'survey-rem-closed')
      )}
      <h4>{t('survey.rem.stillOpen', { count: progress.still_open.length })}</h4>
      {progress.still_open.length === 0 ? (
        <p class="empty">{t('common.none')}</p>
      ) : (
        list(progress.still_open, 'survey-rem-still-open')
      )}
    </div>
  );
}

/**
 * While a campaign is open: the institution's earlier remediation items, so the
 * answers can reflect them. Whether they are closed is known once this campaign closes.
 */
export function EarlierItemsWhileAnswering({ campaignId }: { campaignId: string }) {
  const { t } = useI18n();
  const loaded = useAsync(() => surveyApi.myRemediationProgress(campaignId), [campaignId]);
  // A side panel that cannot load must not break the questionnaire.
  if (!loaded.data) return null;
  const items = [...loaded.data.closed, ...loaded.data.still_open];
  if (items.length === 0) return null;
  return (
    <details class="panel" data-testid="survey-rem-while-answering">
      <summary>{t('survey.rem.whileAnswering', { count: items.length })}</summary>
      <ul>
        {items.map((o) => (
          <li key={o.id} data-rem={o.id}>
            {o.title} <span class="small muted">({o.campaign_year})</span>{' '}
            <RemediationStatusBadge status={o.status} />{' '}
            <span class="small">
              {t('survey.rem.due')} {o.due_date}
            </span>
            {o.overdue && (
              <span class="badge survey-overdue" data-overdue>
                {t('survey.rem.overdue')}
              </span>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
