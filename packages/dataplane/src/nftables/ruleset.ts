// kube-proxy's nftables mode for the lab's synced state: one table, `ip kube-proxy`, written from
// the same Service ports, endpoints and frontends the userspace proxier serves, with every
// decision taken by the same function (trafficPolicy.ts `route()`), so both dataplanes send a
// connection to the same endpoints for the same reason.
//
// The lab runs several virtual nodes in one network namespace, where kube-proxy runs once per
// node. So what kube-proxy decides by "this node" is decided here by the node a packet is for:
// a NodePort by the node address dialled, an externalIP by its owner node, a LoadBalancer IP by a
// random node the load balancer would use (its health check), internalTrafficPolicy Local by the
// client's pod CIDR. Those per-node chains carry the node's name (`...__node-1`).
import type { FrontendSpec } from '../frontends.ts';
import type { RoutingState } from '../connectionRouter.ts';
import { categorizeEndpoints, type CategorizedEndpoints } from '../endpointSelection.ts';
import { localReadyCount } from '../healthCheck.ts';
import { parseProxyMode, type ProxyMode } from '../proxyMode.ts';
import { route, type Route } from '../trafficPolicy.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../types.ts';
import {
  DROP_NO_ENDPOINTS,
  DROP_SOURCE_RANGES,
  REJECT_NO_ENDPOINTS,
  servicePortChains,
  type ServicePortChains,
} from './chainNames.ts';
import { RulesetBuilder, type Ruleset } from './model.ts';
import {
  FIREWALL_IPS,
  MARK_FOR_MASQUERADE,
  NO_ENDPOINT_NODEPORTS,
  NO_ENDPOINT_SERVICES,
  SERVICE_IPS,
  SERVICE_NODEPORTS,
  hex,
  nodeMark,
  podCIDRText,
  writeSkeleton,
} from './tableSkeleton.ts';

export interface RulesetInput {
  routing: Pick<RoutingState, 'serviceMap' | 'endpointsMap' | 'nodes'>;
  /** desiredFrontends(...) (frontends on host interfaces, `exposed`, are not in this namespace). */
  frontends: Iterable<FrontendSpec>;
  /** The cluster's default proxy mode; modes other than iptables/nftables are reported. */
  defaultMode?: ProxyMode;
}

/**
 * The whole table for one sync. With a cache, a Service port whose ServicePortInfo, endpoints
 * and nodes are the same objects as at the last build (the change trackers replace only what
 * changed) is not written again: a sync costs what changed, not the size of the table.
 */
export function buildRuleset(input: RulesetInput, cache?: RulesetCache): Ruleset {
  const { serviceMap, endpointsMap, nodes } = input.routing;
  const b = new RulesetBuilder();
  writeSkeleton(b, nodes);
  const bySpn = new Map<string, FrontendSpec[]>();
  for (const f of input.frontends) {
    if (f.exposed) continue;
    const list = bySpn.get(f.spn);
    if (list) list.push(f);
    else bySpn.set(f.spn, [f]);
  }
  const names = [...serviceMap.keys()].sort();
  for (const spn of names) {
    const svc = serviceMap.get(spn)!;
    if (svc.protocol === 'SCTP') continue; // as desiredFrontends: no SCTP in the lab
    const eps = endpointsMap.get(spn) ?? [];
    const key: PartKey = { svc, eps, nodes, defaultMode: input.defaultMode };
    let part = cache?.get(spn, key);
    if (!part) {
      part = new RulesetBuilder();
      const mode = (svc.proxyMode && parseProxyMode(svc.proxyMode)) || input.defaultMode;
      if (mode && mode.kind !== 'iptables') part.unsupportedModes.set(spn, mode.name);
      new ServicePortWriter(part, svc, eps, nodes).write(bySpn.get(spn) ?? []);
      cache?.set(spn, key, part);
    }
    b.merge(part);
  }
  cache?.prune(serviceMap);
  return b.build();
}

interface PartKey {
  svc: ServicePortInfo;
  eps: EndpointInfo[];
  nodes: readonly NodeInfo[];
  defaultMode: ProxyMode | undefined;
}

/** Each Service port's part of the table as last written, and what it was written from. */
export class RulesetCache {
  readonly #parts = new Map<string, { key: PartKey; part: RulesetBuilder }>();

  get(spn: string, key: PartKey): RulesetBuilder | undefined {
    const e = this.#parts.get(spn);
    if (!e) return undefined;
    const k = e.key;
    const same =
      k.svc === key.svc &&
      k.eps === key.eps &&
      k.nodes === key.nodes &&
      k.defaultMode === key.defaultMode;
    return same ? e.part : undefined;
  }

  set(spn: string, key: PartKey, part: RulesetBuilder): void {
    this.#parts.set(spn, { key, part });
  }

