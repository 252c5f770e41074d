// The remote cluster's core v1 Events, for `kubectl describe`'s Events in the dashboard's kubectl
// view. Bounded: the newest MAX_EVENTS are kept (the API server itself keeps them an hour).
import type { KubeEvent, KubeObject } from '@l4lab/protocol';

const MAX_EVENTS = 5000;

/**
 * An Event as `kubectl describe` reads it. Events written through events.k8s.io/v1 have no
 * first/lastTimestamp, count or source in their core v1 form: kubectl falls back to eventTime
 * and the reporting controller, and so does this.
 */
export function describedEvent(raw: KubeEvent): KubeEvent {
  const e = raw as KubeEvent & { eventTime?: string | null; reportingController?: string };
  const at = e.lastTimestamp || e.eventTime || e.metadata.creationTimestamp || '';
  return {
    ...e,
    firstTimestamp: e.firstTimestamp || e.eventTime || at,
    lastTimestamp: at,
    count: e.count || 1,
    source: e.source?.component
      ? e.source
      : { component: e.reportingComponent || e.reportingController || '' },
  };
}

export class EventMirror {
  /** By namespace/name, oldest change first (a change moves an Event to the end). */
  readonly #events = new Map<string, KubeEvent>();

  put(e: KubeEvent): void {
    const key = `${e.metadata.namespace ?? ''}/${e.metadata.name}`;
    this.#events.delete(key);
    this.#events.set(key, describedEvent(e));
    if (this.#events.size > MAX_EVENTS) {
      const oldest = this.#events.keys().next().value;
      if (oldest !== undefined) this.#events.delete(oldest);
    }
  }

  remove(namespace: string | undefined, name: string): void {
    this.#events.delete(`${namespace ?? ''}/${name}`);
  }

  /** Events about one object, oldest first (what `kubectl describe` shows). */
  about(o: KubeObject): KubeEvent[] {
    return [...this.#events.values()]
      .filter(
        (e) =>
          e.involvedObject.kind === o.kind &&
          e.involvedObject.name === o.metadata.name &&
          (e.involvedObject.namespace ?? '') === (o.metadata.namespace ?? '') &&
          (!o.metadata.uid || !e.involvedObject.uid || e.involvedObject.uid === o.metadata.uid),
      )
      .sort((a, b) => a.lastTimestamp.localeCompare(b.lastTimestamp));
  }
}
