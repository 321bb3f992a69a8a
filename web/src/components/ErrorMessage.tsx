import type { ApiError } from '../api';
import { useI18n } from '../context';
import { hasMessage, type Translate } from '../i18n';

/** The user-facing sentence for an API error code. */
export function errorText(t: Translate, error: ApiError): string {
  const key = `error.${error.code}`;
  return hasMessage(key) ? t(key) : t('error.internal');
}

/** An alert for a failed request; shows the request id when support may need it. */
export function ErrorMessage({ error }: { error: ApiError }) {
  const { t } = useI18n();
  return (
    <div class="alert alert-error" role="alert">
      <p>{errorText(t, error)}</p>
      {error.requestId && error.status >= 500 && (
        <p class="muted small">{t('error.requestId', { id: error.requestId })}</p>
      )}
    </div>
  );
}