  prune(live: ReadonlyMap<string, unknown>): void {
    for (const spn of this.#parts.keys()) if (!live.has(spn)) this.#parts.delete(spn);
  }
}

/** Writes one Service port: its map elements, its chains, its endpoints' chains and sets. */
class ServicePortWriter {
  readonly #b: RulesetBuilder;
  readonly #svc: ServicePortInfo;
  readonly #eps: EndpointInfo[];
  readonly #nodes: readonly NodeInfo[];
  readonly #names: ServicePortChains;
  readonly #cats: CategorizedEndpoints;
  readonly #proto: string;
  readonly #comment: string;

  constructor(
    b: RulesetBuilder,
    svc: ServicePortInfo,
    eps: EndpointInfo[],
    nodes: readonly NodeInfo[],
  ) {
    this.#b = b;
    this.#svc = svc;
    this.#eps = eps;
    this.#nodes = nodes;
    this.#names = servicePortChains(svc);
    this.#cats = categorizeEndpoints(eps);
    this.#proto = svc.protocol.toLowerCase();
    // nftables keeps at most 128 bytes of an element's comment
    this.#comment = `comment "${svc.name.slice(0, 127)}"`;
  }

  write(frontends: FrontendSpec[]): void {
    for (const f of frontends) {
      if (f.kind === 'ClusterIP') this.#clusterIP(f);
      else if (f.kind === 'LoadBalancer') this.#loadBalancer(f);
      else this.#enteringNode(f);
    }
  }

  #route(frontend: FrontendSpec['kind'], node?: NodeInfo, clientNode?: NodeInfo): Route {
    return route({
      svc: this.#svc,
      endpoints: this.#eps,
      frontend,
      node,
      clientNode: clientNode?.name,
      clientZone: clientNode?.zone,
    });
  }

