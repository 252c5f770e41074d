import type { ConnectionEvent, EndpointCounters } from '@l4lab/protocol';
import { RATE_WINDOW_MS } from '../store/trafficSlice.ts';
import type { GraphNode } from './graphNodes.ts';
import { frontendId, type GraphFrontend, type GraphService } from './graphServices.ts';

export type Lane = 'client' | 'frontend' | 'service' | 'pod';

export interface TrafficEdge {
  id: string;
  fromLane: Lane;
  from: string;
  toLane: Lane;
  to: string;
  /**
   * plain; lb (LB -> node hop); alias (ExternalName CNAME); endpoint / unready (Service -> pod);
   * direct (client -> pod through DNS alone: a headless Service).
   */
  style: 'plain' | 'lb' | 'alias' | 'endpoint' | 'unready' | 'direct';
  /** Text drawn beside the line, at its pod end. */
  label?: string;
  /** Connections per second lately. */
  rate: number;
  /** Lines of the hover card. */
  tip: string[];
}

export interface GraphClient {
  id: string;
  ip: string;
  /** `ns/name` when the client is a pod. */
  pod: string | undefined;
  label: string;
}

/** A Service box shows the endpoints its latest PICKS connections got, within PICKS_MS. */
const PICKS = 9;
const PICKS_MS = 10_000;

/** Clients drop out of the graph this long after their last connection. */
export const CLIENT_TTL_MS = 20_000;

export const serviceOf = (e: ConnectionEvent) => `${e.service.namespace}/${e.service.name}`;

export function podOf(e: ConnectionEvent): string | undefined {
  if (!e.endpoint) return undefined;
  return e.endpoint.pod.includes('/')
    ? e.endpoint.pod
    : `${e.endpoint.namespace}/${e.endpoint.pod}`;
}

/** The frontend a connection entered through (for LoadBalancer: the LB IP, before the node hop). */
export const entryOf = (e: ConnectionEvent) =>
  frontendId(serviceOf(e), e.frontend.kind, e.frontend.ip, e.frontend.port, e.frontend.node);

export const clientOf = (e: ConnectionEvent) => e.client.pod ?? e.client.ip;

const fmt = (r: number) => (r < 10 ? r.toFixed(1) : Math.round(r).toString());

interface Input {
  counters: ReadonlyMap<string, EndpointCounters> | undefined;
  countersBefore: { t: number; counters: ReadonlyMap<string, EndpointCounters> } | undefined;
  recent: readonly ConnectionEvent[];
  now: number;
  /** The kernel dataplane: `active` counts conntrack entries (a closed TCP one lingers 1 s). */
  kernel?: boolean | undefined;
}

/** Per `service->pod`: connections per second from the cumulative counters. */
function counterRates(input: Input): Map<string, number> | undefined {
  const { counters, countersBefore } = input;
  if (!counters || !countersBefore) return undefined;
  const dt = (input.now - countersBefore.t) / 1000;
  const rates = new Map<string, number>();
  if (dt < 0.3) return rates;
  for (const [key, c] of counters) {
    if (!c.endpoint) continue;
    const before = countersBefore.counters.get(key)?.connections ?? 0;
    const id = `${c.service.replace(/:[^:/]*$/, '')}->${c.endpoint}`;
    rates.set(id, (rates.get(id) ?? 0) + Math.max(0, c.connections - before) / dt);
  }
  return rates;
}

