// conntrack's NEW and DESTROY events (and the trace's refused / dropped packets) joined with the
// rules in force into the lab's ConnectionEvents. The kernel made the choice; this says which
// rule made it, in the words the userspace proxier uses for the same decision (route() of
// trafficPolicy.ts and pickAt() of endpointChooser.ts are called, not copied).
import type { ConnectionEvent } from '@l4lab/protocol';
import { endedEvent, type RoutingState } from '../connectionRouter.ts';
import { pickAt } from '../endpointChooser.ts';
import type { FrontendSpec } from '../frontends.ts';
import { parseProxyMode } from '../proxyMode.ts';
import { route, type Route } from '../trafficPolicy.ts';
import { EGRESS_DENIED, INGRESS_DENIED } from '../nftables/policyTable.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo, ServicePortName } from '../types.ts';
import type { UnreportedFlows } from './eventRateLimit.ts';
import { closeOf, lingerOf, payloadBytes, type LingerMs } from './outcome.ts';
import type { ConntrackEvent, ConntrackTuple } from './parse.ts';
import { refusal, refuses } from './refusal.ts';
import { endpointLeft, frontendOf, rulesThatNATed, type RulesSnapshot } from './rulesSnapshot.ts';
import type { TraceVerdict } from './trace.ts';

export { frontendOf, type RulesSnapshot } from './rulesSnapshot.ts';

/** The mode every event of this dataplane is served by: nftables has uniform random only. */
export const NFTABLES_MODE = 'nftables';

export interface JoinOptions {
  emit: (e: ConnectionEvent) => void;
  /** The cluster's default proxy mode (`--proxy-mode`), to say when nftables cannot serve it. */
  defaultProxyMode?: string;
  /** TCP timestamps on (net.ipv4.tcp_timestamps, Linux's default): 12 more header bytes a packet. */
  tcpTimestamps?: boolean;
  /** conntrack's TIME_WAIT and CLOSE timeouts in the namespace (kernel defaults: 120 s, 10 s). */
  lingerMs?: Partial<LingerMs>;
  /** At most this many connections waiting for their DESTROY (the oldest are forgotten). */
  maxOpen?: number;
}

export interface JoinStats {
  /** Events through a Service frontend, opened. */
  opened: number;
  /** Flows to no Service frontend (pod to pod, DNS to a pod, ...): not kube-proxy's. */
  ignored: number;
  /** Flows to a frontend that the rules in force did not translate (the Service is not in them yet). */
  untranslated: number;
  /** DESTROYs whose NEW was never seen (events lost, or the reader restarted). */
  missedStarts: number;
  /** Connections ended without their DESTROY: lost (see endLost), or over maxOpen. */
  missedEnds: number;
}

/**
 * Joins one reader's events: remembers each open connection's event until its DESTROY (by
 * conntrack id), and each client's ClientIP affinity per Service as the kernel's affinity set
 * does (refreshed by every new connection, forgotten after the Service's timeout).
 */
export class ConntrackJoiner {
  readonly #emit: (e: ConnectionEvent) => void;
  readonly #defaultMode: string | undefined;
  readonly #tcpTimestamps: boolean;
  readonly #linger: LingerMs;
  readonly #maxOpen: number;
  readonly #open = new Map<number, ConnectionEvent>();
  readonly #affinity = new Map<string, { key: string; expires: number }>(); // "spn|clientIP"
  /** By state of the rules (each sync makes a new one), then frontend: see #decision. */
  readonly #decisions = new WeakMap<RulesSnapshot, Map<FrontendSpec, Map<string, Decision>>>();
  #seq = 0;
  readonly stats: JoinStats = {
    opened: 0,
    ignored: 0,
    untranslated: 0,
    missedStarts: 0,
    missedEnds: 0,
  };
  /** Ids ended without their DESTROY: one that comes late after all is not a new connection. */
  readonly #endedUnseen = new Set<number>();

