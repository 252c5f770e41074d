export {
  TrafficGenerator,
  MAX_REQUESTS,
  MAX_DURATION_S,
  type GeneratorOptions,
  type GeneratorTarget,
} from './generator.ts';
export { TrafficManager, MAX_GENERATORS, type TrafficManagerOptions } from './trafficManager.ts';
export { parseTarget, isIPv4, TargetError, type Target } from './target.ts';
export { LatencyWindow } from './latency.ts';
export * from './exec/types.ts';
export {
  BuiltinExecutor,
  ExecError,
  podNetwork,
  type DnsTransportFactory,
} from './exec/builtinExecutor.ts';
export { runShell, COMMANDS, EXEC_TIMEOUT_MS, MAX_OUTPUT_BYTES } from './exec/shell.ts';
export { parseCommandLine, ShellSyntaxError } from './exec/parse.ts';
export {
  resolveName,
  candidateNames,
  podResolvConf,
  resolvConfText,
  hostsFile,
  type Resolution,
  type ResolvConf,
} from './exec/resolveName.ts';
export { podEnvironment } from './exec/podEnv.ts';
export { checkTrafficLimits } from './trafficLimits.ts';
export { RemoteTrafficManager, type RemoteTrafficManagerOptions } from './remoteTrafficManager.ts';
export {
  findReachableFrontend,
  INSIDE_ONLY_HINT,
  type ReachableFrontend,
  type WatchedObjectsSource,
} from './remoteFrontends.ts';
export {
  outcomeOf,
  type ClientConnection,
  type ClientConnectionListener,
} from './clientConnections.ts';
