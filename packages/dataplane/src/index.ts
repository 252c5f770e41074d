export * from './types.ts';
export { eligibleEndpoints, categorizeEndpoints } from './endpointSelection.ts';
export { EndpointChooser, pickAt, type ChooseRequest, type Choice } from './endpointChooser.ts';
export { endedEvent } from './connectionRouter.ts';
export { parseProxyMode, PROXY_MODES, IPVS_SCHEDULERS, type ProxyMode } from './proxyMode.ts';
export { maglevTable, maglevHash, MAGLEV_TABLE_SIZE } from './maglev.ts';
export { route, type Route } from './trafficPolicy.ts';
export { desiredFrontends, type FrontendSpec } from './frontends.ts';
export {
  servicePorts,
  endpointsFromSlices,
  nodeInfo,
  PROXY_MODE_ANNOTATION,
} from './serviceState.ts';
export { healthCheckBody } from './healthCheck.ts';
export { ConnectionStats } from './stats.ts';
export { defaultRelayProcesses, RelayPool } from './relay.ts';
export { FdReserve, openFilesLimit, type FdReserveOptions } from './fdReserve.ts';
export {
  UserspaceProxier,
  type UserspaceProxierOptions,
  type ProxierLogger,
} from './userspaceProxier.ts';
export { ServiceWatch, type ServiceWatchHooks } from './serviceWatch.ts';
export * from './nftables/index.ts';
export * from './conntrack/index.ts';
// What a join of another cluster's conntrack events (@l4lab/agent) words and measures the same way.
export { closeOf, lingerOf, type LingerMs } from './conntrack/outcome.ts';
export { endpointLeft } from './conntrack/rulesSnapshot.ts';
export {
  ProxierHealth,
  PROXY_HEALTHZ_PORT,
  listenProxierHealth,
  nodeEligible,
  type HealthzCounts,
  type ProxierSync,
} from './proxierHealth.ts';
export {
  PROXY_METRICS_PORT,
  kubeProxyMetricsText,
  listenKubeProxyMetrics,
} from './proxyMetrics.ts';
export { kubeProxyObjects, kubeProxyMode, isKubeProxyImage } from './kubeProxyAddon.ts';
