export * from './types.ts';
export { eligibleEndpoints, pickRandom, type Pick } from './endpointSelection.ts';
export { servicePorts, endpointsFromSlices, PROXY_MODE_ANNOTATION } from './serviceState.ts';
export { ConnectionStats } from './stats.ts';
export {
  UserspaceProxier,
  type UserspaceProxierOptions,
  type ProxierLogger,
} from './userspaceProxier.ts';
