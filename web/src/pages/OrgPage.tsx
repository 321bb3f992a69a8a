import { api, type Org } from '../api';
import { canSeeUsers } from '../access';
import { useAsync } from '../components/async';
import { ErrorMessage } from '../components/ErrorMessage';
import { OrgTable } from '../components/OrgTable';
import { UsersPanel } from '../components/UsersPanel';
import { useI18n, useSession } from '../context';
import { formatDateTime, kindLabel, orgName, sectorLabel } from '../labels';
import { lookupOrg, lookupOrgs, rememberOrgs } from '../orgCache';
import { href } from '../router';
import type { PageProps } from '../routes';

/** One organisation: details, users (when visible) and, for a bureau, whom it supervises. */
export function OrgPage({ params }: PageProps) {
  const { t, locale } = useI18n();
  const { session, sectors } = useSession();
  const id = params.id;

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

  const { org: current, parent } = org.data;
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
