import { useState } from 'preact/hooks';
import { api, ApiError, LOG_FORMATS, type LogCheckResult, type LogFormat } from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { useI18n } from '../../context';
import { href } from '../../router';

// While the hub compiles a collection's indicators: how often, and how many times, to ask.
const PREPARING_RETRY_MS = 2500;
const PREPARING_ATTEMPTS = 24;

/** Checks a log sample, pasted or chosen as a file, against a collection's visible indicators. */
export function HubLogCheckPage() {
  const { t } = useI18n();
  const collections = useAsync(
    async () => (await api.collections()).items.filter((c) => c.can_read),
    [],
  );
  const [collectionId, setCollectionId] = useState('');
  const [format, setFormat] = useState<LogFormat>('auto');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File>();
  const [result, setResult] = useState<LogCheckResult>();
  const [error, setError] = useState<ApiError>();
  const [checking, setChecking] = useState(false);
  const [preparing, setPreparing] = useState(false);

  if (collections.error) return <ErrorMessage error={collections.error} />;
  if (!collections.data) return <p class="muted">{t('app.loading')}</p>;
  const readable = collections.data;
  const chosen = collectionId || readable[0]?.id || '';

  const check = async () => {
    setChecking(true);
    setError(undefined);
    setResult(undefined);
    try {
      const sample = file ?? new Blob([text], { type: 'text/plain' });
      // The hub answers "unavailable" while it compiles a large collection's indicators,
      // and serves the check from them once they are ready: ask again for a minute.
      for (let attempt = 1; ; attempt++) {
        try {
          setResult(await api.checkLog(chosen, sample, format));
          return;
        } catch (err) {
          if (
            !(err instanceof ApiError) ||
            err.code !== 'unavailable' ||
            attempt >= PREPARING_ATTEMPTS
          ) {
            throw err;
          }
          setPreparing(true);
          await new Promise((resolve) => setTimeout(resolve, PREPARING_RETRY_MS));
        }
      }
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
    } finally {
      setChecking(false);
      setPreparing(false);
    }
  };

  return (
    <section>
      <h1>{t('hub.logCheck.title')}</h1>
      <p class="muted">{t('hub.logCheck.intro')}</p>
      {readable.length === 0 ? (
        <p class="empty">{t('hub.logCheck.noCollection')}</p>
      ) : (
        <form
          class="form card"
          data-testid="log-check"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <Field id="check-collection" label={t('hub.logCheck.collection')}>
            <select
              {...fieldAria('check-collection')}
              value={chosen}
              onChange={(e) => setCollectionId(e.currentTarget.value)}
            >
              {readable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </Field>
          <Field id="check-format" label={t('hub.logCheck.format')}>
            <select
              {...fieldAria('check-format')}
              value={format}
              onChange={(e) => setFormat(e.currentTarget.value as LogFormat)}
            >
              {LOG_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f === 'auto' ? t('hub.logCheck.format.auto') : f}
                </option>
              ))}
            </select>
          </Field>
          <Field id="check-text" label={t('hub.logCheck.text')}>
            <textarea
              {...fieldAria('check-text')}
              class="mono"
              rows={8}
              value={text}
              disabled={file !== undefined}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </Field>
          <Field id="check-file" label={t('hub.logCheck.file')}>
            <input
              {...fieldAria('check-file')}
              type="file"
              onChange={(e) => setFile(e.currentTarget.files?.[0])}
            />
          </Field>
          <button
            type="submit"
            class="button button-primary"
            disabled={checking || (!file && !text.trim())}
          >
            {checking ? t('hub.logCheck.checking') : t('hub.logCheck.submit')}
          </button>
        </form>
      )}
      {preparing && (
        <p class="muted" role="status" data-testid="log-check-preparing">
          {t('hub.logCheck.preparing')}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
      {result && <LogCheckResultView result={result} />}
    </section>
  );
}

function LogCheckResultView({ result }: { result: LogCheckResult }) {
  const { t } = useI18n();
  const names = new Map(result.by_indicator.map((i) => [i.indicator_id, i.name]));
  // An indicator shows its name where it has one, its id otherwise.
  const objectLink = (id: string) => {
    const name = names.get(id);
    return (
      <a href={href(`/hub/objects/${encodeURIComponent(id)}`)} title={id}>
        {name ? name : <code>{id}</code>}
      </a>
    );
  };
  return (
    <div data-testid="log-check-result">
      <p role="status">
        {t('hub.logCheck.summary', {
          lines: result.lines,
          format: result.format,
          indicators: result.indicators,
          matches: result.matches,
        })}
        {result.over_long_lines > 0 &&
          ` ${t('hub.logCheck.overLong', { count: result.over_long_lines })}`}
      </p>
      {result.matches === 0 ? (
        <p class="empty">{t('hub.logCheck.none')}</p>
      ) : (
        <>
          <h2>{t('hub.logCheck.byIndicator')}</h2>
          <div class="table-wrap">
            <table class="data-table" data-testid="log-check-indicators">
              <thead>
                <tr>
                  <th scope="col">{t('hub.logCheck.indicator')}</th>
                  <th scope="col">{t('hub.logCheck.count')}</th>
                  <th scope="col">{t('hub.logCheck.firstLine')}</th>
                </tr>
              </thead>
              <tbody>
                {result.by_indicator.map((i) => (
                  <tr key={i.indicator_id}>
                    <td>{objectLink(i.indicator_id)}</td>
                    <td>{i.count}</td>
                    <td>{i.first_line}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('hub.logCheck.matches')}</h2>
          {!result.listed_all && (
            <p class="muted">{t('hub.logCheck.firstOnly', { count: result.listed.length })}</p>
          )}
          <div class="table-wrap">
            <table class="data-table" data-testid="log-check-matches">
              <thead>
                <tr>
                  <th scope="col">{t('hub.logCheck.line')}</th>
                  <th scope="col">{t('hub.logCheck.matched')}</th>
                  <th scope="col">{t('hub.logCheck.kind')}</th>
                  <th scope="col">{t('hub.logCheck.indicator')}</th>
                  <th scope="col">{t('hub.logCheck.record')}</th>
                </tr>
              </thead>
              <tbody>
                {result.listed.map((m, i) => (
                  <tr key={i}>
                    <td>{m.line}</td>
                    <td>
                      <code>{m.matched ?? m.observable}</code>
                      {m.matched !== undefined && m.matched.toLowerCase() !== m.observable && (
                        <div class="small muted">{m.observable}</div>
                      )}
                    </td>
                    <td>{m.kind}</td>
                    <td>{objectLink(m.indicator_id)}</td>
                    <td class="small mono">
                      {m.record}
                      {m.record_truncated && '…'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
