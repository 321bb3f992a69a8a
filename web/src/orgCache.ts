// Organisation records by id, so parent names can be shown without asking the
// server again for each row. Ids the caller may not see are remembered as null.
import { api, type Org } from './api';

const cache = new Map<string, Promise<Org | null>>();

export function rememberOrgs(orgs: readonly Org[]): void {
  for (const org of orgs) cache.set(org.id, Promise.resolve(org));
}

export function lookupOrg(id: string): Promise<Org | null> {
  let entry = cache.get(id);
  if (!entry) {
    entry = api.org(id).catch(() => null);
    cache.set(id, entry);
  }
  return entry;
}

/** Forgets everything; called at logout since visibility depends on the user. */
export function clearOrgCache(): void {
  cache.clear();
}

/** The records for `ids` that the caller may see, by id. */
export async function lookupOrgs(ids: Iterable<string>): Promise<Map<string, Org>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map(lookupOrg));
  const result = new Map<string, Org>();
  for (const org of found) if (org) result.set(org.id, org);
  return result;
}
