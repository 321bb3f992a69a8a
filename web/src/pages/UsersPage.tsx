import { UsersPanel } from '../components/UsersPanel';
import { useI18n, useSession } from '../context';
import { orgName } from '../labels';

/** The users of the signed-in user's own organisation. */
export function UsersPage() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  return (
    <section>
      <h1>{t('users.title')}</h1>
      <p class="lead">{t('users.of', { org: orgName(session.org, locale) })}</p>
      <UsersPanel org={session.org} />
    </section>
  );
}
