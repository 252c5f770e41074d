import type { EndpointCounters, TrafficStatus } from '@l4lab/protocol';
import type { GraphNode, GraphPod } from './graphNodes.ts';
import type { GraphService } from './graphServices.ts';
import type { GraphClient, TrafficEdge } from './graphTraffic.ts';

// What the generators' answers add to the graph: requests per second per pod, "N req/s over M
// connections" where kept-alive connections carry many requests (scenario 11), and traffic to a
// headless Service drawn straight from client to pod, which no proxy sees (scenario 07).

const fmt = (r: number) => (r < 10 ? r.toFixed(1) : Math.round(r).toString());

/** Requests count as riding kept-alive connections when they clearly outnumber new connections. */
export const ridesKeepAlive = (p: Pick<GraphPod, 'rate' | 'requestRate' | 'open'>) =>
  p.open > 0 && p.requestRate > 0.5 && p.requestRate > 1.5 * p.rate + 0.5;

/** Answers with no proxied connection behind them: the client reached the pod directly. */
export const reachedDirectly = (p: Pick<GraphPod, 'rate' | 'requestRate' | 'open'>) =>
  p.requestRate > 0.5 && p.open === 0 && p.rate === 0;

/** `db.default.svc.cluster.local:80`, `db:80` (from a pod of `ns`) -> `default/db`. */
function serviceOfTarget(target: string, fromNs: string): string | undefined {
  const host = target.replace(/:\d+$/, '');
  const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.cluster\.local)?)?\.?$/.exec(host);
  if (!m) return undefined;
  return `${m[2] ?? fromNs}/${m[1]}`;
}

export function addRequests(
  input: {
    generators?: readonly TrafficStatus[] | undefined;
    requestRates?: ReadonlyMap<string, ReadonlyMap<string, number>> | undefined;
    counters: ReadonlyMap<string, EndpointCounters> | undefined;
  },
  services: readonly GraphService[],
  nodes: GraphNode[],
  edges: TrafficEdge[],
): { clients: GraphClient[]; edges: TrafficEdge[] } {
  const pods = new Map<string, GraphPod>();
  const byId = new Map<string, GraphPod>();
  for (const n of nodes) {
    for (const p of n.pods) {
      if (!pods.has(p.name)) pods.set(p.name, p);
      byId.set(p.id, p);
    }
  }
  for (const c of input.counters?.values() ?? []) {
    const pod = byId.get(c.endpoint);
    if (pod) pod.open += c.active;
  }
  const headless = new Set(services.filter((s) => s.type === 'headless').map((s) => s.id));
  const clients: GraphClient[] = [];
  const direct: TrafficEdge[] = [];
  for (const g of input.generators ?? []) {
    const rates = input.requestRates?.get(g.id);
    if (!rates) continue;
    for (const [name, r] of rates) {
      const pod = pods.get(name);
      if (pod) pod.requestRate += r;
    }
    const fromPod = g.from.startsWith('pod:') ? g.from.slice(4) : undefined;
    const svc = serviceOfTarget(g.target, fromPod?.split('/')[0] ?? 'default');
    if (!svc || !headless.has(svc)) continue;
    const id = `direct:${g.id}`;
    clients.push({ id, ip: g.source ?? '', pod: fromPod, label: fromPod ?? 'external clients' });
    for (const [name, r] of rates) {
      const pod = pods.get(name);
      if (!pod) continue;
      direct.push({
        id: `${id}->${pod.id}`,
        fromLane: 'client',
        from: id,
        toLane: 'pod',
        to: pod.id,
        style: 'direct',
        rate: r,
        label: `DNS: no proxy · ${fmt(r)} req/s`,
        tip: [
          `${g.target} resolved by cluster DNS to the pods themselves`,
          `${fmt(r)} requests/s straight to ${pod.name}: no Service address, no kube-proxy`,
        ],
      });
    }
  }
  const labelled = edges.map((e) => {
    if (e.toLane !== 'pod' || e.style !== 'endpoint') return e;
    const pod = byId.get(e.to);
    if (!pod || !ridesKeepAlive(pod)) return e;
    const label = `${fmt(pod.requestRate)} req/s over ${pod.open} conn`;
    return { ...e, label, tip: [...e.tip, `${label}: kept-alive connections carry the requests`] };
  });
  return { clients, edges: [...labelled, ...direct] };
}
