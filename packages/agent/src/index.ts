// l4lab's view of a real cluster: conntrack events from each node's agent joined with the
// watched Kubernetes objects into the lab's ConnectionEvents (issue 19).
export {
  ClusterJoiner,
  type ClusterJoinOptions,
  type ClusterJoinStats,
} from './join/clusterJoin.ts';
export {
  ClusterView,
  endpointsOf,
  type ObjectRef,
  type WatchedEndpointSlice,
  type WatchedKind,
  type WatchedKinds,
  type WatchedNode,
  type WatchedObjects,
  type WatchedPod,
  type WatchedService,
} from './join/clusterView.ts';
export {
  modeName,
  parseNodeProxyMode,
  UNKNOWN_MODE,
  type NodeProxyMode,
} from './join/nodeProxyMode.ts';
