export * from './types.ts';
export { Kubelet, type KubeletOptions, type KubeletLogger } from './kubelet.ts';
export { NginxRuntime, findNginx } from './nginxRuntime.ts';
export { BuiltinRuntime } from './builtinRuntime.ts';
export { chooseRuntime, RuntimeUnavailableError, type RuntimeChoice } from './chooseRuntime.ts';
export { detectAddressMode, freePort } from './hostAddress.ts';
export { tcpProbe, httpProbe } from './probe.ts';
export { podPage } from './page.ts';
