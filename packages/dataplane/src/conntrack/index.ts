// The kernel dataplane's connection events: conntrack NEW / DESTROY and the trace of refused and
// dropped packets, joined with the rules in force (see conntrackEvents.ts).
export {
  ConntrackEventSource,
  type ConntrackEventSourceOptions,
  type ConntrackEventStats,
} from './conntrackEvents.ts';
export {
  ConntrackJoiner,
  NFTABLES_MODE,
  frontendOf,
  type JoinOptions,
  type JoinStats,
  type RulesSnapshot,
} from './join.ts';
export { LineProcess, type LineProcessOptions } from './lineProcess.ts';
// For a reader outside the lab (apps/agent, on a real node): the native reader and its lines.
export {
  nativeConntrackReader,
  nativeReaderArgs,
  parseNativeConntrackLine,
  type NativeReaderBuild,
  type NativeReaderSettings,
} from './nativeReader.ts';
export { payloadBytes } from './outcome.ts';
export {
  ENOBUFS_WARNING,
  parseConntrackLine,
  type ConntrackEvent,
  type ConntrackLine,
  type ConntrackTuple,
} from './parse.ts';
export {
  parseTraceLine,
  TraceReader,
  type TraceReaderOptions,
  type TraceVerdict,
} from './trace.ts';
export {
  DEFAULT_EVENTS_RATE_LIMIT,
  EVENTS_TABLE,
  eventsTableScript,
  parseUnreported,
  UnreportedDeltas,
  type UnreportedFlows,
} from './eventRateLimit.ts';
