import { useEffect, useState } from 'preact/hooks';
import { api, ORG_KINDS, type Org, type Page } from '../api';
import { useAsync } from '../components/async';
import { ErrorMessage } from '../components/ErrorMessage';
import { OrgTable } from '../components/OrgTable';
import { useI18n, useSession } from '../context';
import { kindLabel, sectorLabel } from '../labels';
import { lookupOrgs, rememberOrgs } from '../orgCache';
import { href, navigate } from '../router';
import type { PageProps } from '../routes';

const PAGE_SIZE = 100;

interface Result {
  page: Page<Org>;
  parents: Map<string, Org>;
}

/** The organisation directory; filters live in the URL so a view can be reloaded or shared. */
export function OrgsPage({ query }: PageProps) {
  const { t, locale } = useI18n();
  const { sectors } = useSession();
  const kind = query.get('kind') ?? '';
  const sector = query.get('sector') ?? '';
  const q = query.get('q') ?? '';
  const offset = Math.max(0, Number.parseInt(query.get('offset') ?? '0', 10) || 0);
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const result = useAsync<Result>(async () => {
    const page = await api.orgs({ kind, sector, q, limit: PAGE_SIZE, offset });
    rememberOrgs(page.items);
    const parentIds = page.items.flatMap((o) => (o.parent_id ? [o.parent_id] : []));
    return { page, parents: await lookupOrgs(parentIds) };
  }, [kind, sector, q, offset]);

  const go = (changes: Record<string, string | number | undefined>) =>
    navigate('/orgs', { kind, sector, q, ...changes });

  const page = result.data?.page;
  const shown = page?.items.length ?? 0;
  return (
    <section>
      <h1>{t('orgs.title')}</h1>
      <form
        class="filters"
        role="search"
        aria-label={t('orgs.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim(), offset: undefined });
        }}
      >
        <div class="field">
          <label for="filter-kind">{t('orgs.kind')}</label>
          <select
            id="filter-kind"
            value={kind}
            onChange={(e) => go({ kind: e.currentTarget.value, offset: undefined })}
          >
            <option value="">{t('orgs.all')}</option>
            {ORG_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(t, k)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-sector">{t('orgs.sector')}</label>
          <select
            id="filter-sector"
            value={sector}
            onChange={(e) => go({ sector: e.currentTarget.value, offset: undefined })}
          >
            <option value="">{t('orgs.all')}</option>
            {sectorCodes(sectors).map((code) => (
              <option key={code} value={code}>
                {sectorLabel(t, locale, sectors, code)}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-grow">
          <label for="filter-q">{t('orgs.search')}</label>
          <input
            id="filter-q"
            type="search"
            value={text}
            placeholder={t('orgs.searchPlaceholder')}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="button button-primary">
            {t('orgs.apply')}
          </button>
          {(kind || sector || q) && (
            <a class="button" href={href('/orgs')}>
              {t('orgs.clear')}
            </a>
          )}
        </div>
      </form>

      {result.error && <ErrorMessage error={result.error} />}
      {page && (
        <>
          <p class="result-count" data-testid="orgs-total" aria-live="polite">
            {page.total > shown
              ? t('orgs.range', { total: page.total, from: offset + 1, to: offset + shown })
              : t('orgs.total', { total: page.total })}
          </p>
          {shown === 0 ? (
            <p class="empty">{t('orgs.empty')}</p>
          ) : (
            <OrgTable
              orgs={page.items}
              parents={result.data!.parents}
              caption={t('orgs.title')}
              testId="orgs-table"
            />
          )}
          {page.total > shown && (
            <nav class="pager" aria-label={t('orgs.pagination')}>
              <button
                type="button"
                class="button"
                disabled={offset === 0}
                onClick={() => go({ offset: Math.max(0, offset - PAGE_SIZE) || undefined })}
              >
                {t('orgs.prev')}
              </button>
              <button
                type="button"
                class="button"
                disabled={offset + shown >= page.total}
                onClick={() => go({ offset: offset + shown })}
              >
                {t('orgs.next')}
              </button>
            </nav>
          )}
        </>
      )}
      {result.loading && !page && <p class="muted">{t('app.loading')}</p>}
    </section>
  );
}

// The server's list when it sent one (its order), else the built-in codes.
const BUILT_IN_SECTORS = [
  'major_bank',
  'regional_bank',
  'second_regional_bank',
  'shinkin_bank',
  'credit_cooperative',
  'securities',
  'life_insurance',
  'nonlife_insurance',
  'market_infrastructure',
  'funds_transfer',
  'crypto_asset',
];

function sectorCodes(sectors: readonly { code: string }[]): string[] {
  return sectors.length ? sectors.map((s) => s.code) : BUILT_IN_SECTORS;
}
