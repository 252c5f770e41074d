// A real cluster's conntrack events, each tagged with the node whose agent read it, joined with
// the watched objects into the lab's ConnectionEvents. The node's kernel made the choice (by
// kube-proxy's rules in iptables, nftables or IPVS mode); this says which rule made it, in the
// words the lab's own join uses (route() and pickAt() are called, not copied), and no more than
// the conntrack entry shows: the orig tuple is the client and the frontend it addressed, the
// reply tuple's source the endpoint (DNAT, or IPVS with conntrack=1), its destination the
// address the endpoint answered (the client's, or the node's after SNAT).
//
// Only the node that translated a flow reports it: the endpoint's node, when it is another, sees
// a connection to a pod IP (no frontend), which is ignored like any pod-to-pod flow.
import type { ConnectionEvent } from '@l4lab/protocol';
import {
  categorizeEndpoints,
  closeOf,
  endedEvent,
  endpointLeft,
  frontendOf,
  lingerOf,
  payloadBytes,
  route,
  type ConntrackEvent,
  type EndpointInfo,
  type FrontendSpec,
  type JoinStats,
  type LingerMs,
  type Route,
  type RulesSnapshot,
  type ServicePortInfo,
} from '@l4lab/dataplane';
import { AffinityReplay } from './affinityReplay.ts';
import { choiceReason } from './choiceReason.ts';
import { ClusterView } from './clusterView.ts';
import { eventEndpoint, newEvent, podEndpoint, stubNode } from './eventParts.ts';
import { modeName, UNKNOWN_MODE, type NodeProxyMode } from './nodeProxyMode.ts';

export interface ClusterJoinOptions {
  emit: (e: ConnectionEvent) => void;
  /** The watched objects; a fresh ClusterView (`joiner.objects`) when left out. */
  objects?: ClusterView;
  /** TCP timestamps on the nodes (Linux's default): 12 more header bytes a packet. */
  tcpTimestamps?: boolean;
  /** conntrack's TIME_WAIT and CLOSE timeouts on the nodes (kernel defaults: 120 s, 10 s). */
  lingerMs?: Partial<LingerMs>;
  /** At most this many connections per node waiting for their DESTROY (the oldest are ended). */
  maxOpen?: number;
}

/** The lab's join counters, per node, and the events the node's kernel dropped. */
export interface ClusterJoinStats extends JoinStats {
  /** Events lost before the agent read them (conntrack's ENOBUFS), as the agent counted them. */
  lost: number;
}

interface OpenConnection {
  event: ConnectionEvent;
  affinity?: { key: string; endpoint: string };
}

interface NodeState {
  /** Makes event ids unique across nodes (conntrack ids are per kernel). */
  tag: string;
  mode: NodeProxyMode;
  /** The node's own TIME_WAIT and CLOSE timeouts (its agent's hello), else the joiner's. */
  linger: LingerMs;
  stats: ClusterJoinStats;
  open: Map<number, OpenConnection>;
  /** Ids ended without their DESTROY: one that comes late after all is not a new connection. */
  endedUnseen: Set<number>;
}

const emptyStats = (): ClusterJoinStats => ({
  opened: 0,
  ignored: 0,
  untranslated: 0,
  missedStarts: 0,
  missedEnds: 0,
  lost: 0,
});

export class ClusterJoiner {
  readonly objects: ClusterView;
  readonly #emit: (e: ConnectionEvent) => void;
  readonly #tcpTimestamps: boolean;
  readonly #linger: LingerMs;
  readonly #maxOpen: number;
  readonly #nodes = new Map<string, NodeState>();
  readonly #affinity: AffinityReplay;

  constructor(opts: ClusterJoinOptions) {
    this.objects = opts.objects ?? new ClusterView();
    this.#emit = opts.emit;
    this.#tcpTimestamps = opts.tcpTimestamps ?? true;
    this.#linger = { TIME_WAIT: 120_000, CLOSE: 10_000, ...opts.lingerMs };
    this.#maxOpen = opts.maxOpen ?? 100_000;
    this.#affinity = new AffinityReplay(this.#maxOpen);
  }

