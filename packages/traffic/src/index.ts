export {
  TrafficGenerator,
  MAX_REQUESTS,
  MAX_DURATION_S,
  type GeneratorOptions,
  type GeneratorTarget,
} from './generator.ts';
export { TrafficManager, MAX_GENERATORS, type NameResolver } from './trafficManager.ts';
export { parseTarget, isIPv4, TargetError, type Target } from './target.ts';
export { LatencyWindow } from './latency.ts';