  #key(f: FrontendSpec): string {
    return `${f.ip} . ${this.#proto} . ${f.port}`;
  }

  /** A frontend's verdict in the filter chains (before DNAT): REJECT or DROP. */
  #noEndpoints(map: string, f: FrontendSpec, action: 'reject' | 'drop'): void {
    const chain = action === 'reject' ? REJECT_NO_ENDPOINTS : DROP_NO_ENDPOINTS;
    this.#b.element(map, `${this.#key(f)} ${this.#comment} : goto ${chain}`);
  }

  #dispatch(map: string, f: FrontendSpec, chain: string): void {
    this.#b.element(map, `${this.#key(f)} : goto ${chain}`);
  }

  #clusterIP(f: FrontendSpec): void {
    const r = this.#route('ClusterIP');
    if (r.action === 'reject') return this.#noEndpoints(NO_ENDPOINT_SERVICES, f, 'reject');
    if (r.action === 'forward') {
      // Topology hints: each node's kube-proxy has its own endpoints for the Service.
      const hinted = this.#nodes.some((n) => {
        const rn = this.#route('ClusterIP', undefined, n);
        return rn.action === 'forward' && rn.topology !== undefined;
      });
      return this.#dispatch(SERVICE_IPS, f, hinted ? this.#byClientNode(r) : this.#policyChain(r));
    }
    // internalTrafficPolicy Local: the verdict depends on the client's node.
    this.#dispatch(SERVICE_IPS, f, this.#byClientNode(undefined));
  }

  /**
   * A ClusterIP's verdict by the client's node (its pod CIDR): kube-proxy's `local-` chain for
   * internalTrafficPolicy Local, where a client that is no pod is dropped; `topology-` for
   * topology hints, where it gets `clusterWide`'s endpoints.
   */
  #byClientNode(clusterWide: Forward | undefined): string {
    const name = clusterWide ? this.#names.topology : this.#names.local;
    if (this.#b.has(name)) return name;
    const rules = this.#b.chain(name, this.#svc.name).rules;
    for (const n of this.#nodes) {
      const cidr = podCIDRText(n);
      if (!cidr) continue;
      const r = this.#route('ClusterIP', undefined, n);
      const to = r.action === 'forward' ? this.#policyChain(r, n.name) : DROP_NO_ENDPOINTS;
      rules.push(`ip saddr ${cidr} counter goto ${to}`);
    }
    // the client is not a pod
    rules.push(`counter goto ${clusterWide ? this.#policyChain(clusterWide) : DROP_NO_ENDPOINTS}`);
    return name;
  }

  /** A NodePort (the node dialled) or an externalIP (its owner node). */
  #enteringNode(f: FrontendSpec): void {
    const node = f.node ? this.#nodes.find((n) => n.name === f.node) : undefined;
    const nodePort = f.kind === 'NodePort';
    const r = this.#route(f.kind, node);
    if (r.action !== 'forward') {
      this.#noEndpoints(nodePort ? NO_ENDPOINT_NODEPORTS : NO_ENDPOINT_SERVICES, f, r.action);
      return;
    }
    const to = node ? this.#externalOn(node, r) : this.#policyChain(r);
    this.#dispatch(nodePort ? SERVICE_NODEPORTS : SERVICE_IPS, f, to);
  }

  #loadBalancer(f: FrontendSpec): void {
    if (this.#svc.loadBalancerSourceRanges.length > 0) {
      this.#b.element(FIREWALL_IPS, `${this.#key(f)} ${this.#comment} : goto ${this.#firewall()}`);
    }
    // The cloud load balancer sends to Ready nodes; with externalTrafficPolicy Local only to
    // those whose health check answers 200 (a local ready endpoint), as the router's LB does.
    let nodes = this.#nodes.filter((n) => n.ready);
    if (this.#svc.externalTrafficPolicy === 'Local')
      nodes = nodes.filter((n) => localReadyCount(this.#eps, n.name) > 0);
    const routes = nodes.map((n) => ({ node: n, r: this.#route('LoadBalancer', n) }));
    const forwarding = routes.filter(
      (x): x is { node: NodeInfo; r: Forward } => x.r.action === 'forward',
    );
    if (forwarding.length === 0) {
      const reject = nodes.length === 0 ? this.#eps.length === 0 : routes[0]!.r.action === 'reject';
      this.#noEndpoints(NO_ENDPOINT_SERVICES, f, reject ? 'reject' : 'drop');
      return;
    }
    const name = this.#names.external;
    if (!this.#b.has(name)) {
      const to = forwarding.map((x) => this.#externalOn(x.node, x.r));
      this.#b.chain(name, this.#svc.name).rules.push(pickRandomly(to));
    }
    this.#dispatch(SERVICE_IPS, f, name);
  }

  #firewall(): string {
    const name = this.#names.firewall;
    if (!this.#b.has(name)) {
      const ranges = this.#svc.loadBalancerSourceRanges.map((r) => r.text).join(', ');
      this.#b
        .chain(name, this.#svc.name)
        .rules.push(`ip saddr != { ${ranges} } counter goto ${DROP_SOURCE_RANGES}`);
    }
    return name;
  }

  /** Traffic entering `node`: SNAT to the node (externalTrafficPolicy Cluster), then the endpoints. */
  #externalOn(node: NodeInfo, r: Forward): string {
    const name = this.#names.externalOn(node.name);
    if (this.#b.has(name)) return name;
    const rules = this.#b.chain(name, this.#svc.name).rules;
    const mark = r.snatIP ? nodeMark(this.#nodes, node.name) : undefined;
    if (mark !== undefined) rules.push(`counter meta mark set meta mark | ${hex(mark)}`);
    else if (r.snatIP) rules.push(`counter jump ${MARK_FOR_MASQUERADE}`);
    rules.push(`counter goto ${this.#policyChain(r, node.name)}`);
    return name;
  }

  /**
   * The chain over a route's eligible endpoints: `service-` for the cluster-wide list,
   * `local-...__<node>` for one node's, `service-...__<node>` for those topology hints give a
   * node (kube-proxy's writeServiceToEndpointRules).
   */
  #policyChain(r: Forward, node?: string): string {
    const local = r.eligible !== this.#cats.cluster;
    const name = r.topology
      ? this.#names.serviceOn(node ?? '')
      : local
        ? this.#names.localOn(node ?? '')
        : this.#names.service;
    if (this.#b.has(name)) return name;
    const rules = this.#b.chain(name, this.#svc.name).rules;
    const eps = r.eligible;
    if (this.#svc.affinityTimeoutSeconds > 0) {
      for (const ep of eps)
        rules.push(`ip saddr @${this.#names.affinity(ep)} counter goto ${this.#endpointChain(ep)}`);
    }
    rules.push(pickRandomly(eps.map((ep) => this.#endpointChain(ep))));
    return name;
  }

  #endpointChain(ep: EndpointInfo): string {
    const name = this.#names.endpoint(ep);
    if (this.#b.has(name)) return name;
    const rules = this.#b.chain(name, this.#svc.name).rules;
    // Hairpin: a pod reaching itself through its Service is SNATed, or its reply would bypass
    // the connection's NAT.
    rules.push(`ip saddr ${ep.ip} counter jump ${MARK_FOR_MASQUERADE}`);
    const timeout = this.#svc.affinityTimeoutSeconds;
    if (timeout > 0) {
      const set = this.#names.affinity(ep);
      this.#b.set({
        name: set,
        kind: 'set',
        decl: ['type ipv4_addr', 'flags dynamic,timeout', `timeout ${timeout}s`],
        elements: [],
        dynamic: true,
        service: this.#svc.name,
      });
      rules.push(`update @${set} { ip saddr }`);
    }
    rules.push(`counter meta l4proto ${this.#proto} dnat to ${ep.ip}:${ep.port}`);
    return name;
  }
}

type Forward = Extract<Route, { action: 'forward' }>;

/** kube-proxy's uniform choice: `numgen random mod N vmap { 0 : goto A, 1 : goto B, ... }`. */
function pickRandomly(chains: string[]): string {
  const entries = chains.map((c, i) => `${i} : goto ${c}`).join(', ');
  return `counter numgen random mod ${chains.length} vmap { ${entries} }`;
}