  /** kube-proxy's mode on `node` (until it is set: unknown). */
  setProxyMode(node: string, mode: NodeProxyMode): void {
    this.#node(node).mode = mode;
  }

  /**
   * `node`'s conntrack TIME_WAIT and CLOSE timeouts (its agent's hello): how long before its
   * DESTROY a connection there closed. A timeout left out keeps the joiner's (`lingerMs`).
   */
  setLinger(node: string, lingerMs: Partial<LingerMs>): void {
    this.#node(node).linger = { ...this.#linger, ...lingerMs };
  }

  /** One event read by `node`'s agent. */
  conntrack(node: string, e: ConntrackEvent): void {
    const ns = this.#node(node);
    if (e.type === 'NEW') this.#opened(ns, node, e);
    else this.#destroyed(ns, node, e);
  }

  /** `node`'s agent lost `events` (ENOBUFS): counted per node, shown beside its connections. */
  lost(node: string, events: number): void {
    this.#node(node).stats.lost += events;
  }

  /**
   * Ends, as not seen, each connection of `node` opened before `openedBefore` that its conntrack
   * no longer has (`alive`: the ids a table dump listed; empty when the agent is gone).
   */
  endLost(node: string, alive: ReadonlySet<number>, openedBefore: number, at: number): number {
    const ns = this.#node(node);
    let n = 0;
    for (const [id, open] of ns.open) {
      if (open.event.startedAt >= openedBefore || alive.has(id)) continue;
      this.#endUnseen(ns, id, open, at, 'end not seen (conntrack events lost)');
      n++;
    }
    return n;
  }

