import { useEffect, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  TLP_LEVELS,
  type Collection,
  type Org,
  type PatternCheck,
  type TlpLevel,
  type TrustGroup,
} from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { TlpBadge } from '../../components/TlpBadge';
import { useI18n, useSession } from '../../context';
import { splitAtPosition } from '../../hub';
import { lookupOrgs } from '../../orgCache';
import { navigate } from '../../router';

/** How long typing must pause before the pattern is checked. */
const VALIDATE_DELAY_MS = 300;

interface Choices {
  collections: Collection[];
  groups: TrustGroup[];
  orgs: Map<string, Org>;
}

/** The pattern editor's state: the server's verdict on the latest text it was asked about. */
function usePatternCheck(pattern: string): { check?: PatternCheck; checking: boolean } {
  const [state, setState] = useState<{ check?: PatternCheck; checking: boolean }>({
    checking: false,
  });
  useEffect(() => {
    if (!pattern.trim()) {
      setState({ checking: false });
      return;
    }
    let current = true;
    setState((s) => ({ check: s.check, checking: true }));
    const timer = setTimeout(() => {
      api.validatePattern(pattern).then(
        (check) => current && setState({ check, checking: false }),
        () => current && setState({ checking: false }),
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [pattern]);
  return state;
}

/** Creates an indicator from a form; the server builds and validates the STIX object. */
export function HubIndicatorPage() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const choices = useAsync<Choices>(async () => {
    const [collections, groups] = await Promise.all([api.collections(), api.groups()]);
    const orgIds = groups.items.flatMap((g) => g.member_org_ids);
    return {
      collections: collections.items.filter((c) => c.can_write),
      groups: groups.items,
      orgs: await lookupOrgs(orgIds),
    };
  }, []);
  const [collectionId, setCollectionId] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pattern, setPattern] = useState('');
  const [validFrom, setValidFrom] = useState('');
  const [labels, setLabels] = useState('');
  const [tlp, setTlp] = useState<TlpLevel>('green');
  const [recipients, setRecipients] = useState<string[]>([]);
  const [error, setError] = useState<ApiError>();
  const [submitting, setSubmitting] = useState(false);
  const { check, checking } = usePatternCheck(pattern);

  const collections = choices.data?.collections ?? [];
  const collection = collections.find((c) => c.id === collectionId) ?? collections[0];
  const readGroup = choices.data?.groups.find((g) => g.id === collection?.read_group_id);
  const candidates = (readGroup?.member_org_ids ?? []).filter((id) => id !== session.org.id);
  const orgName = (id: string) => {
    const org = choices.data?.orgs.get(id);
    return org ? (locale === 'ja' ? org.name_ja : org.name_en) : id;
  };
  const patternError = check && !check.ok ? check : undefined;
  const fieldError = (field: string) => error?.details.find((d) => d.field === field)?.problem;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!collection) return;
    setSubmitting(true);
    setError(undefined);
    try {
      const created = await api.createIndicator(collection.id, {
        name: name.trim(),
        description: description.trim() || undefined,
        pattern,
        valid_from: validFrom ? new Date(validFrom).toISOString() : undefined,
        labels: labels
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
        tlp,
        recipients: tlp === 'red' ? recipients : undefined,
      });
      navigate(`/hub/objects/${encodeURIComponent(created.id)}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
    } finally {
      setSubmitting(false);
    }
  };

  if (choices.error) return <ErrorMessage error={choices.error} />;
  if (!choices.data) return <p class="muted">{t('app.loading')}</p>;
  if (!collection) {
    return (
      <section>
        <h1>{t('hub.indicator.title')}</h1>
        <p class="empty">{t('hub.indicator.noCollection')}</p>
      </section>
    );
  }
  const marked =
    patternError?.position !== undefined
      ? splitAtPosition(pattern, patternError.position)
      : undefined;
  return (
    <section>
      <h1>{t('hub.indicator.title')}</h1>
      {error && <ErrorMessage error={error} />}
      <form class="form" onSubmit={submit} noValidate>
        <Field id="ind-collection" label={t('hub.indicator.collection')}>
          <select
            {...fieldAria('ind-collection')}
            value={collection.id}
            onChange={(e) => {
              setCollectionId(e.currentTarget.value);
              setRecipients([]);
            }}
          >
            {collections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </Field>
        <Field id="ind-name" label={t('hub.indicator.name')} error={fieldError('name')}>
          <input
            {...fieldAria('ind-name', fieldError('name'))}
            value={name}
            maxLength={500}
            required
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field id="ind-description" label={t('hub.indicator.description')}>
          <textarea
            {...fieldAria('ind-description')}
            value={description}
            rows={3}
            maxLength={10000}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </Field>
        <Field
          id="ind-pattern"
          label={t('hub.indicator.pattern')}
          hint={t('hub.indicator.patternHint')}
          error={
            patternError
              ? patternError.position !== undefined
                ? t('hub.indicator.invalidAt', {
                    position: patternError.position + 1,
                    message: patternError.error ?? '',
                  })
                : patternError.error
              : fieldError('pattern')
          }
        >
          <textarea
            {...fieldAria('ind-pattern', patternError?.error, t('hub.indicator.patternHint'))}
            class="mono"
            value={pattern}
            rows={4}
            spellcheck={false}
            onInput={(e) => setPattern(e.currentTarget.value)}
          />
        </Field>
        <div class="pattern-status" aria-live="polite" data-testid="pattern-status">
          {checking && <span class="muted">{t('hub.indicator.checking')}</span>}
          {!checking && marked && (
            <pre class="pattern pattern-marked" data-testid="pattern-marked">
              {marked.before}
              <mark>{marked.marked}</mark>
              {marked.after}
            </pre>
          )}
          {!checking && check?.ok && (
            <div class="ok" data-testid="pattern-valid">
              <p>{t('hub.indicator.valid')}</p>
              {check.observables.length > 0 && (
                <p class="small">
                  {t('hub.indicator.names')}:{' '}
                  {check.observables.map((o) => (
                    <code key={o.key} class="observable">
                      {o.key}
                    </code>
                  ))}
                </p>
              )}
              {check.rejected.length > 0 && (
                <p class="small field-error">
                  {t('hub.indicator.rejected')}:{' '}
                  {check.rejected.map((r) => `${r.value} (${r.reason})`).join('; ')}
                </p>
              )}
            </div>
          )}
        </div>
        <Field
          id="ind-valid-from"
          label={t('hub.indicator.validFrom')}
          hint={t('hub.indicator.validFromHint')}
          error={fieldError('valid_from')}
        >
          <input
            {...fieldAria(
              'ind-valid-from',
              fieldError('valid_from'),
              t('hub.indicator.validFromHint'),
            )}
            type="datetime-local"
            value={validFrom}
            onInput={(e) => setValidFrom(e.currentTarget.value)}
          />
        </Field>
        <Field id="ind-labels" label={t('hub.indicator.labels')} error={fieldError('labels')}>
          <input
            {...fieldAria('ind-labels', fieldError('labels'))}
            value={labels}
            onInput={(e) => setLabels(e.currentTarget.value)}
          />
        </Field>
        <fieldset class="tlp-choice">
          <legend>{t('hub.tlp')}</legend>
          {TLP_LEVELS.map((level) => (
            <label key={level} class="tlp-option">
              <input
                type="radio"
                name="tlp"
                value={level}
                checked={tlp === level}
                onChange={() => setTlp(level)}
              />{' '}
              <TlpBadge level={level} />
            </label>
          ))}
        </fieldset>
        {tlp === 'red' && (
          <fieldset class="recipients" data-testid="recipients">
            <legend>{t('hub.indicator.recipients')}</legend>
            <p class="hint">{t('hub.indicator.recipientsHint')}</p>
            {candidates.map((id) => (
              <label key={id} class="checkbox">
                <input
                  type="checkbox"
                  value={id}
                  checked={recipients.includes(id)}
                  onChange={(e) =>
                    setRecipients((r) =>
                      e.currentTarget.checked ? [...r, id] : r.filter((x) => x !== id),
                    )
                  }
                />{' '}
                {orgName(id)}
              </label>
            ))}
          </fieldset>
        )}
        <div class="form-actions">
          <button
            type="submit"
            class="button button-primary"
            disabled={submitting || !name.trim() || !check?.ok || checking}
          >
            {submitting ? t('hub.indicator.submitting') : t('hub.indicator.submit')}
          </button>
          {patternError && <span class="muted">{t('hub.indicator.fixPattern')}</span>}
        </div>
      </form>
    </section>
  );
}
