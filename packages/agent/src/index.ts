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
export {
  AGENT_EVENTS_CONTENT_TYPE,
  AGENT_MAX_LINE_BYTES,
  AGENT_NAMESPACE,
  AGENT_PORT,
  AGENT_TOKEN_HEADER,
  AGENT_WIRE_VERSION,
  AgentStreamDecoder,
  encodeAgentMessage,
  isConntrackEvent,
  nodeProxyModeOf,
  parseAgentLine,
  type AgentConntrack,
  type AgentConntrackSettings,
  type AgentHello,
  type AgentLineResult,
  type AgentLossCause,
  type AgentLost,
  type AgentMessage,
  type AgentMode,
  type AgentStats,
  type KubeProxyModeName,
} from './wire.ts';