  /** Counters of one node (zeros for a node not heard from). */
  nodeStats(node: string): ClusterJoinStats {
    return { ...(this.#nodes.get(node)?.stats ?? emptyStats()) };
  }

  /** Counters of every node heard from, and their sum. */
  stats(): { total: ClusterJoinStats; byNode: Map<string, ClusterJoinStats> } {
    const total = emptyStats();
    const byNode = new Map<string, ClusterJoinStats>();
    for (const [name, ns] of this.#nodes) {
      byNode.set(name, { ...ns.stats });
      for (const k of Object.keys(total) as (keyof ClusterJoinStats)[]) total[k] += ns.stats[k];
    }
    return { total, byNode };
  }

  /** Connections opened and not yet destroyed, on every node. */
  get openCount(): number {
    let n = 0;
    for (const ns of this.#nodes.values()) n += ns.open.size;
    return n;
  }

  #node(name: string): NodeState {
    let ns = this.#nodes.get(name);
    if (!ns) {
      ns = {
        tag: `n${this.#nodes.size.toString(36)}`,
        mode: UNKNOWN_MODE,
        linger: this.#linger,
        stats: emptyStats(),
        open: new Map(),
        endedUnseen: new Set(),
      };
      this.#nodes.set(name, ns);
    }
    return ns;
  }

  #opened(ns: NodeState, node: string, e: ConntrackEvent): void {
    const rules = this.objects.snapshot();
    const target = this.#frontend(ns, node, e, rules, true);
    if (!target) return;
    const open = this.#openConnection(ns, node, e, target, rules, true);
    if (ns.open.size >= this.#maxOpen) {
      const [oldest, first] = ns.open.entries().next().value!;
      this.#endUnseen(ns, oldest, first, e.at, `end not tracked (over ${this.#maxOpen} open)`);
    }
    ns.open.set(e.id, open);
    this.#emit(open.event);
  }

  #destroyed(ns: NodeState, node: string, e: ConntrackEvent): void {
    const rules = this.objects.snapshot();
    let open = ns.open.get(e.id);
    if (open) ns.open.delete(e.id);
    else if (ns.endedUnseen.delete(e.id)) return;
    else {
      // Flows ignored at their NEW are not counted again at their DESTROY.
      const target = this.#frontend(ns, node, e, rules, false);
      if (!target) return;
      ns.stats.missedStarts++;
      // Counted as a connection all the same (the dashboard counts opens), said so in the reason.
      open = this.#openConnection(ns, node, e, target, rules, false);
      open.event.reason += '; start not seen (conntrack events lost)';
      this.#emit(open.event);
    }
    if (open.affinity) this.#affinity.ended(open.affinity.key, open.affinity.endpoint);
    const { event } = open;
    const close = closeOf(
      e,
      `${e.reply.src}:${e.reply.sport}`,
      e.byUserspace && endpointLeft(e, rules),
    );
    // An entry that expired in TIME_WAIT (or CLOSE) closed that long before its DESTROY.
    const endedAt = Math.max(event.startedAt, e.at - lingerOf(e, ns.linger));
    this.#emit(
      endedEvent(
        event,
        close.outcome,
        close.note ? `${event.reason}; ${close.note}` : event.reason,
        endedAt,
        payloadBytes(e.orig, e.protocol, this.#tcpTimestamps),
        payloadBytes(e.reply, e.protocol, this.#tcpTimestamps),
      ),
    );
  }

  #endUnseen(ns: NodeState, id: number, open: OpenConnection, at: number, why: string): void {
    ns.open.delete(id);
    ns.stats.missedEnds++;
    ns.endedUnseen.add(id);
    if (ns.endedUnseen.size > this.#maxOpen)
      ns.endedUnseen.delete(ns.endedUnseen.values().next().value!);
    if (open.affinity) this.#affinity.ended(open.affinity.key, open.affinity.endpoint);
    const ev = open.event;
    this.#emit(endedEvent(ev, 'ok', `${ev.reason}; ${why}`, Math.max(at, ev.startedAt), 0, 0));
  }

  /**
   * The Service frontend this node translated the flow for; undefined for any other flow
   * (counted at its NEW): no frontend (pod to pod, DNS to a pod, the endpoint's node's half of a
   * connection another node translated), another node's NodePort (that node translates it), or
   * not translated at all.
   */
  #frontend(
    ns: NodeState,
    node: string,
    e: ConntrackEvent,
    rules: RulesSnapshot,
    count: boolean,
  ): { spec: FrontendSpec; svc: ServicePortInfo } | undefined {
    const spec = frontendOf(rules, e.protocol, e.orig.dst, e.orig.dport);
    const svc = spec && rules.routing.serviceMap.get(spec.spn);
    if (!spec || !svc || (spec.kind === 'NodePort' && spec.node !== node)) {
      if (count) ns.stats.ignored++;
      return undefined;
    }
    if (e.reply.src === e.orig.dst && e.reply.sport === e.orig.dport) {
      if (count) ns.stats.untranslated++;
      return undefined;
    }
    return { spec, svc };
  }