  constructor(opts: JoinOptions) {
    this.#emit = opts.emit;
    this.#defaultMode = opts.defaultProxyMode;
    this.#tcpTimestamps = opts.tcpTimestamps ?? true;
    this.#linger = { TIME_WAIT: 120_000, CLOSE: 10_000, ...opts.lingerMs };
    this.#maxOpen = opts.maxOpen ?? 100_000;
  }

  /** Connections opened and not yet destroyed. */
  get openCount(): number {
    return this.#open.size;
  }

  conntrack(e: ConntrackEvent, rules: RulesSnapshot): void {
    if (e.type === 'NEW') this.#opened(e, rules);
    else this.#destroyed(e, rules);
  }

  /**
   * The Service and endpoint of connections the kernel counted without events (over the events'
   * rate limit: eventRateLimit.ts): the objects the events through the same frontend to the same
   * endpoint carry, so ConnectionStats counts them in the same row. Undefined when the frontend
   * is no Service's in the rules in force.
   */
  counted(
    flows: UnreportedFlows,
    rules: RulesSnapshot,
  ): Pick<ConnectionEvent, 'service' | 'endpoint'> | undefined {
    const spec = frontendOf(rules, flows.protocol, flows.frontendIP, flows.frontendPort);
    if (!spec) return undefined;
    const reply = {
      src: flows.endpointIP,
      sport: flows.endpointPort,
      dst: '',
      dport: 0,
    };
    const d = this.#decision(spec, reply, rules, undefined, undefined, false);
    return { service: d.service, endpoint: d.endpoint };
  }

  /** A packet the rules refused (REJECT) or dropped: one final event, as the userspace proxier's. */
  verdict(v: TraceVerdict, inForce: RulesSnapshot): void {
    if (v.chain === EGRESS_DENIED || v.chain === INGRESS_DENIED) {
      this.#policyDenied(v, inForce);
      return;
    }
    const rules =
      inForce.writing && !refuses(v, inForce) && refuses(v, inForce.writing)
        ? inForce.writing
        : inForce;
    const spec = frontendOf(rules, v.protocol, v.dst, v.dport);
    if (!spec) {
      this.stats.ignored++;
      return;
    }
    const st = rules.routing;
    const svc = st.serviceMap.get(spec.spn);
    const service = serviceOf(spec, svc);
    const event = newEvent(
      `${v.at.toString(36)}-t${(++this.#seq).toString(36)}`,
      v.at,
      spec,
      service,
      {
        protocol: v.protocol,
        ip: v.src,
        port: v.sport,
        pod: st.podsByIP.get(v.src)?.name,
      },
    );
    event.outcome = v.verdict === 'reject' ? 'refused' : 'dropped';
    event.endedAt = v.at;
    event.durationMs = 0;
    event.reason = svc
      ? refusal(v, spec, svc, rules).reason
      : `no Service behind ${spec.ip}:${spec.port}`;
    this.#emit(event);
  }

