import { canAnswerSurvey } from '../access';
import { api } from '../api';
import { useAsync } from '../components/async';
import { useI18n, useSession } from '../context';
import type { MessageKey } from '../i18n';
import { kindLabel, orgName, roleLabel, sectorLabel } from '../labels';
import { href } from '../router';
import { ReminderNotice } from './survey/Reminders';

interface Count {
  label: MessageKey;
  value: number | null;
  link?: string;
}

// A count the caller may not read is shown as a dash rather than failing the page.
async function total(load: Promise<{ total: number }>): Promise<number | null> {
  try {
    return (await load).total;
  } catch {
    return null;
  }
}

export function HomePage() {
  const { t, locale } = useI18n();
  const { session, sectors } = useSession();
  const { user, org } = session;

  const counts = useAsync<Count[]>(async () => {
    const [orgs, institutions, users, supervised] = await Promise.all([
      total(api.orgs({ limit: 1 })),
      total(api.orgs({ kind: 'institution', limit: 1 })),
      total(api.orgUsers(org.id)),
      org.kind === 'bureau' ? total(api.supervised(org.id)) : Promise.resolve(undefined),
    ]);
    const list: Count[] = [
      { label: 'home.countOrgs', value: orgs, link: href('/orgs') },
      {
        label: 'home.countInstitutions',
        value: institutions,
        link: href('/orgs', { kind: 'institution' }),
      },
      { label: 'home.countUsers', value: users, link: href('/users') },
    ];
    // Only bureaus that supervise anyone; the coordination office is also a bureau.
    if (supervised) {
      list.push({
        label: 'home.countSupervised',
        value: supervised,
        link: href(`/orgs/${org.id}`),
      });
    }
    return list;
  }, [org.id, org.kind]);

  return (
    <section>
      <h1>{t('home.title')}</h1>
      {canAnswerSurvey(user) && <ReminderNotice />}
      <div class="panel">
        <h2>{t('home.you')}</h2>
        <dl class="facts" data-testid="home-facts">
          <dt>{t('home.displayName')}</dt>
          <dd>{user.display_name}</dd>
          <dt>{t('home.username')}</dt>
          <dd>
            <code>{user.username}</code>
          </dd>
          <dt>{t('home.role')}</dt>
          <dd data-testid="home-role">{roleLabel(t, user.role)}</dd>
          <dt>{t('home.org')}</dt>
          <dd>
            <a href={href(`/orgs/${org.id}`)}>{orgName(org, locale)}</a>
          </dd>
          <dt>{t('home.orgKind')}</dt>
          <dd>{kindLabel(t, org.kind)}</dd>
          <dt>{t('home.sector')}</dt>
          <dd>{sectorLabel(t, locale, sectors, org.sector)}</dd>
        </dl>
      </div>
      <div class="panel">
        <h2>{t('home.visible')}</h2>
        <ul class="stats" aria-busy={counts.loading}>
          {(counts.data ?? []).map((c) => (
            <li key={c.label} class="stat">
              <span class="stat-value" data-testid={`count-${c.label}`}>
                {c.value === null ? t('common.none') : c.value.toLocaleString(locale)}
              </span>
              <span class="stat-label">
                {c.link ? <a href={c.link}>{t(c.label)}</a> : t(c.label)}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
