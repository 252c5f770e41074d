// The join's ClusterView kept in step with the mirror of the remote cluster: a full list of
// Services, EndpointSlices, Nodes and Pods at the start, then each watch event of those kinds as
// an upsert or a remove, as an informer's handlers would feed it.
import type { ClusterView, WatchedKind, WatchedKinds } from '@l4lab/agent';
import type { ObjectStore } from '@l4lab/cluster';
import type { WatchEvent } from '@l4lab/protocol';

const WATCHED: ReadonlySet<string> = new Set<WatchedKind>([
  'Service',
  'EndpointSlice',
  'Node',
  'Pod',
]);

/** Fills `view` from `store` and follows its changes; returns the function that stops it. */
export function syncClusterView(store: ObjectStore, view: ClusterView): () => void {
  view.replace({
    services: store.list('Service') as WatchedKinds['Service'][],
    endpointSlices: store.list('EndpointSlice') as unknown as WatchedKinds['EndpointSlice'][],
    nodes: store.list('Node') as unknown as WatchedKinds['Node'][],
    pods: store.list('Pod') as unknown as WatchedKinds['Pod'][],
  });
  return store.watch(function follow(e: WatchEvent) {
    const kind = e.object.kind;
    if (!WATCHED.has(kind)) return;
    if (e.type === 'DELETED') view.remove(kind as WatchedKind, e.object);
    else view.upsert(kind as WatchedKind, e.object as unknown as WatchedKinds[WatchedKind]);
  });
}
