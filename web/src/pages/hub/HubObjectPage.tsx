import {
  api,
  type Collection,
  type Correlation,
  type ObjectDetail,
  type SharedObjectSummary,
  type SightingSummary,
} from '../../api';
import { useAsync } from '../../components/async';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TlpBadge } from '../../components/TlpBadge';
import { useI18n } from '../../context';
import { formatTime, relationKey, warningHitsText } from '../../hub';
import { intlLocale } from '../../i18n';
import { href } from '../../router';
import type { PageProps } from '../../routes';

interface Loaded {
  detail: ObjectDetail;
  correlation: Correlation;
  sightings: SightingSummary;
  collections: Collection[];
}

const objectHref = (id: string) => href(`/hub/objects/${encodeURIComponent(id)}`);

function nameOf(o: SharedObjectSummary): string {
  return o.name ?? o.value ?? o.relationship_type ?? o.id;
}

/** One shared object: its versions, relationships, correlations, sightings and JSON. */
export function HubObjectPage({ params }: PageProps) {
  const { t, locale } = useI18n();
  const id = params.id;
  const result = useAsync<Loaded>(async () => {
    const [detail, correlation, sightings, collections] = await Promise.all([
      api.sharedObject(id),
      api.correlations(id),
      api.sightings(id),
      api.collections(),
    ]);
    return { detail, correlation, sightings, collections: collections.items };
  }, [id]);
  const when = (value?: string) => formatTime(value, intlLocale(locale));

  if (result.error) {
    return (
      <section>
        <h1>{t('hub.object.title')}</h1>
        <ErrorMessage error={result.error} />
        <a href={href('/hub')}>{t('hub.object.back')}</a>
      </section>
    );
  }
  if (!result.data) return <p class="muted">{t('app.loading')}</p>;
  const { detail, correlation, sightings, collections } = result.data;
  const latest = detail.versions[0];
  const titleOf = (collectionId: string) =>
    collections.find((c) => c.id === collectionId)?.title ?? collectionId;
  const relatedById = new Map(detail.related.map((o) => [o.id, o]));
  const end = (ref?: string) => {
    if (!ref) return null;
    if (ref === id) return <span class="mono">{nameOf(latest)}</span>;
    const known = relatedById.get(ref);
    return known ? <a href={objectHref(ref)}>{nameOf(known)}</a> : <span class="mono">{ref}</span>;
  };

  return (
    <section>
      <p>
        <a href={href('/hub')}>{t('hub.object.back')}</a>
      </p>
      <h1 data-testid="object-name">{nameOf(latest)}</h1>
      <p class="object-meta">
        <TlpBadge level={latest.tlp} />{' '}
        {latest.warnings.length > 0 && (
          <>
            <span class="badge badge-warn" data-testid="warning-badge">
              {t('hub.object.onWarningList')}
            </span>{' '}
          </>
        )}
        <span class="mono">{detail.id}</span> · {titleOf(latest.collection_id)}
        {(latest.labels ?? []).map((l) => (
          <span key={l} class="badge">
            {l}
          </span>
        ))}
      </p>
      {latest.warnings.length > 0 && (
        <p class="warning-hits" data-testid="warning-hits">
          {t('hub.object.warningHits', { hits: warningHitsText(latest.warnings) })}
        </p>
      )}
      {latest.pattern && <pre class="pattern">{latest.pattern}</pre>}

      <h2>{t('hub.object.correlations')}</h2>
      <p data-testid="shared-by">
        {t('hub.object.sharedBy', { count: correlation.organisations })}
      </p>
      {correlation.observables.length > 0 && (
        <p class="small">
          {t('hub.object.observables')}:{' '}
          {correlation.observables.map((o) => (
            <code key={o} class="observable">
              {o}
            </code>
          ))}
        </p>
      )}
      {correlation.related.length === 0 ? (
        <p class="empty">{t('hub.object.noCorrelations')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table" data-testid="correlations">
            <thead>
              <tr>
                <th scope="col">{t('hub.object.title')}</th>
                <th scope="col">{t('hub.object.observable')}</th>
                <th scope="col">{t('hub.object.relation')}</th>
                <th scope="col">{t('hub.tlp')}</th>
                <th scope="col">{t('hub.object.author')}</th>
              </tr>
            </thead>
            <tbody>
              {correlation.related.map((r) => (
                <tr key={`${r.collection_id}/${r.id}/${r.observable}`}>
                  <th scope="row">
                    <a href={objectHref(r.id)} class="mono">
                      {r.id}
                    </a>
                  </th>
                  <td class="mono">{r.observable}</td>
                  <td>{t(relationKey(r.relation))}</td>
                  <td>
                    <TlpBadge level={r.tlp} />
                  </td>
                  <td>{r.author_hidden ? t('hub.object.anotherOrg') : r.author_name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('hub.object.sightings')}</h2>
      {sightings.sightings === 0 ? (
        <p class="empty">{t('hub.object.noSightings')}</p>
      ) : (
        <p data-testid="sightings">
          {t('hub.object.sightingsSummary', {
            sightings: sightings.sightings,
            count: sightings.count,
            organisations: sightings.organisations,
          })}
          {sightings.first_seen && ` · ${t('hub.object.firstSeen')}: ${when(sightings.first_seen)}`}
          {sightings.last_seen && ` · ${t('hub.object.lastSeen')}: ${when(sightings.last_seen)}`}
        </p>
      )}

      <h2>{t('hub.object.relationships')}</h2>
      {detail.relationships.length === 0 ? (
        <p class="empty">{t('hub.object.noRelationships')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table" data-testid="relationships">
            <thead>
              <tr>
                <th scope="col">{t('hub.object.source')}</th>
                <th scope="col">{t('hub.object.relationType')}</th>
                <th scope="col">{t('hub.object.target')}</th>
                <th scope="col">{t('hub.tlp')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.relationships.map((r) => (
                <tr key={r.id}>
                  <td>{end(r.source_ref)}</td>
                  <td>{r.relationship_type}</td>
                  <td>{end(r.target_ref)}</td>
                  <td>
                    <TlpBadge level={r.tlp} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('hub.object.versions')}</h2>
      <div class="table-wrap">
        <table class="data-table" data-testid="versions">
          <thead>
            <tr>
              <th scope="col">{t('hub.object.version')}</th>
              <th scope="col">{t('hub.collection')}</th>
              <th scope="col">{t('hub.tlp')}</th>
              <th scope="col">{t('hub.object.author')}</th>
              <th scope="col">{t('hub.added')}</th>
            </tr>
          </thead>
          <tbody>
            {/* Each organisation may keep its own versions of an id, hence no unique key
                of collection and version. */}
            {detail.versions.map((v, i) => (
              <tr key={i}>
                <td>
                  {when(v.version)}
                  {v.latest && <span class="badge badge-on">{t('hub.object.latest')}</span>}
                  {v.revoked && <span class="badge badge-off">{t('hub.revoked')}</span>}
                  {v.warnings.length > 0 && (
                    <span class="badge badge-warn" title={warningHitsText(v.warnings)}>
                      {t('hub.object.onWarningList')}
                    </span>
                  )}
                </td>
                <td>{titleOf(v.collection_id)}</td>
                <td>
                  <TlpBadge level={v.tlp} />
                </td>
                <td class={v.author.hidden ? 'muted' : undefined}>{v.author.name}</td>
                <td>{when(v.date_added)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <details class="raw-json">
        <summary>{t('hub.object.raw')}</summary>
        <pre data-testid="raw-json">{JSON.stringify(latest.object, null, 2)}</pre>
      </details>
    </section>
  );
}