  #openConnection(
    ns: NodeState,
    node: string,
    e: ConntrackEvent,
    { spec, svc }: { spec: FrontendSpec; svc: ServicePortInfo },
    rules: RulesSnapshot,
    isNew: boolean,
  ): OpenConnection {
    const st = rules.routing;
    const clientIP = e.orig.src;
    const external = spec.kind !== 'ClusterIP';
    const event = newEvent(`${e.at.toString(36)}-c${e.id.toString(36)}-${ns.tag}`, e, spec, svc);
    event.mode = modeName(ns.mode);
    event.client.pod = st.podsByIP.get(clientIP)?.name;
    // A LoadBalancer or external IP enters the cluster at the node that translated it.
    if (external && spec.kind !== 'NodePort') event.frontend.node = node;
    // Masquerade / SNAT: the endpoint answered an address other than the client's.
    const snatIP = e.reply.dst !== clientIP ? e.reply.dst : undefined;
    if (snatIP) event.client.snatIP = snatIP;
    const all = st.endpointsMap.get(svc.name) ?? [];
    const ep = all.find((x) => x.ip === e.reply.src && x.port === e.reply.sport);
    event.endpoint = ep ? eventEndpoint(ep) : podEndpoint(rules, e.reply);
    ns.stats.opened++;

    const clientNode = st.podsByIP.get(clientIP)?.node ?? this.objects.nodeOfAddress(clientIP);
    const entry = st.nodes.find((n) => n.name === node) ?? stubNode(node);
    // The address the node masqueraded to (its InternalIP, or its CNI bridge's on the way to a
    // local pod): the one route() names for externalTrafficPolicy Cluster.
    let r = route({
      svc,
      endpoints: all,
      frontend: spec.kind,
      node: snatIP ? { ...entry, ip: snatIP } : entry,
      // The node's kube-proxy decided: its zone for topology hints, as for a Local policy.
      clientNode: node,
      clientZone: entry.zone,
    });
    r = shortCut(r, svc, all, ep, external && clientNode === node, node);
    let policy = r.action === 'forward' ? r.policy : '';
    if (r.action === 'forward' && r.snatIP && !snatIP)
      policy = 'externalTrafficPolicy Cluster (no SNAT seen: client IP kept)';
    const where = `${e.reply.src}:${e.reply.sport}`;
    let choice = choiceReason(r, {
      mode: ns.mode,
      node,
      where,
      endpoint: ep,
      clientIP,
      frontendIP: spec.ip,
    });
    let affinity: OpenConnection['affinity'];
    if (svc.affinityTimeoutSeconds > 0 && isNew && ep && r.action === 'forward') {
      const ipvs = ns.mode.kind === 'ipvs';
      affinity = { key: `${node}|${ipvs ? spec.key : svc.name}|${clientIP}`, endpoint: where };
      const eligible = new Set(r.eligible.map((x) => `${x.ip}:${x.port}`));
      choice = this.#affinity.opened({
        ...affinity,
        now: e.at,
        timeoutSeconds: svc.affinityTimeoutSeconds,
        heldByOpen: ipvs,
        eligible: (k) => eligible.has(k),
        choice,
      });
    }
    const snat =
      snatIP && (r.action !== 'forward' || r.snatIP !== snatIP)
        ? `SNAT to ${snatIP}${ep?.ip === clientIP ? ' (hairpin)' : ''}`
        : '';
    // A client outside the cluster reached this node through the load balancer (pods and nodes
    // reach a LoadBalancer IP through their own node's rules).
    const lb = spec.kind === 'LoadBalancer' && clientNode === undefined ? `LB -> ${node}` : '';
    event.reason = [lb, choice, policy, snat].filter(Boolean).join('; ');
    return affinity ? { event, affinity } : { event };
  }
}

/**
 * kube-proxy's short cut (iptables and nftables modes): with externalTrafficPolicy Local,
 * traffic from a pod of the node or from the node itself to an external frontend goes to every
 * endpoint ("pod traffic for ... external destinations"), as a ClusterIP would. Taken when the
 * kernel's choice says so: not a local endpoint, and one of the cluster's.
 */
function shortCut(
  r: Route,
  svc: ServicePortInfo,
  all: EndpointInfo[],
  ep: EndpointInfo | undefined,
  clientOnNode: boolean,
  node: string,
): Route {
  if (!clientOnNode || !ep || svc.externalTrafficPolicy !== 'Local') return r;
  if (r.action === 'forward' && r.eligible.includes(ep)) return r;
  const eligible = categorizeEndpoints(all).cluster;
  if (!eligible.includes(ep)) return r;
  return {
    action: 'forward',
    eligible,
    policy: `externalTrafficPolicy Local skipped: the client is on ${node} (kube-proxy sends its pods' and its own traffic to every endpoint)`,
  };
}
