export {
  kubernetesApi,
  isKubernetesPath,
  type KubernetesApiOptions,
  type RequestAttributes,
} from './kubernetesApi.ts';
export { KUBERNETES_MINOR, versionInfo } from './discovery.ts';
export { failure, type Status, type StatusReason } from './status.ts';
export type { Writer, Admission } from './writes.ts';
export { execUpgrade, execTarget, type PodStreams } from './podStreams.ts';
export { addressDialer, podDialer, type PodDialer } from './podDialer.ts';
export type { AddressDialer } from './proxy.ts';