export function buildTraffic(
  input: Input,
  visible: (ns: string) => boolean,
  services: GraphService[],
  frontends: GraphFrontend[],
  nodes: GraphNode[],
  staticEdges: TrafficEdge[],
) {
  const known = new Set(frontends.map((f) => f.id));
  const serviceIds = new Set(services.map((s) => s.id));
  const clients = new Map<string, GraphClient>();
  const count = new Map<string, number>();
  const bad = new Map<string, { refused: number; dropped: number }>();
  const bump = (k: string) => count.set(k, (count.get(k) ?? 0) + 1);
  let windowEvents = 0;
  for (const e of input.recent) {
    const t = e.startedAt;
    if (t > input.now || input.now - t > CLIENT_TTL_MS) continue;
    if (!visible(e.service.namespace) || !serviceIds.has(serviceOf(e))) continue;
    const id = clientOf(e);
    const entry = entryOf(e);
    if (!known.has(entry)) continue;
    clients.set(id, { id, ip: e.client.ip, pod: e.client.pod, label: e.client.pod ?? e.client.ip });
    const link = `${id}->${entry}`;
    if (!count.has(link)) count.set(link, 0);
    // One count per connection: its first event (open; a refusal or drop has no open before it).
    const first = e.outcome === 'open' || e.outcome === 'refused' || e.outcome === 'dropped';
    if (!first || input.now - t > RATE_WINDOW_MS) continue;
    windowEvents++;
    bump(link);
    bump(`${entry}->svc`);
    const pod = podOf(e);
    if (pod) bump(`${serviceOf(e)}->${pod}`);
    if (e.outcome === 'refused' || e.outcome === 'dropped') {
      const b = bad.get(entry) ?? { refused: 0, dropped: 0 };
      b[e.outcome]++;
      bad.set(entry, b);
    }
  }
  // The endpoint each Service's latest connections got, from their reasons (`round robin 2 of 3`).
  const picks = new Map<string, number[]>();
  for (let i = input.recent.length - 1; i >= 0; i--) {
    const e = input.recent[i]!;
    if (e.startedAt > input.now) continue;
    if (input.now - e.startedAt > PICKS_MS) break;
    if (e.outcome !== 'open' || !e.endpoint) continue;
    const list = picks.get(serviceOf(e)) ?? [];
    const m = / (\d+) of \d+/.exec(e.reason);
    if (m && list.length < PICKS) list.unshift(Number(m[1]));
    picks.set(serviceOf(e), list);
  }
  for (const s of services) s.picks = picks.get(s.id) ?? [];
  const fromCounters = counterRates(input);
  let counted = 0;
  // Only the Services shown: events are counted for them alone (one namespace, one focus).
  if (fromCounters)
    for (const [id, r] of fromCounters) if (serviceIds.has(id.split('->')[0]!)) counted += r;
  const seen = windowEvents / (RATE_WINDOW_MS / 1000);
  // The server sends individual events up to a cap and counts the rest: scale to the counters.
  const scale = fromCounters && seen > 0 ? Math.max(1, counted / seen) : 1;
  const eventRate = (k: string) => ((count.get(k) ?? 0) * scale) / (RATE_WINDOW_MS / 1000);

  const edges: TrafficEdge[] = [];
  for (const k of count.keys()) {
    const [from, to] = k.split('->') as [string, string];
    if (!clients.has(from)) continue;
    const rate = eventRate(k);
    edges.push({
      id: k,
      fromLane: 'client',
      from,
      toLane: 'frontend',
      to,
      style: 'plain',
      rate,
      tip: [`${from} → ${to.split('|').slice(1).join(' ')}`, `${fmt(rate)} conn/s`],
    });
  }
  const podRate = new Map<string, number>();
  const rateOf = (e: TrafficEdge) => {
    if (e.toLane === 'pod') {
      const r = fromCounters ? (fromCounters.get(e.id) ?? 0) : eventRate(e.id);
      podRate.set(e.to, (podRate.get(e.to) ?? 0) + r);
      return r;
    }
    return e.fromLane === 'frontend' && e.toLane === 'service' ? eventRate(`${e.from}->svc`) : 0;
  };
  const withRates = (list: TrafficEdge[]) =>
    list.map((e) => {
      const rate = rateOf(e);
      const b = bad.get(e.from);
      const tip = [`${e.from.replace(/\|/g, ' ')} → ${e.to}`, `${fmt(rate)} conn/s`];
      if (e.toLane === 'pod' && input.counters) {
        let total = 0;
        let active = 0;
        for (const c of input.counters.values()) {
          if (c.endpoint === e.to && c.service.startsWith(`${e.from}:`)) {
            total += c.connections;
            active += c.active;
          }
        }
        tip.push(
          `${total} connections in all · ${active} ${input.kernel ? 'in conntrack' : 'open now'}`,
        );
      }
      if (e.style === 'unready') tip.push('endpoint not ready: out of rotation');
      if (b) tip.push(`last 2 s: ${b.refused} refused · ${b.dropped} dropped`);
      if (e.style === 'alias')
        tip.splice(0, 2, `${e.from} is a CNAME for ${e.to}`, 'resolved by DNS; no proxy hop');
      if (e.style === 'lb')
        tip.splice(1, 1, 'the load balancer picks a node, then the node proxies');
      return { ...e, rate, tip };
    });
  const staticWithRates = withRates(staticEdges);
  const podTotal = new Map<string, number>();
  for (const c of input.counters?.values() ?? []) {
    if (c.endpoint) podTotal.set(c.endpoint, (podTotal.get(c.endpoint) ?? 0) + c.connections);
  }
  for (const n of nodes) {
    for (const p of n.pods) {
      p.rate = podRate.get(p.id) ?? 0;
      p.connections = podTotal.get(p.id) ?? 0;
    }
  }
  return {
    clients: [...clients.values()].sort((a, b) =>
      a.label.localeCompare(b.label, undefined, { numeric: true }),
    ),
    edges: [...staticWithRates, ...edges],
  };
}
