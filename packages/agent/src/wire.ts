// The l4lab agent's stream (apps/agent): `GET /events` on each node's agent, reached through the
// API server's proxy (`/api/v1/namespaces/l4lab-system/pods/<pod>:9641/proxy/events`) with the
// shared token in `X-L4lab-Agent-Token`. `application/x-ndjson`: one JSON object per line, `hello`
// first, then conntrack events as the node's kernel reported them (parse.ts's ConntrackEvent, as
// is), losses, kube-proxy's mode when it changes and counters every 5 s. The server reads it with
// AgentStreamDecoder; every line is checked by a guard, never cast.
import type { ConntrackEvent, ConntrackTuple } from '@l4lab/dataplane';
import { parseNodeProxyMode, type NodeProxyMode } from './join/nodeProxyMode.ts';

/** Bumped when a message changes shape; the server refuses a hello of another version. */
export const AGENT_WIRE_VERSION = 1;
export const AGENT_NAMESPACE = 'l4lab-system';
export const AGENT_PORT = 9641;
export const AGENT_TOKEN_HEADER = 'X-L4lab-Agent-Token';
export const AGENT_EVENTS_CONTENT_TYPE = 'application/x-ndjson';
/** A line longer than this is not the agent's (an event line is ~400 bytes). */
export const AGENT_MAX_LINE_BYTES = 64 * 1024;

/** What kube-proxy's `/proxyMode` answered on the node; `unknown` comes with the reason. */
export type KubeProxyModeName = 'iptables' | 'nftables' | 'ipvs' | 'unknown';

/** The node's conntrack settings as the agent read them (null: not readable there). */
export interface AgentConntrackSettings {
  /** nf_conntrack_acct: on, DESTROYs carry packets and bytes; off, bytes are not known. */
  acct: boolean | null;
  /** nf_conntrack_tcp_timeout_time_wait and _close (s): how long a closed entry lingers. */
  timeWaitSeconds: number | null;
  closeSeconds: number | null;
}

export interface AgentHello {
  type: 'hello';
  version: number;
  node: string;
  agentVersion: string;
  kubeProxyMode: KubeProxyModeName;
  /** Why the mode is `unknown` (kube-proxy unreachable, another answer). */
  kubeProxyModeReason?: string;
  conntrack: AgentConntrackSettings;
  /** native/ctevents.c, or `conntrack -E` where it could not be built. */
  reader: 'native' | 'cli';
}

export interface AgentConntrack {
  type: 'conntrack';
  event: ConntrackEvent;
}

/**
 * Events this client will not see. `enobufs`: the kernel dropped events the reader did not
 * take in time (count = times it said so; how many events each time, the kernel does not say);
 * `reader_restart`: the reader exited and runs again (what came meanwhile is lost; count 1);
 * `slow_client`: this stream's queue was full (count = events dropped for this client only).
 */
export interface AgentLost {
  type: 'lost';
  count: number;
  cause: AgentLossCause;
}
export type AgentLossCause = 'enobufs' | 'reader_restart' | 'slow_client';
const LOSS_CAUSES: readonly string[] = ['enobufs', 'reader_restart', 'slow_client'];

export interface AgentStats {
  type: 'stats';
  /** conntrack events read since the agent started. */
  events: number;
  /** ENOBUFS reports and reader restarts since the agent started. */
  lost: number;
  /** Streams open now. */
  clients: number;
  /** Events dropped for this client so far (its queue was full). */
  dropped: number;
}

/** kube-proxy's mode changed (read again every 60 s). */
export interface AgentMode {
  type: 'mode';
  kubeProxyMode: KubeProxyModeName;
  kubeProxyModeReason?: string;
}

export type AgentMessage = AgentHello | AgentConntrack | AgentLost | AgentStats | AgentMode;

/** One line of the stream, newline included. */
export function encodeAgentMessage(m: AgentMessage): string {
  return `${JSON.stringify(m)}\n`;
}

export type AgentLineResult = { ok: true; message: AgentMessage } | { ok: false; error: string };

