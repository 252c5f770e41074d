import type { ConnectionEvent } from '@l4lab/protocol';
import {
  ipToInt,
  type AddressMode,
  type Clock,
  type PolicyFlow,
  type PolicyVerdict,
} from '@l4lab/cluster';
import type { EndpointChooser } from './endpointChooser.ts';
import type { FrontendSpec } from './frontends.ts';
import { parseProxyMode, type ProxyMode } from './proxyMode.ts';
import { localReadyCount } from './healthCheck.ts';
import { route } from './trafficPolicy.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo, ServicePortName } from './types.ts';

/** What kube-proxy knows when a connection arrives (as of the last sync). */
export interface RoutingState {
  serviceMap: ReadonlyMap<ServicePortName, ServicePortInfo>;
  endpointsMap: ReadonlyMap<ServicePortName, EndpointInfo[]>;
  nodes: readonly NodeInfo[];
  podsByIP: ReadonlyMap<string, { name: string; node: string }>;
  /** The network plugin's NetworkPolicy decision (none: nothing is enforced, as with no plugin). */
  policies?: {
    check(flow: PolicyFlow): PolicyVerdict;
    /**
     * Why a flow the kernel is known to have dropped was (a table being written counts: the kernel
     * runs it from its commit, before `nft` returns); undefined when no policy says.
     */
    denial?(flow: PolicyFlow): string | undefined;
  };
}

/** The routing decision as an event (`open`, or final `refused` / `dropped`) and where to go. */
export interface Decision {
  event: ConnectionEvent;
  endpoint?: EndpointInfo;
  /** Source address for the connection to the endpoint (client IP kept, or the node's for SNAT). */
  localAddress?: string;
}

/**
 * kube-proxy's rules for one new connection or flow: the Service behind the frontend, the
 * LoadBalancer's node, loadBalancerSourceRanges, traffic policies, REJECT / DROP, then the proxy
 * mode's endpoint choice; every step is written into the event's reason.
 */
export class ConnectionRouter {
  readonly #chooser: EndpointChooser;
  readonly #defaultMode: ProxyMode;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #mapperMode: AddressMode;
  #seq = 0;
  #idAt = -1;
  #idAtText = '';

  constructor(opts: {
    chooser: EndpointChooser;
    defaultMode: ProxyMode;
    clock: Clock;
    random: () => number;
    mapperMode: AddressMode;
  }) {
    this.#chooser = opts.chooser;
    this.#defaultMode = opts.defaultMode;
    this.#clock = opts.clock;
    this.#random = opts.random;
    this.#mapperMode = opts.mapperMode;
  }

