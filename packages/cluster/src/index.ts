export * from './clock.ts';
export * from './ipv4.ts';
export * from './allocators.ts';
export * from './addressPlan.ts';
export * from './portMapper.ts';
export * from './store.ts';
export { EventRecorder, type EventSource, type EventListener } from './events.ts';
export * from './snapshot.ts';
export { NODE_LEASE_RENEW_MS, nodeLeaseRenewedAt } from './nodeObject.ts';
export * from './selectors.ts';
export * from './names.ts';
export * from './podStatus.ts';
export * from './changeTracker.ts';
export * from './boundedFrequencyRunner.ts';
export {
  planApply,
  isForbidden,
  type ApplyError,
  type PlannedWrite,
  type NamespaceQuota,
} from './apply.ts';
export {
  Cluster,
  deletionForbidden,
  type ClusterOptions,
  type ApplyOptions,
  type ApplyOutcome,
} from './cluster.ts';
export { daemonPodNode, nodeShouldRunDaemonPod } from './controllers/daemonSetController.ts';
export { hostPortsOf, hostPortsTaken, REASON_NODE_PORTS } from './scheduling/nodePorts.ts';
export { SERVICE_NAME_LABEL, resolveTargetPort } from './controllers/endpointSliceController.ts';
export {
  LABEL_TOPOLOGY_ZONE,
  hintsMode,
  topologyModeAuto,
} from './controllers/endpointSliceHints.ts';
export {
  KUBERNETES_SERVICE,
  hasEndpoints,
  type ApiServerEndpoint,
} from './controllers/kubernetesServiceController.ts';
export {
  DEFAULT_POD_EVICTION_TIMEOUT_MS,
  isNodeReady,
} from './controllers/nodeLifecycleController.ts';
export {
  runKubectl,
  printerOfType,
  type KubectlResult,
  type KubectlSource,
} from './kubectl/kubectl.ts';
export type { Printer, PrintContext } from './kubectl/printers.ts';
export { age } from './kubectl/duration.ts';
export { parseSelector, matchesSelector, type Requirement } from './kubectl/labelSelector.ts';
export {
  derivedEndpoints,
  endpointsFor,
  listEndpoints,
  type ObjectLister,
} from './endpointsView.ts';
export type { EvictionDecision } from './eviction.ts';
export * from './networkPolicy.ts';
