// WATCH: a stream of `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":...}` lines, as
// `kubectl get -w`, `kubectl delete` (waiting for the object to go) and informers read it. A watch
// cache keeps the latest events, so a watch from a LIST's resourceVersion misses nothing that
// happened in between; one older than the cache answers 410 Expired, and the client lists again.
import { wireTimes } from './wireTimes.ts';
import type { Request, Response } from 'express';
import type { KubeEvent, KubeObject, WatchEvent } from '@l4lab/protocol';
import {
  SERVICE_NAME_LABEL,
  endpointsFor,
  type EventRecorder,
  type ObjectStore,
} from '@l4lab/cluster';
import {
  eventsV1,
  listObjects,
  nodeLease,
  SelectorError,
  selectorOf,
  type ApiObject,
} from './objects.ts';
import { groupVersion, type ApiResource } from './resources.ts';
import { failure } from './status.ts';

interface CachedEvent {
  rv: number;
  type: WatchEvent['type'];
  object: KubeObject;
}

/** The most recent store events, by resourceVersion, and the live ones for open watches. */
export class WatchCache {
  readonly #events: CachedEvent[] = [];
  readonly #listeners = new Set<(e: CachedEvent) => void>();
  readonly #size: number;
  /** The resourceVersion the cache is complete from (events after it are all here). */
  #since: number;

  constructor(store: ObjectStore, events?: EventRecorder, size = 2000) {
    this.#size = size;
    this.#since = Number(store.resourceVersion);
    store.watch((e) => this.#add(e.type, e.object));
    // Events are not in the store: each one recorded (or counted again) is an ADDED / MODIFIED.
    events?.listen((e) =>
      this.#add(e.count > 1 ? 'MODIFIED' : 'ADDED', e as unknown as KubeObject),
    );
  }

  #add(type: WatchEvent['type'], object: KubeObject): void {
    const event = { rv: Number(object.metadata.resourceVersion), type, object };
    this.#events.push(event);
    if (this.#events.length > this.#size) this.#since = this.#events.shift()!.rv;
    for (const l of this.#listeners) l(event);
  }

  /** Events after `rv`, or undefined when some of them are no longer kept. */
  since(rv: number): CachedEvent[] | undefined {
    if (rv < this.#since) return undefined;
    return this.#events.filter((e) => e.rv > rv);
  }

  subscribe(l: (e: CachedEvent) => void): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  get watchers(): number {
    return this.#listeners.size;
  }
}

/** The most watches open at once (each holds a response and a listener). */
const MAX_WATCHES = 256;
const BOOKMARK_MS = 30_000;

export interface WatchOptions {
  store: ObjectStore;
  events?: EventRecorder;
  now?: () => number;
  cache: WatchCache;
  /** One row of a Table for an object, when the client asked for Tables. */
  toRow?: (o: KubeObject, item: ApiObject) => object;
}

export function serveWatch(
  o: WatchOptions,
  req: Request,
  res: Response,
  r: ApiResource,
  namespace: string | undefined,
  /** A watch of one object by its path (the older form of `fieldSelector=metadata.name=`). */
  name?: string,
): void {
  const q = req.query;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const labelText = str(q.labelSelector);
  const fieldText =
    [str(q.fieldSelector), name !== undefined ? `metadata.name=${name}` : undefined]
      .filter(Boolean)
      .join(',') || undefined;
  let selected: ReturnType<typeof selectorOf>;
  let initial: ReturnType<typeof listObjects>;
  try {
    selected = selectorOf({
      ...(labelText ? { labelSelector: labelText } : {}),
      ...(fieldText ? { fieldSelector: fieldText } : {}),
    });
    initial = listObjects(o.store, r, {
      ...(o.events ? { events: o.events } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labelText ? { labelSelector: labelText } : {}),
      ...(fieldText ? { fieldSelector: fieldText } : {}),
    });
  } catch (err) {
    const message = err instanceof SelectorError ? err.message : String(err);
    res.status(400).json(failure(400, 'BadRequest', message));
    return;
  }
  if (o.cache.watchers >= MAX_WATCHES) {
    res.status(429).json(failure(429, 'TooManyRequests', `too many watches open (${MAX_WATCHES})`));
    return;
  }
  const fromText = str(q.resourceVersion);
  const from = fromText && fromText !== '0' ? Number(fromText) : undefined;
  const replay = from !== undefined ? o.cache.since(from) : undefined;

  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();
  const write = (type: string, object: object) =>
    res.write(`${JSON.stringify({ type, object: wireTimes(object) })}\n`);
  const shown = (obj: KubeObject, item: ApiObject) => (o.toRow ? o.toRow(obj, item) : item);

  if (from !== undefined && !replay) {
    write(
      'ERROR',
      failure(410, 'Expired', `too old resource version: ${from} (${o.store.resourceVersion})`),
    );
    res.end();
    return;
  }
  const matches = (item: ApiObject): boolean =>
    (namespace === undefined || item.metadata.namespace === namespace) && selected(item);
  const send = (e: CachedEvent) => {
    for (const [obj, item] of itemsOf(o.store, r, e, o.now ?? Date.now)) {
      if (matches(item)) write(e.type, shown(obj, item));
    }
  };
  if (from === undefined) {
    initial.printed.forEach((obj, i) => write('ADDED', shown(obj, initial.items[i]!)));
  } else {
    for (const e of replay!) send(e);
  }
  const unsubscribe = o.cache.subscribe(send);
  const timeout = Number(str(q.timeoutSeconds) ?? 0);
  const timers: NodeJS.Timeout[] = [];
  if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
  if (str(q.allowWatchBookmarks) === 'true') {
    timers.push(
      setInterval(() => {
        write('BOOKMARK', {
          kind: r.kind,
          apiVersion: groupVersion(r.group, r.version),
          metadata: { resourceVersion: o.store.resourceVersion },
        });
      }, BOOKMARK_MS),
    );
  }
  res.on('close', () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  });
}

/**
 * What a store event means for a resource: its object, or (Endpoints) the Endpoints of the
 * Service it concerns as they are now (a stored one as the event carries it).
 */
function itemsOf(
  store: ObjectStore,
  r: ApiResource,
  e: CachedEvent,
  now: () => number,
): [KubeObject, ApiObject][] {
  if (r.kind === 'Lease') {
    if (e.object.kind !== 'Node') return [];
    const lease = nodeLease(e.object, now());
    return [[lease as unknown as KubeObject, lease]];
  }
  if (r.kind === 'Endpoints') {
    if (e.object.kind === 'Endpoints') return [[e.object, e.object as unknown as ApiObject]];
    const slice = e.object.kind === 'EndpointSlice' ? e.object : undefined;
    const name =
      slice?.metadata.labels?.[SERVICE_NAME_LABEL] ??
      (e.object.kind === 'Service' ? e.object.metadata.name : undefined);
    const ns = e.object.metadata.namespace;
    const endpoints = name && ns ? endpointsFor(store, ns, name) : undefined;
    // A user's Endpoints answers for the Service: its slices and the Service say nothing more.
    if (!endpoints || store.get('Endpoints', ns, endpoints.metadata.name)) return [];
    return [[endpoints, endpoints as unknown as ApiObject]];
  }
  if ((e.object.kind as string) !== r.kind) return [];
  if (r.kind === 'Event' && r.group === 'events.k8s.io')
    return [[e.object, eventsV1(e.object as unknown as KubeEvent)]];
  return [[e.object, e.object as unknown as ApiObject]];
}