  /**
   * A connection the pods' network dropped (its NetworkPolicy table's traced chains), after
   * kube-proxy's DNAT: the packet names the endpoint, not the frontend the client asked for. The
   * Service port is the one with that endpoint (its ClusterIP, the frontend pods use); a
   * connection straight to a pod is no Service's and is not drawn. An ingress drop comes after
   * kube-proxy's SNAT too: its source is what the pod would have seen (a node's, masqueraded).
   */
  #policyDenied(v: TraceVerdict, rules: RulesSnapshot): void {
    const st = rules.routing;
    let found: { spn: ServicePortName; ep: EndpointInfo } | undefined;
    for (const [spn, eps] of st.endpointsMap) {
      const ep = eps.find((x) => x.ip === v.dst && x.port === v.dport);
      if (ep && st.serviceMap.get(spn)?.protocol === v.protocol) {
        found = { spn, ep };
        break;
      }
    }
    const spec =
      found && rules.frontends.find((f) => f.spn === found.spn && f.kind === 'ClusterIP');
    if (!found || !spec) {
      this.stats.ignored++;
      return;
    }
    // kube-proxy's pick, worded as for any connection to that endpoint ("random 2 of 3").
    const reply = { src: v.dst, sport: v.dport, dst: v.src, dport: v.sport };
    const clientNode = st.podsByIP.get(v.src)?.node;
    const d = this.#decision(spec, reply, rules, undefined, clientNode, false);
    const event = newEvent(
      `${v.at.toString(36)}-t${(++this.#seq).toString(36)}`,
      v.at,
      spec,
      d.service,
      { protocol: v.protocol, ip: v.src, port: v.sport, pod: st.podsByIP.get(v.src)?.name },
    );
    event.endpoint = d.endpoint;
    event.outcome = 'dropped';
    event.endedAt = v.at;
    event.durationMs = 0;
    const direction = v.chain === INGRESS_DENIED ? 'ingress' : 'egress';
    const flow = { srcIP: v.src, dstIP: v.dst, port: v.dport, protocol: v.protocol };
    const why =
      st.policies?.denial?.(flow) ??
      (() => {
        const verdict = st.policies?.check(flow);
        return verdict && !verdict.allowed
          ? verdict.reason
          : `no ${direction} rule of its NetworkPolicies allows it`;
      })();
    event.reason = `${d.reason}; ${why}: dropped`;
    this.#emit(event);
  }

  #opened(e: ConntrackEvent, inForce: RulesSnapshot): void {
    const rules = rulesThatNATed(e, inForce);
    const spec = this.#frontend(e, rules);
    if (!spec) return;
    const event = this.#openEvent(e, spec, rules, true);
    // Dropped connections never get here (never confirmed): a policy that let this one in says so.
    this.#allowedBy(e, rules, event);
    if (this.#open.size >= this.#maxOpen) {
      const [oldest, open] = this.#open.entries().next().value!;
      this.#endUnseen(oldest, open, e.at, `end not tracked (over ${this.#maxOpen} open)`);
    }
    this.#open.set(e.id, event);
    this.#emit(event);
  }

  /**
   * Ends, as not seen, each connection opened before `openedBefore` that conntrack no longer
   * has (`alive`: the ids a table dump listed): its DESTROY was lost. Returns how many.
   */
  endLost(alive: ReadonlySet<number>, openedBefore: number, at: number): number {
    let n = 0;
    for (const [id, open] of this.#open) {
      if (open.startedAt >= openedBefore || alive.has(id)) continue;
      this.#endUnseen(id, open, at, 'end not seen (conntrack events lost)');
      n++;
    }
    return n;
  }

  #endUnseen(id: number, open: ConnectionEvent, at: number, why: string): void {
    this.#open.delete(id);
    this.stats.missedEnds++;
    this.#endedUnseen.add(id);
    if (this.#endedUnseen.size > this.#maxOpen)
      this.#endedUnseen.delete(this.#endedUnseen.values().next().value!);
    this.#emit(
      endedEvent(open, 'ok', `${open.reason}; ${why}`, Math.max(at, open.startedAt), 0, 0),
    );
  }

  /** The NetworkPolicy that let a connection conntrack saw open through, in its reason. */
  #allowedBy(e: ConntrackEvent, rules: RulesSnapshot, event: ConnectionEvent): void {
    const policies = rules.routing.policies;
    if (!policies || !event.endpoint) return;
    const verdict = policies.check({
      srcIP: e.orig.src,
      seenSrcIP: e.reply.dst !== e.orig.src ? e.reply.dst : undefined,
      dstIP: e.reply.src,
      port: e.reply.sport,
      protocol: e.protocol,
    });
    if (verdict.allowed && verdict.reason) event.reason = `${event.reason}; ${verdict.reason}`;
  }

  #destroyed(e: ConntrackEvent, rules: RulesSnapshot): void {
    let open = this.#open.get(e.id);
    if (open) this.#open.delete(e.id);
    else if (this.#endedUnseen.delete(e.id)) return;
    else {
      const chose = rulesThatNATed(e, rules);
      const spec = this.#frontend(e, chose);
      if (!spec) return;
      this.stats.missedStarts++;
      // Counted as a connection all the same (the dashboard counts opens), said so in the reason.
      open = this.#openEvent(e, spec, chose, false);
      open.reason += '; start not seen (conntrack events lost)';
      this.#emit(open);
    }
    const ep = `${e.reply.src}:${e.reply.sport}`;
    const close = closeOf(e, ep, e.byUserspace && endpointLeft(e, rules));
    // (A refused or unanswered SYN carries headers only: its payload comes out 0.)
    const endedAt = Math.max(open.startedAt, e.at - lingerOf(e, this.#linger));
    this.#emit(
      endedEvent(
        open,
        close.outcome,
        close.note ? `${open.reason}; ${close.note}` : open.reason,
        endedAt,
        payloadBytes(e.orig, e.protocol, this.#tcpTimestamps),
        payloadBytes(e.reply, e.protocol, this.#tcpTimestamps),
      ),
    );
  }

  /** The Service frontend of a DNATed flow; undefined (and counted) for any other flow. */
  #frontend(e: ConntrackEvent, rules: RulesSnapshot): FrontendSpec | undefined {
    const spec = frontendOf(rules, e.protocol, e.orig.dst, e.orig.dport);
    if (!spec) {
      this.stats.ignored++;
      return undefined;
    }
    if (e.reply.src === e.orig.dst && e.reply.sport === e.orig.dport) {
      this.stats.untranslated++;
      return undefined;
    }
    return spec;
  }

  #openEvent(
    e: ConntrackEvent,
    spec: FrontendSpec,
    rules: RulesSnapshot,
    isNew: boolean,
  ): ConnectionEvent {
    const st = rules.routing;
    const clientIP = e.orig.src;
    const clientPod = st.podsByIP.get(clientIP);
    // Masquerade / SNAT: the endpoint answered an address other than the client's.
    const snatIP = e.reply.dst !== clientIP ? e.reply.dst : undefined;
    const d = this.#decision(
      spec,
      e.reply,
      rules,
      snatIP,
      clientPod?.node,
      clientIP === e.reply.src,
    );
    const event = newEvent(`${e.at.toString(36)}-c${e.id.toString(36)}`, e.at, spec, d.service, {
      protocol: e.protocol,
      ip: clientIP,
      port: e.orig.sport,
      pod: clientPod?.name,
    });
    if (snatIP) event.client.snatIP = snatIP;
    event.endpoint = d.endpoint;
    if (d.lbNode) event.frontend.node = d.lbNode;
    event.reason = d.reason;
    if (!d.svc) return event;
    this.stats.opened++;
    if (d.svc.affinityTimeoutSeconds > 0 && isNew && d.ep && d.forward) {
      const key = `${d.ep.ip}:${d.ep.port}`;
      const choice = this.#affinityChoice(d.svc, clientIP, key, e.at, d.choice);
      event.reason = reasonOf(d.lbNode, choice, d.policy, d.snat);
    }
    return event;
  }

  /**
   * What the rules decided for every connection through `spec` answered by `reply`'s endpoint,
   * from one state of the rules (the same for each of them, but for affinity): worked out once,
   * its `service` and `endpoint` objects shared by those events (as the userspace router's are,
   * which lets ConnectionStats find their row by identity).
   */
  #decision(
    spec: FrontendSpec,
    reply: ConntrackTuple,
    rules: RulesSnapshot,
    snatIP: string | undefined,
    clientNode: string | undefined,
    hairpin: boolean,
  ): Decision {
    let bySpec = this.#decisions.get(rules);
    if (!bySpec) this.#decisions.set(rules, (bySpec = new Map()));
    let byKey = bySpec.get(spec);
    if (!byKey) bySpec.set(spec, (byKey = new Map()));
    const key = `${reply.src}:${reply.sport}|${snatIP ?? ''}|${clientNode ?? ''}|${hairpin}`;
    let d = byKey.get(key);
    if (!d) {
      if (byKey.size >= MAX_DECISIONS) byKey.clear();
      d = this.#decide(spec, reply, rules, snatIP, clientNode, hairpin);
      byKey.set(key, d);
    }
    return d;
  }

  #decide(
    spec: FrontendSpec,
    reply: ConntrackTuple,
    rules: RulesSnapshot,
    snatIP: string | undefined,
    clientNode: string | undefined,
    hairpin: boolean,
  ): Decision {
    const st = rules.routing;
    const svc = st.serviceMap.get(spec.spn);
    const all = svc ? (st.endpointsMap.get(svc.name) ?? []) : [];
    const ep = all.find((x) => x.ip === reply.src && x.port === reply.sport);
    const endpoint = ep ? eventEndpoint(ep) : podEndpoint(st, reply);
    if (!svc)
      return {
        service: serviceOf(spec, undefined),
        endpoint,
        forward: false,
        choice: '',
        policy: '',
        snat: '',
        reason: `no Service behind ${spec.ip}:${spec.port} in the rules' state (generation ${rules.generation})`,
      };
    const node = entryNode(spec, st, svc, ep?.nodeName, snatIP);
    const lbNode = spec.kind === 'LoadBalancer' && node ? node.name : undefined;
    const r = route({
      svc,
      endpoints: all,
      frontend: spec.kind,
      node,
      clientNode,
      clientZone: clientNode ? st.nodes.find((n) => n.name === clientNode)?.zone : undefined,
    });
    const choice = this.#choice(r, ep, reply, svc, rules.generation);
    const policy = r.action === 'forward' ? r.policy : '';
    const snat =
      snatIP && (r.action !== 'forward' || r.snatIP !== snatIP)
        ? `SNAT to ${snatIP}${ep && hairpin ? ' (hairpin)' : ''}`
        : '';
    return {
      service: serviceOf(spec, svc),
      endpoint,
      lbNode,
      svc,
      ep,
      forward: r.action === 'forward',
      choice,
      policy,
      snat,
      reason: reasonOf(lbNode, choice, policy, snat),
    };
  }

  /** "random 2 of 3", as the userspace proxier's iptables mode says it, and the mode asked for. */
  #choice(
    r: Route,
    ep: EndpointInfo | undefined,
    reply: ConntrackTuple,
    svc: ServicePortInfo,
    generation: number,
  ): string {
    const where = `${reply.src}:${reply.sport}`;
    if (r.action !== 'forward')
      return `sent to ${where} by rules older than the current state (${r.reason})`;
    const i = ep ? r.eligible.indexOf(ep) : -1;
    if (i < 0)
      return `random: ${where} is not one of the ${r.eligible.length} eligible endpoints (rules generation ${generation})`;
    const asked = svc.proxyMode ?? this.#defaultMode;
    const mode = asked ? parseProxyMode(asked) : undefined;
    const note =
      mode && mode.kind !== 'iptables' ? ` (${mode.name} asked: nftables serves random)` : '';
    return `${pickAt(r.eligible, i, 'random').reason}${note}`;
  }

  /** The kernel's affinity set, replayed: a NEW within the timeout of the client's last one is a hit. */
  #affinityChoice(
    svc: ServicePortInfo,
    clientIP: string,
    key: string,
    now: number,
    random: string,
  ): string {
    const aKey = `${svc.name}|${clientIP}`;
    const entry = this.#affinity.get(aKey);
    const live = entry !== undefined && entry.expires > now;
    this.#affinity.delete(aKey); // re-inserted: the Map stays ordered by last use
    this.#affinity.set(aKey, { key, expires: now + svc.affinityTimeoutSeconds * 1000 });
    this.#forgetExpiredAffinity(now);
    if (live && entry.key === key) {
      const left = Math.round((entry.expires - now) / 1000);
      return `affinity hit (ClientIP, ${left.toLocaleString('en-US')} s left)`;
    }
    const why = live ? 'affinity endpoint gone' : 'new affinity';
    return `${why} (ClientIP, ${svc.affinityTimeoutSeconds.toLocaleString('en-US')} s): ${random}`;
  }

  #forgetExpiredAffinity(now: number): void {
    if (this.#affinity.size <= this.#maxOpen) return;
    for (const [k, v] of this.#affinity) {
      if (this.#affinity.size <= this.#maxOpen && v.expires > now) return;
      this.#affinity.delete(k);
    }
  }
}

