import type { KubeObject } from '@l4lab/protocol';
import { objectKey } from '@l4lab/protocol';

export interface Change<T> {
  previous: T | undefined;
  current: T | undefined;
}

/**
 * kube-proxy's ServiceChangeTracker / EndpointsChangeTracker: pending changes per `namespace/name`,
 * `{previous, current}` where previous is the state the data plane last synced; a change that ends
 * where it started is dropped. Deletion is `update(obj, undefined)`.
 */
export class ChangeTracker<T extends KubeObject> {
  #pending = new Map<string, Change<T>>();

  update(previous: T | undefined, current: T | undefined): boolean {
    const obj = current ?? previous;
    if (!obj) return false;
    const key = objectKey(obj);
    const existing = this.#pending.get(key);
    const change: Change<T> = { previous: existing ? existing.previous : previous, current };
    if (sameSpec(change.previous, change.current)) this.#pending.delete(key);
    else this.#pending.set(key, change);
    return this.#pending.size > 0;
  }

  /** Takes every pending change (the sync that calls this applies them). */
  drain(): Map<string, Change<T>> {
    const out = this.#pending;
    this.#pending = new Map();
    return out;
  }

  get pending(): number {
    return this.#pending.size;
  }
}

function sameSpec(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined },
  });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
