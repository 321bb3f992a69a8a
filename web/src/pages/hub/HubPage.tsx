import { useEffect, useState } from 'preact/hooks';
import { api, type Collection, type ObjectSearchResult } from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TlpBadge } from '../../components/TlpBadge';
import { useI18n } from '../../context';
import { cursorTrailText, formatTime, parseCursorTrail } from '../../hub';
import { intlLocale } from '../../i18n';
import { href, navigate } from '../../router';
import type { PageProps } from '../../routes';
import { HubSelectFilters } from './HubSelectFilters';

const PAGE_SIZE = 50;

interface Result {
  page: ObjectSearchResult;
  collections: Collection[];
}

/** The object browser: filters and the page's cursors live in the URL. */
export function HubPage({ query }: PageProps) {
  const { t, locale } = useI18n();
  const filter = {
    type: query.get('type') ?? '',
    q: query.get('q') ?? '',
    label: query.get('label') ?? '',
    tlp: query.get('tlp') ?? '',
    collection: query.get('collection') ?? '',
    added_after: query.get('added_after') ?? '',
  };
  const trail = parseCursorTrail(query.get('pages'));
  const [text, setText] = useState(filter.q);
  const [label, setLabel] = useState(filter.label);
  const [date, setDate] = useState(filter.added_after.slice(0, 10));
  useEffect(() => setText(filter.q), [filter.q]);
  useEffect(() => setLabel(filter.label), [filter.label]);

  const result = useAsync<Result>(async () => {
    const [page, collections] = await Promise.all([
      api.searchObjects({ ...filter, limit: PAGE_SIZE, cursor: trail[trail.length - 1] }),
      api.collections(),
    ]);
    return { page, collections: collections.items };
  }, [...Object.values(filter), trail.join(',')]);

  const go = (changes: Record<string, string | undefined>) =>
    navigate('/hub', { ...filter, pages: undefined, ...changes });

  const page = result.data?.page;
  const collections = result.data?.collections ?? [];
  const titleOf = (id: string) => collections.find((c) => c.id === id)?.title ?? id;
  const offset = trail.length * PAGE_SIZE;
  const shown = page?.items.length ?? 0;
  const filtered = Object.values(filter).some(Boolean);
  return (
    <section>
      <div class="page-head">
        <h1>{t('hub.title')}</h1>
        <div class="page-actions">
          <a class="button" href={href('/hub/live')}>
            {t('hub.live.open')}
          </a>
          <a class="button" href={href('/hub/check')}>
            {t('hub.logCheck.open')}
          </a>
          <a class="button button-primary" href={href('/hub/new')}>
            {t('hub.newIndicator')}
          </a>
        </div>
      </div>
      <form
        class="filters"
        role="search"
        aria-label={t('hub.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          go({
            q: text.trim(),
            label: label.trim(),
            added_after: date ? `${date}T00:00:00Z` : undefined,
          });
        }}
      >
        <div class="field field-grow">
          <label for="hub-q">{t('hub.search')}</label>
          <input
            id="hub-q"
            type="search"
            value={text}
            maxLength={200}
            placeholder={t('hub.searchPlaceholder')}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
        <HubSelectFilters idPrefix="hub" values={filter} collections={collections} onChange={go} />
        <div class="field">
          <label for="hub-label">{t('hub.label')}</label>
          <input
            id="hub-label"
            value={label}
            maxLength={100}
            onInput={(e) => setLabel(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="hub-date">{t('hub.addedAfter')}</label>
          <input
            id="hub-date"
            type="date"
            value={date}
            onInput={(e) => setDate(e.currentTarget.value)}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="button button-primary">
            {t('hub.apply')}
          </button>
          {filtered && (
            <a class="button" href={href('/hub')}>
              {t('hub.clear')}
            </a>
          )}
        </div>
      </form>

      {result.error && <ErrorMessage error={result.error} />}
      {page && (
        <>
          <p class="result-count" data-testid="hub-total" aria-live="polite">
            {page.total > shown
              ? t('hub.range', { total: page.total, from: offset + 1, to: offset + shown })
              : t('hub.total', { total: page.total })}
          </p>
          {shown === 0 ? (
            <p class="empty">{t('hub.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="data-table" data-testid="hub-objects">
                <caption class="visually-hidden">{t('hub.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('hub.name')}</th>
                    <th scope="col">{t('hub.type')}</th>
                    <th scope="col">{t('hub.tlp')}</th>
                    <th scope="col">{t('hub.label')}</th>
                    <th scope="col">{t('hub.collection')}</th>
                    <th scope="col">{t('hub.added')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((o) => (
                    <tr key={`${o.collection_id}/${o.id}`}>
                      <th scope="row">
                        <a href={href(`/hub/objects/${encodeURIComponent(o.id)}`)}>
                          {o.name ?? o.value ?? o.relationship_type ?? o.id}
                        </a>
                        {o.own && <span class="badge badge-on">{t('hub.yours')}</span>}
                        {o.revoked && <span class="badge badge-off">{t('hub.revoked')}</span>}
                        {o.pattern && <div class="mono small muted">{o.pattern}</div>}
                      </th>
                      <td>{o.type}</td>
                      <td>
                        <TlpBadge level={o.tlp} />
                      </td>
                      <td>{(o.labels ?? []).join(', ')}</td>
                      <td>{titleOf(o.collection_id)}</td>
                      <td>{formatTime(o.date_added, intlLocale(locale))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(trail.length > 0 || page.more) && (
            <nav class="pager" aria-label={t('hub.pagination')}>
              <button
                type="button"
                class="button"
                disabled={trail.length === 0}
                onClick={() => go({ pages: cursorTrailText(trail.slice(0, -1)) })}
              >
                {t('hub.prev')}
              </button>
              <button
                type="button"
                class="button"
                disabled={!page.more}
                onClick={() => go({ pages: cursorTrailText([...trail, page.cursor ?? '']) })}
              >
                {t('hub.next')}
              </button>
            </nav>
          )}
        </>
      )}
      {result.loading && !page && <p class="muted">{t('app.loading')}</p>}
    </section>
  );
}
