import { useState } from 'preact/hooks';
import { api, ApiError, SIZE_TIERS, type Org, type SizeTier } from '../api';
import { canManageOrgs, canSeeUsers } from '../access';
import { useAsync } from '../components/async';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { Field, fieldAria } from '../components/Field';
import { OrgTable } from '../components/OrgTable';
import { UsersPanel } from '../components/UsersPanel';
import { useI18n, useSession } from '../context';
import {
  formatDateTime,
  kindLabel,
  orgName,
  orgSizeTierText,
  sectorLabel,
  sizeTierLabel,
} from '../labels';
import { lookupOrg, lookupOrgs, rememberOrgs } from '../orgCache';
import { href } from '../router';
import { problemText } from '../problems';
import type { PageProps } from '../routes';

/** One organisation: details, users (when visible) and, for a bureau, whom it supervises. */
export function OrgPage({ params }: PageProps) {
  const { t, locale } = useI18n();
  const { session, sectors } = useSession();
  const id = params.id;
  // A saved change shows at once; it holds until the organisation is loaded again.
  const [saved, setSaved] = useState<{ loaded: unknown; org: Org } | null>(null);

  const org = useAsync(async () => {
    const found = await api.org(id);
    rememberOrgs([found]);
    const parent = found.parent_id ? await lookupOrg(found.parent_id) : null;
    return { org: found, parent };
  }, [id]);

  if (org.error) {
    return (
      <section>
        <h1>{t('orgs.title')}</h1>
        {org.error.status === 404 || org.error.status === 403 ? (
          <div class="alert alert-error" role="alert" data-testid="org-not-found">
            {t('org.notFound')}
          </div>
        ) : (
          <ErrorMessage error={org.error} />
        )}
        <p>
          <a href={href('/orgs')}>{t('org.backToList')}</a>
        </p>
      </section>
    );
  }
  if (!org.data || org.data.org.id !== id) return <p class="muted">{t('app.loading')}</p>;

  const { parent } = org.data;
  const loaded = org.data;
  const current = saved?.loaded === loaded ? saved.org : loaded.org;
  const onSaved = (changed: Org) => {
    rememberOrgs([changed]);
    setSaved({ loaded, org: changed });
  };
  return (
    <section>
      <p class="breadcrumb">
        <a href={href('/orgs')}>{t('org.backToList')}</a>
      </p>
      <h1>{orgName(current, locale)}</h1>
      <div class="panel">
        <h2>{t('org.details')}</h2>
        <dl class="facts">
          <dt>{t('org.nameJa')}</dt>
          <dd lang="ja">{current.name_ja}</dd>
          <dt>{t('org.nameEn')}</dt>
          <dd lang="en">{current.name_en}</dd>
          <dt>{t('org.kind')}</dt>
          <dd>{kindLabel(t, current.kind)}</dd>
          <dt>{t('org.sector')}</dt>
          <dd>{sectorLabel(t, locale, sectors, current.sector)}</dd>
          {current.kind === 'institution' && (
            <>
              <dt>{t('org.sizeTier')}</dt>
              <dd data-testid="org-size-tier">{orgSizeTierText(t, sectors, current)}</dd>
            </>
          )}
          <dt>{t('org.parent')}</dt>
          <dd>
            {parent ? (
              <a href={href(`/orgs/${parent.id}`)}>{orgName(parent, locale)}</a>
            ) : (
              t('common.none')
            )}
          </dd>
          <dt>{t('org.createdAt')}</dt>
          <dd>{formatDateTime(current.created_at, locale)}</dd>
        </dl>
        {current.kind === 'institution' && canManageOrgs(session.user) && (
          <SizeTierForm key={current.id} org={current} onSaved={onSaved} />
        )}
      </div>
      {canSeeUsers(session.user, current) && (
        <div class="panel">
          <h2>{t('org.users')}</h2>
          <UsersPanel org={current} />
        </div>
      )}
      {current.kind === 'bureau' && <Supervised org={current} />}
    </section>
  );
}

const DEFAULT_TIER = '';

/** The coordination office sets an institution's own size tier or returns it to the default. */
function SizeTierForm({ org, onSaved }: { org: Org; onSaved: (org: Org) => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState<string>(org.size_tier ?? DEFAULT_TIER);
  const [problem, setProblem] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setFailure(null);
    setSaved(false);
    try {
      const tier = value === DEFAULT_TIER ? null : (value as SizeTier);
      onSaved(await api.setOrgSizeTier(org.id, tier));
      setSaved(true);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      const detail = error.details.find((d) => d.field === 'size_tier');
      if (detail) setProblem(problemText(t, detail.problem));
      else setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="inline-form" onSubmit={submit} noValidate data-testid="size-tier-form">
      {failure && (
        <div class="alert alert-error" role="alert">
          {failure}
        </div>
      )}
      {saved && (
        <div class="alert alert-success" role="status">
          {t('org.sizeTierSaved')}
        </div>
      )}
      <Field
        id="org-size-tier"
        label={t('org.sizeTier')}
        error={problem}
        hint={t('org.sizeTierHint')}
      >
        <select
          {...fieldAria('org-size-tier', problem, t('org.sizeTierHint'))}
          name="size_tier"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
        >
          <option value={DEFAULT_TIER}>{t('org.sizeTierUseDefault')}</option>
          {SIZE_TIERS.map((tier) => (
            <option key={tier} value={tier}>
              {sizeTierLabel(t, tier)}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" class="button button-primary" disabled={busy}>
        {t('org.sizeTierSave')}
      </button>
    </form>
  );
}

function Supervised({ org }: { org: Org }) {
  const { t } = useI18n();
  const list = useAsync(async () => {
    const page = await api.supervised(org.id);
    rememberOrgs(page.items);
    const parentIds = page.items.flatMap((o) => (o.parent_id ? [o.parent_id] : []));
    return { page, parents: await lookupOrgs(parentIds) };
  }, [org.id]);
  return (
    <div class="panel">
      <h2>
        {t('org.supervised')}
        {list.data && <span class="count-badge">{list.data.page.total}</span>}
      </h2>
      {list.error && <ErrorMessage error={list.error} />}
      {list.data &&
        (list.data.page.items.length === 0 ? (
          <p class="empty">{t('org.supervisedEmpty')}</p>
        ) : (
          <OrgTable
            orgs={list.data.page.items}
            parents={list.data.parents}
            caption={t('org.supervised')}
            testId="supervised-table"
          />
        ))}
    </div>
  );
}
