import type { KubeObject, WatchEvent } from '@l4lab/protocol';
import type { Clock } from '../clock.ts';
import type { ObjectStore } from '../store.ts';
import type { EventRecorder } from '../events.ts';

/** What a controller may use: the store, time, and a way to make names and uids. */
export interface ControllerContext {
  store: ObjectStore;
  clock: Clock;
  random: () => number;
  newUid(): string;
  nowIso(): string;
  /** Graceful deletion, as the API server does it for pods. */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): void;
  /** Deletes an object and, through ownerReferences, what it owns. */
  deleteObject(object: KubeObject): void;
  /** Queues a key for a controller (by its name), e.g. from a timer, and runs the queue. */
  enqueue(controller: string, key: string): void;
  /** Says something about an object, as a Kubernetes Event. */
  events: EventRecorder;
  /** How long a new pod tolerates a not-ready or unreachable node (DefaultTolerationSeconds). */
  defaultTolerationSeconds: number;
}

/** A level-triggered controller: told which keys to look at, it makes the world match the spec. */
export interface Controller {
  readonly name: string;
  /** Keys (usually `namespace/name`) this change makes worth reconciling. */
  keysFor(event: WatchEvent): string[];
  reconcile(key: string): void;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export function ownedBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some(
    (r) => r.uid === owner.metadata.uid && r.controller,
  );
}

export function controllerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
