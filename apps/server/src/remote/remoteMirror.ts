// The remote cluster as the dashboard reads it: one informer (client-node's list + watch, re-listed
// on 410 Gone as client-go's reflector does) per kind, mirrored into an ObjectStore with the
// objects' own metadata (uid, resourceVersion, creationTimestamp). The graph, the resource lists
// and the kubectl view read that store as they read the embedded lab's.
import { makeInformer, type Informer, type KubernetesObject } from '@kubernetes/client-node';
import { ObjectStore } from '@l4lab/cluster';
import type { KubeEvent, KubeKind, KubeObject } from '@l4lab/protocol';
import type { Logger } from '../logger.ts';
import { type KubeClient, failureMessage } from './kubeClient.ts';
import { EventMirror } from './eventMirror.ts';

interface Mirrored {
  kind: KubeKind | 'Event';
  apiVersion: string;
  /** The all-namespaces collection. */
  path: string;
}

/** What remote mode watches (the list, plus the workloads the graph draws). */
export const MIRRORED: readonly Mirrored[] = [
  { kind: 'Namespace', apiVersion: 'v1', path: '/api/v1/namespaces' },
  { kind: 'Node', apiVersion: 'v1', path: '/api/v1/nodes' },
  { kind: 'Pod', apiVersion: 'v1', path: '/api/v1/pods' },
  { kind: 'Service', apiVersion: 'v1', path: '/api/v1/services' },
  {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    path: '/apis/discovery.k8s.io/v1/endpointslices',
  },
  // The dashboard's `kubectl get endpoints` (deprecated since v1.33, still served).
  { kind: 'Endpoints', apiVersion: 'v1', path: '/api/v1/endpoints' },
  { kind: 'Deployment', apiVersion: 'apps/v1', path: '/apis/apps/v1/deployments' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/replicasets' },
  { kind: 'Event', apiVersion: 'v1', path: '/api/v1/events' },
];

/** The first retry after a watch or list failed (doubling up to 30 s). */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * An object as the dashboard keeps it: its kind and apiVersion set (LIST items come without),
 * managedFields dropped (kubectl get hides them too; they are most of an object's size).
 */
export function mirroredObject<T>(raw: T, kind: string, apiVersion: string): T {
  const o = raw as { kind?: string; apiVersion?: string; metadata?: Record<string, unknown> };
  const { managedFields: _dropped, ...metadata } = o.metadata ?? {};
  return { ...o, kind, apiVersion, metadata } as T;
}

export class RemoteMirror {
  readonly store = new ObjectStore();
  readonly events = new EventMirror();
  readonly #client: KubeClient;
  readonly #logger: Logger;
  readonly #informers: Informer<KubernetesObject>[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(client: KubeClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
  }

  /** Lists every kind and starts watching; rejects with the API server's message if a list fails. */
  async start(): Promise<void> {
    await Promise.all(MIRRORED.map((m) => this.#startOne(m)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  async #startOne(m: Mirrored): Promise<void> {
    const client = this.#client;
    const list = async () => {
      const answer = await client.request('GET', m.path);
      if (answer.status !== 200)
        throw Object.assign(new Error(failureMessage(answer)), { statusCode: answer.status });
      const body = answer.body as { metadata?: object; items?: KubernetesObject[] };
      return {
        metadata: body.metadata ?? {},
        items: (body.items ?? []).map((i) => mirroredObject(i, m.kind, m.apiVersion)),
      };
    };
    const informer = makeInformer(client.kubeConfig, m.path, list);
    this.#informers.push(informer);
    let failed: unknown;
    let starting = true;
    let retryMs = RETRY_MS;
    // Anything heard from the API server again: the next failure starts over at RETRY_MS.
    informer.on('add', (o) => {
      retryMs = RETRY_MS;
      this.#put(m, mirroredObject(o, m.kind, m.apiVersion));
    });
    informer.on('update', (o) => {
      retryMs = RETRY_MS;
      this.#put(m, mirroredObject(o, m.kind, m.apiVersion));
    });
    informer.on('delete', (o) => {
      retryMs = RETRY_MS;
      this.#remove(m, o);
    });
    informer.on('error', (err: unknown) => {
      if (starting) {
        failed = err;
        return;
      }
      if (this.#stopped) return;
      // client-node's informer stops on an error other than 410 Gone: start it again, later.
      this.#logger.warn(
        { resource: m.path, err: String(err), retryInMs: retryMs },
        'watch of the remote cluster failed: retrying',
      );
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (!this.#stopped) void informer.start();
      }, retryMs);
      this.#timers.add(timer);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    });
    await informer.start();
    starting = false;
    if (failed !== undefined) {
      const message = failed instanceof Error ? failed.message : String(failed);
      throw new Error(`listing ${m.path}: ${message}`);
    }
  }

  #put(m: Mirrored, o: KubernetesObject): void {
    if (m.kind === 'Event') this.events.put(o as unknown as KubeEvent);
    else this.store.mirror(o as unknown as KubeObject);
  }

  #remove(m: Mirrored, o: KubernetesObject): void {
    const name = o.metadata?.name ?? '';
    if (m.kind === 'Event') this.events.remove(o.metadata?.namespace, name);
    else this.store.mirrorRemove(m.kind, o.metadata?.namespace, name);
  }
}
