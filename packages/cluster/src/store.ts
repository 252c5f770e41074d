import type { KubeKind, KubeObject, WatchEvent } from '@l4lab/protocol';

export type ObjectOf<K extends KubeKind> = Extract<KubeObject, { kind: K }>;
export type WatchListener = (event: WatchEvent) => void;

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/**
 * The API server's storage: objects by kind, namespace and name; a cluster-wide resourceVersion
 * bumped on every write; watchers told of every change. Objects handed out are never mutated:
 * writers replace them (structuredClone on the way in).
 */
export class ObjectStore {
  readonly #objects = new Map<string, KubeObject>();
  readonly #listeners = new Set<WatchListener>();
  #resourceVersion = 0;
  readonly #pending: WatchEvent[] = [];
  #delivering = false;

  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  get<K extends KubeKind>(
    kind: K,
    namespace: string | undefined,
    name: string,
  ): ObjectOf<K> | undefined {
    return this.#objects.get(keyOf(kind, namespace, name)) as ObjectOf<K> | undefined;
  }

  list<K extends KubeKind>(kind: K, namespace?: string): ObjectOf<K>[] {
    const out: ObjectOf<K>[] = [];
    for (const o of this.#objects.values()) {
      if (o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace)) {
        out.push(o as ObjectOf<K>);
      }
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  }

  all(): KubeObject[] {
    return [...this.#objects.values()];
  }

  /** Writes (creates or replaces) an object, stamping resourceVersion. Returns the stored copy. */
  put<T extends KubeObject>(object: T): T {
    const key = keyOf(object.kind, object.metadata.namespace, object.metadata.name);
    const existed = this.#objects.has(key);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#objects.set(key, stored);
    this.#emit({ type: existed ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  remove(kind: KubeKind, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = keyOf(kind, namespace, name);
    const old = this.#objects.get(key);
    if (!old) return undefined;
    this.#objects.delete(key);
    // The DELETED event carries the deletion's resourceVersion, as the API server's watch does.
    const rv = String(++this.#resourceVersion);
    this.#emit({
      type: 'DELETED',
      object: { ...old, metadata: { ...old.metadata, resourceVersion: rv } },
    });
    return old;
  }

  /**
   * Stores an object as another API server gave it (a remote cluster's informer): its own uid,
   * resourceVersion and creationTimestamp are kept, not stamped. The store's resourceVersion still
   * moves by one, so watchers of this store see an ordered stream of its changes.
   */
  mirror<T extends KubeObject>(object: T): T {
    const key = keyOf(object.kind, object.metadata.namespace, object.metadata.name);
    const existed = this.#objects.has(key);
    const stored = structuredClone(object);
    this.#objects.set(key, stored);
    ++this.#resourceVersion;
    this.#emit({ type: existed ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  /** Drops a mirrored object; the DELETED event carries the object as the other API server last sent it. */
  mirrorRemove(
    kind: KubeKind,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const key = keyOf(kind, namespace, name);
    const old = this.#objects.get(key);
    if (!old) return undefined;
    this.#objects.delete(key);
    ++this.#resourceVersion;
    this.#emit({ type: 'DELETED', object: old });
    return old;
  }

  /**
   * Puts back objects an earlier run saved, each with its own resourceVersion, and continues the
   * counter after `resourceVersion`. Watchers are told once every object is in, so a controller
   * never acts on half a cluster (a Deployment seen before its ReplicaSet would get a new one).
   */
  restore(objects: readonly KubeObject[], resourceVersion: string): void {
    const events: WatchEvent[] = [];
    let newest = Number(resourceVersion) || 0;
    for (const object of objects) {
      const key = keyOf(object.kind, object.metadata.namespace, object.metadata.name);
      const stored = structuredClone(object);
      events.push({ type: this.#objects.has(key) ? 'MODIFIED' : 'ADDED', object: stored });
      this.#objects.set(key, stored);
      newest = Math.max(newest, Number(stored.metadata.resourceVersion) || 0);
    }
    this.#resourceVersion = Math.max(this.#resourceVersion, newest);
    this.#emit(...events);
  }

  watch(listener: WatchListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Delivers events in resourceVersion order to every watcher. A watcher that writes while it is
   * being told (a controller) queues its events behind the current one, so no watcher ever sees
   * a newer state before an older one.
   */
  #emit(...events: WatchEvent[]): void {
    this.#pending.push(...events);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let e = this.#pending.shift(); e; e = this.#pending.shift()) {
        for (const l of this.#listeners) l(e);
      }
    } finally {
      this.#delivering = false;
    }
  }
}