/** At most this many decisions per frontend and state of the rules (see #decision). */
const MAX_DECISIONS = 4096;

/** What #decision works out once for the connections through one frontend to one endpoint. */
interface Decision {
  service: ConnectionEvent['service'];
  endpoint: ConnectionEvent['endpoint'];
  /** A LoadBalancer's entry node. */
  lbNode?: string;
  svc?: ServicePortInfo;
  ep?: EndpointInfo;
  forward: boolean;
  /** The endpoint choice ("random 2 of 3 ..."), the traffic policy's words, the SNAT note. */
  choice: string;
  policy: string;
  snat: string;
  /** The whole reason, but for affinity (which depends on the client's history). */
  reason: string;
}

function reasonOf(
  lbNode: string | undefined,
  choice: string,
  policy: string,
  snat: string,
): string {
  return [lbNode ? `LB -> ${lbNode}` : '', choice, policy, snat].filter(Boolean).join('; ');
}

function serviceOf(
  spec: FrontendSpec,
  svc: ServicePortInfo | undefined,
): ConnectionEvent['service'] {
  return svc
    ? { namespace: svc.namespace, name: svc.service, port: svc.portName }
    : { namespace: '', name: '', port: spec.port };
}

/** An event's fields in the one order the userspace proxier's events have (monomorphic). */
function newEvent(
  id: string,
  at: number,
  spec: FrontendSpec,
  service: ConnectionEvent['service'],
  client: { protocol: 'TCP' | 'UDP'; ip: string; port: number; pod: string | undefined },
): ConnectionEvent {
  return {
    id,
    startedAt: at,
    endedAt: undefined,
    protocol: client.protocol,
    client: { ip: client.ip, port: client.port, pod: client.pod, snatIP: undefined },
    frontend: { kind: spec.kind, ip: spec.ip, port: spec.port, node: spec.node },
    service,
    endpoint: undefined,
    mode: NFTABLES_MODE,
    reason: '',
    bytesIn: 0,
    bytesOut: 0,
    durationMs: undefined,
    outcome: 'open',
  };
}

