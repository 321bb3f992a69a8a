import { useEffect, useState } from 'preact/hooks';
import { api, type Collection, type TlpLevel } from '../../api';
import { TlpBadge } from '../../components/TlpBadge';
import { useI18n } from '../../context';
import type { MessageKey } from '../../i18n';
import { href, navigate } from '../../router';
import type { PageProps } from '../../routes';
import { HubSelectFilters } from './HubSelectFilters';

/** What the server's live stream sends (GET /api/v1/hub/stream). */
export const LIVE_KINDS = ['added', 'updated', 'revoked', 'deleted', 'sighted'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

const KIND_LABELS: Record<LiveKind, MessageKey> = {
  added: 'hub.live.kind.added',
  updated: 'hub.live.kind.updated',
  revoked: 'hub.live.kind.revoked',
  deleted: 'hub.live.kind.deleted',
  sighted: 'hub.live.kind.sighted',
};

interface LiveItem {
  key: string;
  kind: LiveKind;
  id: string;
  type: string;
  tlp: TlpLevel;
  collection_id: string;
  name?: string;
  pattern?: string;
  received: Date;
}

/** Most items kept on the page; older ones scroll away. */
const MAX_ITEMS = 200;

/** The stream's URL for the filters; the browser reconnects with Last-Event-ID itself. */
export function liveStreamUrl(filter: { type: string; tlp: string; collection: string }): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
  const query = params.toString();
  return `/api/v1/hub/stream${query ? `?${query}` : ''}`;
}

function itemOf(kind: LiveKind, message: MessageEvent<string>): LiveItem | undefined {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const object = (data.object ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    key: message.lastEventId || `${kind}-${String(data.id)}-${Date.now()}`,
    kind,
    id: String(data.id ?? ''),
    type: String(data.type ?? ''),
    tlp: (text(data.tlp) ?? 'green') as TlpLevel,
    collection_id: String(data.collection_id ?? ''),
    name: text(object.name) ?? text(object.value),
    pattern: text(object.pattern),
    received: new Date(),
  };
}

/** Objects shared with the viewer's organisation, listed as they arrive. */
export function HubLivePage({ query }: PageProps) {
  const { t } = useI18n();
  const filter = {
    type: query.get('type') ?? '',
    tlp: query.get('tlp') ?? '',
    collection: query.get('collection') ?? '',
  };
  const [items, setItems] = useState<LiveItem[]>([]);
  const [connected, setConnected] = useState(false);
  const [collections, setCollections] = useState<Collection[]>([]);
  const url = liveStreamUrl(filter);

  useEffect(() => {
    api.collections().then(
      (list) => setCollections(list.items),
      () => setCollections([]),
    );
  }, []);

  useEffect(() => {
    setItems([]);
    setConnected(false);
    const source = new EventSource(url);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    for (const kind of LIVE_KINDS) {
      source.addEventListener(kind, (message) => {
        const item = itemOf(kind, message as MessageEvent<string>);
        if (item) setItems((previous) => [item, ...previous].slice(0, MAX_ITEMS));
      });
    }
    return () => source.close();
  }, [url]);

  const go = (changes: Record<string, string>) => navigate('/hub/live', { ...filter, ...changes });
  const titleOf = (id: string) => collections.find((c) => c.id === id)?.title ?? id;
  return (
    <section>
      <div class="page-head">
        <h1>{t('hub.live.title')}</h1>
        <a class="button" href={href('/hub')}>
          {t('hub.title')}
        </a>
      </div>
      <form class="filters" role="search" aria-label={t('hub.filters')}>
        <HubSelectFilters idPrefix="live" values={filter} collections={collections} onChange={go} />
      </form>
      <p
        class="muted"
        data-testid="live-status"
        data-connected={connected ? 'yes' : 'no'}
        aria-live="polite"
      >
        {connected ? t('hub.live.connected') : t('hub.live.connecting')}
      </p>
      {items.length === 0 ? (
        <p class="empty">{t('hub.live.empty')}</p>
      ) : (
        <ul class="live-list" data-testid="live-events">
          {items.map((item) => (
            <li key={item.key} data-kind={item.kind} data-id={item.id}>
              <span class="badge">{t(KIND_LABELS[item.kind])}</span> <TlpBadge level={item.tlp} />{' '}
              {item.kind === 'deleted' ? (
                <span class="mono">{item.id}</span>
              ) : (
                <a href={href(`/hub/objects/${encodeURIComponent(item.id)}`)}>
                  {item.name ?? item.id}
                </a>
              )}{' '}
              <span class="muted small">
                {item.type} · {titleOf(item.collection_id)} · {item.received.toLocaleTimeString()}
              </span>
              {item.pattern && <div class="mono small muted">{item.pattern}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
