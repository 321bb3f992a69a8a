import type { Org } from '../api';
import { useI18n, useSession } from '../context';
import { kindLabel, orgName, orgSizeTierText, sectorLabel } from '../labels';
import { href } from '../router';

interface OrgTableProps {
  orgs: readonly Org[];
  /** Parent records by id; a parent missing here is shown as a dash. */
  parents: ReadonlyMap<string, Org>;
  caption: string;
  testId?: string;
}

export function OrgTable({ orgs, parents, caption, testId }: OrgTableProps) {
  const { t, locale } = useI18n();
  const { sectors } = useSession();
  return (
    <div class="table-wrap">
      <table class="data-table" data-testid={testId}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('orgs.name')}</th>
            <th scope="col">{t('orgs.kind')}</th>
            <th scope="col">{t('orgs.sector')}</th>
            <th scope="col">{t('org.sizeTier')}</th>
            <th scope="col">{t('orgs.parent')}</th>
          </tr>
        </thead>
        <tbody>
          {orgs.map((org) => {
            const parent = org.parent_id ? parents.get(org.parent_id) : undefined;
            return (
              <tr key={org.id}>
                <th scope="row">
                  <a href={href(`/orgs/${org.id}`)}>{orgName(org, locale)}</a>
                </th>
                <td>{kindLabel(t, org.kind)}</td>
                <td>{sectorLabel(t, locale, sectors, org.sector)}</td>
                <td>{orgSizeTierText(t, sectors, org)}</td>
                <td>
                  {parent ? (
                    <a href={href(`/orgs/${parent.id}`)}>{orgName(parent, locale)}</a>
                  ) : (
                    t('common.none')
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
