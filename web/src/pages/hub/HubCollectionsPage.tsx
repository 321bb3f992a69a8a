import { useState } from 'preact/hooks';
import {
  api,
  ApiError,
  TLP_LEVELS,
  type Collection,
  type Org,
  type TlpLevel,
  type TrustGroup,
} from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field, fieldAria } from '../../components/Field';
import { TlpBadge } from '../../components/TlpBadge';
import { useI18n, useSession } from '../../context';
import { isCurator, tlpBadge } from '../../hub';
import { lookupOrgs, rememberOrgs } from '../../orgCache';

interface Loaded {
  collections: Collection[];
  groups: TrustGroup[];
  orgs: Map<string, Org>;
  /** Organisations a curator may add to groups; empty for others. */
  directory: Org[];
}

/** Collections and trust groups; creating and membership only for curators (the server enforces). */
export function HubCollectionsPage() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const curator = isCurator(session.user.role);
  const loaded = useAsync<Loaded>(async () => {
    const [collections, groups, directory] = await Promise.all([
      api.collections(),
      api.groups(),
      curator ? api.orgs({ limit: 500 }).then((p) => p.items) : Promise.resolve([]),
    ]);
    rememberOrgs(directory);
    return {
      collections: collections.items,
      groups: groups.items,
      orgs: await lookupOrgs(groups.items.flatMap((g) => g.member_org_ids)),
      directory,
    };
  }, [curator]);
  const [error, setError] = useState<ApiError>();

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      loaded.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
    }
  };

  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (!loaded.data) return <p class="muted">{t('app.loading')}</p>;
  const { collections, groups, orgs, directory } = loaded.data;
  const orgName = (id: string) => {
    const org = orgs.get(id) ?? directory.find((o) => o.id === id);
    return org ? (locale === 'ja' ? org.name_ja : org.name_en) : t('hub.groups.unknownOrg');
  };
  const groupName = (id: string) => {
    const group = groups.find((g) => g.id === id);
    return group ? (locale === 'ja' ? group.name_ja : group.name_en) : id;
  };

  return (
    <section>
      <h1>{t('hub.collections.title')}</h1>
      {error && <ErrorMessage error={error} />}
      <h2>{t('hub.collections.list')}</h2>
      {collections.length === 0 ? (
        <p class="empty">{t('hub.collections.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table" data-testid="collections">
            <thead>
              <tr>
                <th scope="col">{t('hub.collections.titleField')}</th>
                <th scope="col">{t('hub.collections.readGroup')}</th>
                <th scope="col">{t('hub.collections.writeGroup')}</th>
                <th scope="col">{t('hub.collections.defaultTlp')}</th>
                <th scope="col">{t('hub.collections.rights')}</th>
              </tr>
            </thead>
            <tbody>
              {collections.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    {c.title}
                    {c.description && <div class="small muted">{c.description}</div>}
                  </th>
                  <td>{groupName(c.read_group_id)}</td>
                  <td>{groupName(c.write_group_id)}</td>
                  <td>
                    <TlpBadge level={c.default_tlp} />
                  </td>
                  <td>
                    {[
                      c.can_read && t('hub.collections.read'),
                      c.can_write && t('hub.collections.write'),
                    ]
                      .filter(Boolean)
                      .join(' / ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {curator && (
        <NewCollectionForm groups={groups} groupName={groupName} onCreate={(f) => act(f)} />
      )}

      <h2>{t('hub.groups.list')}</h2>
      {groups.length === 0 && <p class="empty">{t('hub.groups.empty')}</p>}
      {groups.map((g) => (
        <div class="card" key={g.id} data-testid="group">
          <h3>{groupName(g.id)}</h3>
          <p class="small muted">
            {t('hub.groups.memberCount', { count: g.member_org_ids.length })}
          </p>
          <ul class="members">
            {g.member_org_ids.map((id) => (
              <li key={id}>
                {orgName(id)}{' '}
                {curator && (
                  <button
                    type="button"
                    class="button button-small"
                    onClick={() => act(() => api.removeGroupMember(g.id, id))}
                  >
                    {t('hub.groups.remove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {curator && (
            <AddMember
              groupId={g.id}
              choices={directory.filter((o) => !g.member_org_ids.includes(o.id))}
              orgName={orgName}
              onAdd={(orgId) => act(() => api.addGroupMember(g.id, orgId))}
            />
          )}
        </div>
      ))}
      {curator && <NewGroupForm onCreate={(f) => act(f)} />}
    </section>
  );
}

function AddMember(props: {
  groupId: string;
  choices: Org[];
  orgName: (id: string) => string;
  onAdd: (orgId: string) => void;
}) {
  const { t } = useI18n();
  const [orgId, setOrgId] = useState('');
  const id = `add-member-${props.groupId}`;
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (orgId) props.onAdd(orgId);
        setOrgId('');
      }}
    >
      <label for={id}>{t('hub.groups.addMember')}</label>
      <select id={id} value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)}>
        <option value="">{t('hub.groups.choose')}</option>
        {props.choices.map((o) => (
          <option key={o.id} value={o.id}>
            {props.orgName(o.id)}
          </option>
        ))}
      </select>
      <button type="submit" class="button button-small" disabled={!orgId}>
        {t('hub.groups.add')}
      </button>
    </form>
  );
}

function NewCollectionForm(props: {
  groups: TrustGroup[];
  groupName: (id: string) => string;
  onCreate: (create: () => Promise<unknown>) => void;
}) {
  const { t } = useI18n();
  const first = props.groups[0]?.id ?? '';
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [alias, setAlias] = useState('');
  const [readGroup, setReadGroup] = useState(first);
  const [writeGroup, setWriteGroup] = useState(first);
  const [tlp, setTlp] = useState<TlpLevel>('green');
  const groupSelect = (id: string, value: string, set: (v: string) => void) => (
    <select {...fieldAria(id)} value={value} onChange={(e) => set(e.currentTarget.value)}>
      {props.groups.map((g) => (
        <option key={g.id} value={g.id}>
          {props.groupName(g.id)}
        </option>
      ))}
    </select>
  );
  return (
    <form
      class="form card"
      data-testid="new-collection"
      onSubmit={(e) => {
        e.preventDefault();
        props.onCreate(() =>
          api.createCollection({
            title: title.trim(),
            description: description.trim() || undefined,
            alias: alias.trim() || undefined,
            read_group_id: readGroup || first,
            write_group_id: writeGroup || first,
            default_tlp: tlp,
          }),
        );
      }}
    >
      <h3>{t('hub.collections.create')}</h3>
      <Field id="col-title" label={t('hub.collections.titleField')}>
        <input
          {...fieldAria('col-title')}
          value={title}
          maxLength={200}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </Field>
      <Field id="col-description" label={t('hub.collections.description')}>
        <input
          {...fieldAria('col-description')}
          value={description}
          maxLength={2000}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </Field>
      <Field id="col-alias" label={t('hub.collections.alias')}>
        <input
          {...fieldAria('col-alias')}
          value={alias}
          maxLength={64}
          onInput={(e) => setAlias(e.currentTarget.value)}
        />
      </Field>
      <Field id="col-read" label={t('hub.collections.readGroup')}>
        {groupSelect('col-read', readGroup, setReadGroup)}
      </Field>
      <Field id="col-write" label={t('hub.collections.writeGroup')}>
        {groupSelect('col-write', writeGroup, setWriteGroup)}
      </Field>
      <Field id="col-tlp" label={t('hub.collections.defaultTlp')}>
        <select
          {...fieldAria('col-tlp')}
          value={tlp}
          onChange={(e) => setTlp(e.currentTarget.value as TlpLevel)}
        >
          {TLP_LEVELS.map((level) => (
            <option key={level} value={level}>
              {tlpBadge(level).text}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" class="button button-primary" disabled={!title.trim() || !first}>
        {t('hub.collections.submit')}
      </button>
    </form>
  );
}

function NewGroupForm(props: { onCreate: (create: () => Promise<unknown>) => void }) {
  const { t } = useI18n();
  const [nameJa, setNameJa] = useState('');
  const [nameEn, setNameEn] = useState('');
  return (
    <form
      class="form card"
      data-testid="new-group"
      onSubmit={(e) => {
        e.preventDefault();
        props.onCreate(() =>
          api.createGroup({ name_ja: nameJa.trim(), name_en: nameEn.trim(), member_org_ids: [] }),
        );
      }}
    >
      <h3>{t('hub.groups.create')}</h3>
      <Field id="group-ja" label={t('hub.groups.nameJa')}>
        <input
          {...fieldAria('group-ja')}
          value={nameJa}
          maxLength={200}
          onInput={(e) => setNameJa(e.currentTarget.value)}
        />
      </Field>
      <Field id="group-en" label={t('hub.groups.nameEn')}>
        <input
          {...fieldAria('group-en')}
          value={nameEn}
          maxLength={200}
          onInput={(e) => setNameEn(e.currentTarget.value)}
        />
      </Field>
      <button
        type="submit"
        class="button button-primary"
        disabled={!nameJa.trim() || !nameEn.trim()}
      >
        {t('hub.groups.submit')}
      </button>
    </form>
  );
}