/** One line (without its newline) checked against the messages above. */
export function parseAgentLine(line: string): AgentLineResult {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, error: `not JSON: ${line.slice(0, 80)}` };
  }
  if (!isObject(v)) return { ok: false, error: 'not a JSON object' };
  switch (v.type) {
    case 'hello':
      return hello(v);
    case 'conntrack': {
      const { event } = v;
      return isConntrackEvent(event)
        ? { ok: true, message: { type: 'conntrack', event } }
        : { ok: false, error: 'conntrack: event' };
    }
    case 'lost': {
      const { count, cause } = v;
      if (!isCount(count) || !isLossCause(cause))
        return { ok: false, error: 'lost: count and cause' };
      return { ok: true, message: { type: 'lost', count, cause } };
    }
    case 'stats': {
      const { events, lost, clients, dropped } = v;
      if (!isCount(events) || !isCount(lost) || !isCount(clients) || !isCount(dropped))
        return { ok: false, error: 'stats: counters' };
      return { ok: true, message: { type: 'stats', events, lost, clients, dropped } };
    }
    case 'mode': {
      const mode = modeOf(v);
      return mode ? { ok: true, message: { type: 'mode', ...mode } } : { ok: false, error: 'mode' };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(v.type)}` };
  }
}

function hello(v: Record<string, unknown>): AgentLineResult {
  const { version, node, agentVersion, conntrack, reader } = v;
  const bad = (what: string): AgentLineResult => ({ ok: false, error: `hello: ${what}` });
  if (version !== AGENT_WIRE_VERSION)
    return bad(`wire version ${String(version)}, this server reads ${AGENT_WIRE_VERSION}`);
  if (!isString(node) || !isString(agentVersion)) return bad('node and agentVersion');
  const mode = modeOf(v);
  if (!mode) return bad('kubeProxyMode');
  if (!isConntrackSettings(conntrack)) return bad('conntrack');
  if (reader !== 'native' && reader !== 'cli') return bad('reader');
  const { acct, timeWaitSeconds, closeSeconds } = conntrack;
  return {
    ok: true,
    message: {
      type: 'hello',
      version,
      node,
      agentVersion,
      ...mode,
      conntrack: { acct, timeWaitSeconds, closeSeconds },
      reader,
    },
  };
}

/** `kubeProxyMode` and, when there is one, `kubeProxyModeReason`. */
function modeOf(
  v: Record<string, unknown>,
): Pick<AgentMode, 'kubeProxyMode' | 'kubeProxyModeReason'> | undefined {
  const { kubeProxyMode, kubeProxyModeReason } = v;
  if (!isModeName(kubeProxyMode)) return undefined;
  if (kubeProxyModeReason === undefined) return { kubeProxyMode };
  return isString(kubeProxyModeReason) ? { kubeProxyMode, kubeProxyModeReason } : undefined;
}

/**
 * The stream cut into messages as its chunks come (a line may span chunks). A line that is not
 * a message goes to `onError` and the stream goes on; one over AGENT_MAX_LINE_BYTES is dropped.
 */
export class AgentStreamDecoder {
  #rest = '';
  #skipping = false;

  constructor(
    readonly onMessage: (m: AgentMessage) => void,
    readonly onError: (error: string) => void,
  ) {}

  write(chunk: string): void {
    let text = this.#rest + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const line = text.slice(from, nl);
      from = nl + 1;
      if (this.#skipping) this.#skipping = false;
      else if (line.length > AGENT_MAX_LINE_BYTES) this.#tooLong();
      else if (line) this.#line(line);
    }
    text = text.slice(from);
    if (text.length > AGENT_MAX_LINE_BYTES) {
      if (!this.#skipping) this.#tooLong();
      this.#skipping = true;
      text = '';
    }
    this.#rest = text;
  }

  #tooLong(): void {
    this.onError(`a line over ${AGENT_MAX_LINE_BYTES} bytes: dropped`);
  }

  #line(line: string): void {
    const r = parseAgentLine(line);
    if (r.ok) this.onMessage(r.message);
    else this.onError(r.error);
  }
}

/** The hello's or a mode line's mode as the join reads it (IPVS's scheduler: `ipvsScheduler`). */
export function nodeProxyModeOf(
  m: Pick<AgentHello, 'kubeProxyMode'>,
  ipvsScheduler = '',
): NodeProxyMode {
  return parseNodeProxyMode(m.kubeProxyMode, ipvsScheduler);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isString = (v: unknown): v is string => typeof v === 'string';
const optString = (v: unknown) => v === undefined || isString(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isModeName = (v: unknown): v is KubeProxyModeName =>
  v === 'iptables' || v === 'nftables' || v === 'ipvs' || v === 'unknown';
const isLossCause = (v: unknown): v is AgentLossCause =>
  typeof v === 'string' && LOSS_CAUSES.includes(v);
const countOrNull = (v: unknown): v is number | null => v === null || isCount(v);

function isConntrackSettings(v: unknown): v is AgentConntrackSettings {
  return (
    isObject(v) &&
    (v.acct === null || typeof v.acct === 'boolean') &&
    countOrNull(v.timeWaitSeconds) &&
    countOrNull(v.closeSeconds)
  );
}

function isTuple(v: unknown): v is ConntrackTuple {
  return (
    isObject(v) &&
    isString(v.src) &&
    isString(v.dst) &&
    isCount(v.sport) &&
    isCount(v.dport) &&
    (v.packets === undefined || isCount(v.packets)) &&
    (v.bytes === undefined || isCount(v.bytes))
  );
}

export function isConntrackEvent(v: unknown): v is ConntrackEvent {
  return (
    isObject(v) &&
    (v.type === 'NEW' || v.type === 'DESTROY') &&
    isCount(v.at) &&
    isCount(v.id) &&
    (v.protocol === 'TCP' || v.protocol === 'UDP') &&
    optString(v.state) &&
    (v.timeout === undefined || isCount(v.timeout)) &&
    isTuple(v.orig) &&
    isTuple(v.reply) &&
    typeof v.assured === 'boolean' &&
    typeof v.unreplied === 'boolean' &&
    typeof v.byUserspace === 'boolean'
  );
}
