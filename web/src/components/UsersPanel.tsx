import { useState } from 'preact/hooks';
import { api, ApiError, type Org, type Role, type User } from '../api';
import type { Locale } from '../i18n';
import { assignableRoles, canManageUsers } from '../access';
import { useI18n, useSession } from '../context';
import { LOCALES } from '../i18n';
import { formatDateTime, roleLabel } from '../labels';
import { problemText } from '../problems';
import { useAsync } from './async';
import { ErrorMessage, errorText } from './ErrorMessage';
import { Field, fieldAria } from './Field';

/** Users of `org`; adding and disabling when the signed-in user may manage them. */
export function UsersPanel({ org }: { org: Org }) {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const me = session.user;
  const manage = canManageUsers(me, org);
  const users = useAsync(() => api.orgUsers(org.id), [org.id]);
  const [adding, setAdding] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);

  const disable = async (user: User) => {
    setActionError(null);
    try {
      await api.disableUser(user.id);
      setNotice(t('users.disabledDone', { username: user.username }));
      users.reload();
    } catch (err) {
      setActionError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
    } finally {
      setConfirming(null);
    }
  };

  return (
    <div class="users-panel">
      {manage && !adding && (
        <div class="toolbar">
          <button
            type="button"
            class="button button-primary"
            onClick={() => {
              setAdding(true);
              setNotice(null);
            }}
          >
            {t('users.add')}
          </button>
        </div>
      )}
      {manage && adding && (
        <AddUserForm
          org={org}
          onDone={(created) => {
            setAdding(false);
            if (created) {
              setNotice(t('users.created', { username: created.username }));
              users.reload();
            }
          }}
        />
      )}
      <div role="status" class="notice-slot">
        {notice && <div class="alert alert-success">{notice}</div>}
      </div>
      {actionError && <ErrorMessage error={actionError} />}
      {users.error && <ErrorMessage error={users.error} />}
      {users.data &&
        (users.data.items.length === 0 ? (
          <p class="empty">{t('users.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="data-table" data-testid="users-table">
              <caption class="visually-hidden">{t('users.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.username')}</th>
                  <th scope="col">{t('users.displayName')}</th>
                  <th scope="col">{t('users.role')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('users.lastLogin')}</th>
                  {manage && <th scope="col">{t('users.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => (
                  <tr
                    key={user.id}
                    data-username={user.username}
                    class={user.disabled ? 'row-disabled' : undefined}
                  >
                    <th scope="row">
                      <code>{user.username}</code>
                      {user.id === me.id && <span class="muted"> {t('users.you')}</span>}
                    </th>
                    <td>{user.display_name}</td>
                    <td>{roleLabel(t, user.role)}</td>
                    <td>
                      <span
                        class={`badge ${user.disabled ? 'badge-off' : 'badge-on'}`}
                        data-testid="user-status"
                      >
                        {user.disabled ? t('users.disabled') : t('users.active')}
                      </span>
                    </td>
                    <td>
                      {user.last_login_at
                        ? formatDateTime(user.last_login_at, locale)
                        : t('users.never')}
                    </td>
                    {manage && (
                      <td class="actions">
                        {!user.disabled &&
                          user.id !== me.id &&
                          (confirming === user.id ? (
                            <span class="confirm">
                              <span>{t('users.disableConfirm', { username: user.username })}</span>
                              <button
                                type="button"
                                class="button button-danger button-small"
                                onClick={() => void disable(user)}
                              >
                                {t('users.disableYes')}
                              </button>
                              <button
                                type="button"
                                class="button button-small"
                                onClick={() => setConfirming(null)}
                              >
                                {t('users.cancel')}
                              </button>
                            </span>
                          ) : (
                            <button
                              type="button"
                              class="button button-small"
                              aria-label={`${t('users.disable')}: ${user.username}`}
                              onClick={() => setConfirming(user.id)}
                            >
                              {t('users.disable')}
                            </button>
                          ))}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </div>
  );
}

const FIELDS = ['username', 'display_name', 'role', 'password', 'locale'] as const;
type FieldName = (typeof FIELDS)[number];

function AddUserForm({ org, onDone }: { org: Org; onDone: (created: User | null) => void }) {
  const { t } = useI18n();
  const { session } = useSession();
  const roles = assignableRoles(session.user, org);
  const [values, setValues] = useState<Record<FieldName, string>>({
    username: '',
    display_name: '',
    role: roles[0],
    password: '',
    locale: 'ja',
  });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (name: FieldName) => (e: Event) =>
    setValues({ ...values, [name]: (e.currentTarget as HTMLInputElement).value });

  // The server validates; its field problems are shown next to the fields they name.
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const created = await api.createUser(org.id, {
        ...values,
        role: values.role as Role,
        locale: values.locale as Locale,
      });
      onDone(created);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      const errors: Partial<Record<FieldName, string>> = {};
      const unplaced: string[] = [];
      for (const d of error.details) {
        const text = problemText(t, d.problem);
        if ((FIELDS as readonly string[]).includes(d.field)) errors[d.field as FieldName] ??= text;
        else unplaced.push(`${d.field}: ${text}`);
      }
      if (error.code === 'already_exists' && !errors.username) {
        errors.username = problemText(t, 'already taken');
      }
      setFieldErrors(errors);
      const hasFieldErrors = Object.keys(errors).length > 0;
      setFormError(
        [hasFieldErrors ? t('users.formErrors') : errorText(t, error), ...unplaced].join(' '),
      );
      const first = FIELDS.find((f) => errors[f]);
      if (first) document.getElementById(`new-user-${first}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  const aria = (name: FieldName, hint?: string) =>
    fieldAria(`new-user-${name}`, fieldErrors[name], hint);
  return (
    <form class="card-form" onSubmit={submit} noValidate aria-labelledby="add-user-title">
      <h3 id="add-user-title">{t('users.addTitle')}</h3>
      {formError && (
        <div class="alert alert-error" role="alert">
          {formError}
        </div>
      )}
      <div class="form-grid">
        <Field
          id="new-user-username"
          label={t('users.username')}
          error={fieldErrors.username}
          hint={t('users.usernameHint')}
        >
          <input
            {...aria('username', t('users.usernameHint'))}
            name="username"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            value={values.username}
            onInput={set('username')}
          />
        </Field>
        <Field
          id="new-user-display_name"
          label={t('users.displayName')}
          error={fieldErrors.display_name}
        >
          <input
            {...aria('display_name')}
            name="display_name"
            autocomplete="off"
            value={values.display_name}
            onInput={set('display_name')}
          />
        </Field>
        <Field id="new-user-role" label={t('users.role')} error={fieldErrors.role}>
          <select {...aria('role')} name="role" value={values.role} onChange={set('role')}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(t, r)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="new-user-password"
          label={t('users.password')}
          error={fieldErrors.password}
          hint={t('users.passwordHint')}
        >
          <input
            {...aria('password', t('users.passwordHint'))}
            name="password"
            type="password"
            autocomplete="new-password"
            value={values.password}
            onInput={set('password')}
          />
        </Field>
        <Field id="new-user-locale" label={t('users.locale')} error={fieldErrors.locale}>
          <select {...aria('locale')} name="locale" value={values.locale} onChange={set('locale')}>
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {t(`lang.${l}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? t('users.creating') : t('users.create')}
        </button>
        <button type="button" class="button" onClick={() => onDone(null)}>
          {t('users.cancel')}
        </button>
      </div>
    </form>
  );
}
