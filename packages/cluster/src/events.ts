// The event recorder: what the scheduler, the kubelet, the controllers and kube-proxy say about an
// object, as core v1 Events (client-go's record package: the same event again within ten minutes
// counts up instead of adding one). Bounded: the latest MAX_EVENTS are kept, as a cluster keeps
// events for an hour. Listeners (the Kubernetes API's lists and watches) hear each one.
import type { KubeEvent, KubeObject } from '@l4lab/protocol';
import type { Clock } from './clock.ts';

const MAX_EVENTS = 1000;
/** client-go's event correlator folds repeats within this window. */
const FOLD_MS = 10 * 60 * 1000;

export type EventListener = (e: KubeEvent) => void;

export interface EventSource {
  /** `kubelet`, `default-scheduler`, `deployment-controller`, `kube-proxy`, ... */
  component: string;
  /** The node, for a kubelet's or kube-proxy's events. */
  host?: string;
}

export class EventRecorder {
  readonly #clock: Clock;
  readonly #events: KubeEvent[] = [];
  readonly #listeners = new Set<EventListener>();
  readonly #resourceVersion: () => string;
  #seq = 0;

  constructor(clock: Clock, resourceVersion: () => string) {
    this.#clock = clock;
    this.#resourceVersion = resourceVersion;
  }

  record(
    about: KubeObject,
    type: KubeEvent['type'],
    reason: string,
    message: string,
    source: EventSource,
  ): KubeEvent {
    const now = this.#clock.now();
    const iso = new Date(now).toISOString();
    const same = this.#events.findLast(
      (e) =>
        e.involvedObject.uid === about.metadata.uid &&
        e.involvedObject.name === about.metadata.name &&
        e.reason === reason &&
        e.message === message &&
        now - Date.parse(e.lastTimestamp) < FOLD_MS,
    );
    if (same) {
      same.count++;
      same.lastTimestamp = iso;
      same.metadata.resourceVersion = this.#resourceVersion();
      this.#tell(same);
      return same;
    }
    const seq = (++this.#seq).toString(16).padStart(8, '0');
    const event: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${about.metadata.name}.${(now * 1000).toString(16)}${seq}`,
        namespace: about.metadata.namespace ?? 'default',
        uid: `event-${seq}`,
        creationTimestamp: iso,
        resourceVersion: this.#resourceVersion(),
      },
      involvedObject: {
        apiVersion: about.apiVersion,
        kind: about.kind,
        ...(about.metadata.namespace ? { namespace: about.metadata.namespace } : {}),
        name: about.metadata.name,
        ...(about.metadata.uid ? { uid: about.metadata.uid } : {}),
      },
      reason,
      message,
      type,
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      reportingComponent: source.component,
      firstTimestamp: iso,
      lastTimestamp: iso,
      count: 1,
    };
    this.#events.push(event);
    if (this.#events.length > MAX_EVENTS) this.#events.shift();
    this.#tell(event);
    return event;
  }

  list(namespace?: string): KubeEvent[] {
    return namespace === undefined
      ? [...this.#events]
      : this.#events.filter((e) => e.metadata.namespace === namespace);
  }

  /** Events about one object, oldest first (what `kubectl describe` shows). */
  about(o: KubeObject): KubeEvent[] {
    return this.#events.filter(
      (e) =>
        e.involvedObject.kind === o.kind &&
        e.involvedObject.name === o.metadata.name &&
        (e.involvedObject.namespace ?? '') === (o.metadata.namespace ?? '') &&
        (!o.metadata.uid || e.involvedObject.uid === o.metadata.uid),
    );
  }

  listen(l: EventListener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  #tell(e: KubeEvent): void {
    for (const l of this.#listeners) l(e);
  }
}