  /** The routing decision for a new connection or flow, as an `open` (or final) event. */
  decide(st: RoutingState, spec: FrontendSpec, clientIP: string, clientPort: number): Decision {
    const startedAt = this.#clock.now();
    const svc = st.serviceMap.get(spec.spn);
    const pod = st.podsByIP.get(clientIP);
    const mode = (svc?.proxyMode && parseProxyMode(svc.proxyMode)) || this.#defaultMode;
    // Every field in one order, optional ones included (undefined is left out of the JSON): one
    // object shape for every event, so the code handling them stays monomorphic.
    const event: ConnectionEvent = {
      id: `${this.#idPrefix(startedAt)}-${(++this.#seq).toString(36)}`,
      startedAt,
      endedAt: undefined,
      protocol: spec.protocol,
      client: { ip: clientIP, port: clientPort, pod: pod?.name, snatIP: undefined },
      frontend: { kind: spec.kind, ip: spec.ip, port: spec.port, node: spec.node },
      service: svc ? eventService(svc) : { namespace: '', name: '', port: spec.port },
      endpoint: undefined,
      mode: mode.name,
      reason: '',
      bytesIn: 0,
      bytesOut: 0,
      durationMs: undefined,
      outcome: 'open',
    };
    if (!svc) return final(event, 'refused', `no Service behind ${spec.ip}:${spec.port}`);
    const endpoints = st.endpointsMap.get(svc.name) ?? [];
    let node = spec.node ? st.nodes.find((n) => n.name === spec.node) : undefined;
    const hops: string[] = [];
    if (spec.kind === 'LoadBalancer') {
      if (svc.loadBalancerSourceRanges.length > 0) {
        const c = safeIpToInt(clientIP);
        if (
          c === undefined ||
          !svc.loadBalancerSourceRanges.some((r) => (c & r.mask) >>> 0 === r.base)
        ) {
          const ranges = svc.loadBalancerSourceRanges.map((r) => r.text).join(', ');
          return final(
            event,
            'dropped',
            `client ${clientIP} not in loadBalancerSourceRanges (${ranges}): dropped`,
          );
        }
      }
      node = this.#pickLoadBalancerNode(st, svc, endpoints);
      if (!node) {
        return final(
          event,
          endpoints.length === 0 ? 'refused' : 'dropped',
          endpoints.length === 0
            ? `${svc.namespace}/${svc.service}:${svc.portName} has no endpoints`
            : 'load balancer: no node passes the health check (externalTrafficPolicy Local): dropped',
        );
      }
      event.frontend.node = node.name;
      hops.push(`LB -> ${node.name}`);
    } else if (spec.exposed && node) {
      hops.push(`host interface -> ${node.name}`);
    }
    const r = route({
      svc,
      endpoints,
      frontend: spec.kind,
      node,
      clientNode: pod?.node,
      clientZone: pod ? st.nodes.find((n) => n.name === pod.node)?.zone : undefined,
    });
    if (r.action !== 'forward')
      return final(
        event,
        r.action === 'reject' ? 'refused' : 'dropped',
        [...hops, r.reason].join('; '),
      );
    const choice = this.#chooser.choose({
      spn: svc.name,
      mode,
      eligible: r.eligible,
      clientIP,
      clientPort,
      frontendIP: spec.ip,
      frontendPort: spec.port,
      protocol: spec.protocol,
      affinityTimeoutSeconds: svc.affinityTimeoutSeconds,
    })!;
    const ep = choice.endpoint;
    event.endpoint = eventEndpoint(ep);
    if (r.snatIP) event.client.snatIP = r.snatIP;
    // The pods' network (the CNI) decides after kube-proxy's DNAT: egress of the client pod,
    // ingress of the endpoint's, from the address it sees. With mapped addresses every client is
    // 127.0.0.1, no pod can be told from another: nothing is judged rather than all dropped.
    const allowed = (this.#mapperMode === 'native' ? st.policies : undefined)?.check({
      srcIP: clientIP,
      seenSrcIP: r.snatIP,
      dstIP: ep.ip,
      port: ep.port,
      protocol: spec.protocol,
    });
    if (allowed && !allowed.allowed)
      return final(
        event,
        'dropped',
        [...hops, choice.reason, r.policy, `${allowed.reason}: dropped`].filter(Boolean).join('; '),
      );
    this.#chooser.opened(svc.name, ep);
    event.reason = hops.length
      ? [...hops, choice.reason, r.policy, allowed?.reason].filter(Boolean).join('; ')
      : r.policy || allowed?.reason
        ? [choice.reason, r.policy, allowed?.reason].filter(Boolean).join('; ')
        : choice.reason;
    // Native addresses: leave from the SNAT address (the node) or the client's own address, so the
    // pod sees what it would see in a cluster.
    const source = r.snatIP ?? clientIP;
    // (127.0.0.1 is what the kernel picks anyway: no bind() needed on the hot path)
    const localAddress =
      this.#mapperMode === 'native' && source.startsWith('127.') && source !== '127.0.0.1'
        ? source
        : undefined;
    return { event, endpoint: ep, ...(localAddress ? { localAddress } : {}) };
  }

  /** Event ids start with the millisecond in base 36 (one conversion per millisecond). */
  #idPrefix(at: number): string {
    if (at !== this.#idAt) {
      this.#idAt = at;
      this.#idAtText = at.toString(36);
    }
    return this.#idAtText;
  }

  /** A cloud LB in front of the NodePorts: any Ready node, or (Local) one that passes the health check. */
  #pickLoadBalancerNode(
    st: RoutingState,
    svc: ServicePortInfo,
    endpoints: EndpointInfo[],
  ): NodeInfo | undefined {
    let nodes = st.nodes.filter((n) => n.ready);
    if (svc.externalTrafficPolicy === 'Local') {
      // The same rule as the health check (localReadyCount): the LB sends only to nodes answering 200.
      nodes = nodes.filter((n) => localReadyCount(endpoints, n.name) > 0);
    }
    if (nodes.length === 0) return undefined;
    return nodes[Math.floor(this.#random() * nodes.length)];
  }
}

// The event's `service` and `endpoint` parts are the same (frozen) object for every connection
// to a Service port or endpoint as of a sync: fewer objects per connection, and a key its
// consumers (ConnectionStats) can remember.
const services = new WeakMap<ServicePortInfo, ConnectionEvent['service']>();
const endpoints = new WeakMap<EndpointInfo, NonNullable<ConnectionEvent['endpoint']>>();

function eventService(svc: ServicePortInfo): ConnectionEvent['service'] {
  let s = services.get(svc);
  if (!s) {
    s = Object.freeze({ namespace: svc.namespace, name: svc.service, port: svc.portName });
    services.set(svc, s);
  }
  return s;
}

function eventEndpoint(ep: EndpointInfo): NonNullable<ConnectionEvent['endpoint']> {
  let e = endpoints.get(ep);
  if (!e) {
    e = Object.freeze({
      pod: ep.pod,
      namespace: ep.namespace,
      ip: ep.ip,
      port: ep.port,
      node: ep.nodeName,
    });
    endpoints.set(ep, e);
  }
  return e;
}

/**
 * The event's final form, when its connection or flow ends: a new object (the `open` one may still
 * be queued for the browsers), fields in the same order as `decide` makes them.
 */
export function endedEvent(
  e: ConnectionEvent,
  outcome: ConnectionEvent['outcome'],
  reason: string,
  endedAt: number,
  bytesIn: number,
  bytesOut: number,
): ConnectionEvent {
  return {
    id: e.id,
    startedAt: e.startedAt,
    endedAt,
    protocol: e.protocol,
    client: e.client,
    frontend: e.frontend,
    service: e.service,
    endpoint: e.endpoint,
    mode: e.mode,
    reason,
    bytesIn,
    bytesOut,
    durationMs: endedAt - e.startedAt,
    outcome,
  };
}

/** A connection that ends at its decision: refused (REJECT) or dropped (DROP). */
function final(event: ConnectionEvent, outcome: 'refused' | 'dropped', reason: string): Decision {
  event.outcome = outcome;
  event.reason = reason;
  event.endedAt = event.startedAt;
  event.durationMs = 0;
  return { event };
}

function safeIpToInt(ip: string): number | undefined {
  try {
    return ipToInt(ip);
  } catch {
    return undefined;
  }
}