function eventEndpoint(ep: EndpointInfo): NonNullable<ConnectionEvent['endpoint']> {
  return { pod: ep.pod, namespace: ep.namespace, ip: ep.ip, port: ep.port, node: ep.nodeName };
}

/** An endpoint the state no longer lists (it left after the rules were written): its pod, if known. */
function podEndpoint(st: RoutingState, reply: ConntrackTuple): ConnectionEvent['endpoint'] {
  const pod = st.podsByIP.get(reply.src);
  const [namespace = '', name = ''] = pod ? pod.name.split('/') : [];
  return { pod: name, namespace, ip: reply.src, port: reply.sport, node: pod?.node ?? '' };
}

/**
 * The node the connection entered: a NodePort's or externalIP's own; for a LoadBalancer, the
 * node it was SNATed to (externalTrafficPolicy Cluster) or the endpoint's (Local keeps traffic
 * on the node it entered).
 */
function entryNode(
  spec: FrontendSpec,
  st: RoutingState,
  svc: ServicePortInfo,
  endpointNode: string | undefined,
  snatIP: string | undefined,
): NodeInfo | undefined {
  const byName = (name: string | undefined) =>
    name ? st.nodes.find((n) => n.name === name) : undefined;
  if (spec.kind !== 'LoadBalancer') return byName(spec.node);
  const snatNode = snatIP ? st.nodes.find((n) => n.ip === snatIP) : undefined;
  if (snatNode) return snatNode;
  return svc.externalTrafficPolicy === 'Local' ? byName(endpointNode) : byName(spec.node);
}
