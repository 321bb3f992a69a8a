import { useState } from 'preact/hooks';
import { ApiError, type Session } from '../api';
import { api } from '../api';
import { Field, fieldAria } from '../components/Field';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { errorText } from '../components/ErrorMessage';
import { useI18n } from '../context';

/** Username and password form; `onLogin` receives the new session. */
export function LoginPage({ onLogin }: { onLogin: (session: Session) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username || !password) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api.login(username, password);
      onLogin(session);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      if (apiError.status === 401) setError(t('login.failed'));
      else if (apiError.status === 429) setError(t('login.locked'));
      else setError(errorText(t, apiError));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <main class="login-card" id="main">
        <div class="login-brand">
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-tagline">{t('app.tagline')}</span>
        </div>
        <h1>{t('login.title')}</h1>
        {error && (
          <div class="alert alert-error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <form onSubmit={submit} noValidate>
          <Field id="login-username" label={t('login.username')}>
            <input
              {...fieldAria('login-username')}
              name="username"
              autocomplete="username"
              autoFocus
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </Field>
          <Field id="login-password" label={t('login.password')}>
            <input
              {...fieldAria('login-password')}
              name="password"
              type="password"
              autocomplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-primary button-block" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <div class="login-footer">
          <LanguageSwitch />
        </div>
      </main>
    </div>
  );
}
