// NetworkPolicy semantics (networking.k8s.io/v1), as a network plugin enforces them: a pod that a
// policy selects for a direction is isolated in that direction, and then only what some rule of
// those policies allows gets through (rules add up; the order of policies does not matter).
// Replies to an allowed connection always pass: the decision is made once per connection.
import type {
  LabelSelector,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Node,
  Pod,
} from '@l4lab/protocol';
import { podIsolation } from '@l4lab/manifests';
import type { Cluster } from './cluster.ts';
import { ipToInt, parsePrefix, prefixHas } from './ipv4.ts';
import { selectorMatches } from './selectors.ts';

export type PolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

/** One new connection or flow as the pods' network sees it (the destination after any DNAT). */
export interface PolicyFlow {
  srcIP: string;
  /** The source the destination sees, when kube-proxy masqueraded the connection (a node's). */
  seenSrcIP?: string;
  dstIP: string;
  port: number;
  protocol: PolicyProtocol;
}

export interface PolicyVerdict {
  allowed: boolean;
  /** Why, for the connection's reason; '' when no policy isolates either end. */
  reason: string;
}

const OPEN: PolicyVerdict = Object.freeze({ allowed: true, reason: '' });

/** Remote addresses a compiled rule takes: pods' own, or a block without its exceptions. */
export type CompiledPeer =
  | { ips: string[]; block?: undefined }
  | { block: { cidr: string; except: string[] }; ips?: undefined };

/** A compiled rule's port: all of a protocol's, one, or a range (named ports resolved). */
export interface CompiledPort {
  protocol: PolicyProtocol;
  port?: number;
  endPort?: number;
}

export interface CompiledRule {
  /** The policy it comes from (in the pod's namespace). */
  policy: string;
  peers: CompiledPeer[] | 'any';
  ports: CompiledPort[] | 'any';
}

/** A pod some policy isolates, with the rules that let connections through per direction. */
export interface IsolatedPod {
  namespace: string;
  name: string;
  ip: string;
  /** Its node's address: ingress from there is always allowed. */
  nodeIP?: string;
  ingress?: { policies: string[]; rules: CompiledRule[] };
  egress?: { policies: string[]; rules: CompiledRule[] };
}

interface PolicyPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  nodeIP: string | undefined;
  ports: readonly { name?: string; containerPort: number; protocol?: string }[];
  /** The policies isolating the pod, per direction (names, in the pod's namespace). */
  ingress: NetworkPolicy[];
  egress: NetworkPolicy[];
}

/**
 * The policies, pods and namespaces at one moment, indexed for a decision per connection. Pods
 * on the host network are not subject to policies and are not peers by pod selector (their
 * address is their node's).
 */
export class NetworkPolicyIndex {
  static readonly EMPTY = new NetworkPolicyIndex([], [], [], []);

  readonly #byIP = new Map<string, PolicyPod>();
  readonly #namespaceLabels = new Map<string, Record<string, string>>();
  readonly policies: number;

  constructor(
    policies: readonly NetworkPolicy[],
    pods: readonly Pod[],
    namespaces: readonly Namespace[],
    nodes: readonly Node[],
  ) {
    this.policies = policies.length;
    if (policies.length === 0) return;
    for (const ns of namespaces)
      this.#namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
    const nodeIPs = new Map(
      nodes.map((n) => [
        n.metadata.name,
        n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
      ]),
    );
    for (const pod of pods) {
      const ip = pod.status?.podIP;
      const phase = pod.status?.phase;
      if (!ip || pod.spec.hostNetwork || phase === 'Succeeded' || phase === 'Failed') continue;
      const { ingress, egress } = podIsolation(policies, pod);
      this.#byIP.set(ip, {
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        labels: pod.metadata.labels ?? {},
        ip,
        nodeIP: nodeIPs.get(pod.spec.nodeName ?? ''),
        ports: pod.spec.containers.flatMap((c) => c.ports ?? []),
        ingress,
        egress,
      });
    }
  }

  /** Whether `ip` is a pod's own address (not a host-network pod's) while any policy exists. */
  isPod(ip: string): boolean {
    return this.#byIP.has(ip);
  }

  /** Whether the pod at `ip` is isolated, per direction, and by which policies. */
  isolation(ip: string): { ingress: string[]; egress: string[] } | undefined {
    const pod = this.#byIP.get(ip);
    if (!pod) return undefined;
    return {
      ingress: pod.ingress.map((p) => p.metadata.name),
      egress: pod.egress.map((p) => p.metadata.name),
    };
  }

  /**
   * The rules as a packet filter needs them: each isolated pod with, per isolated direction, its
   * allow rules with the peers resolved to addresses and named ports to numbers (a named port of
   * an egress rule becomes one rule per destination pod that has it). What `check` decides for a
   * flow, this allows or leaves to the pod's final drop.
   */
  compile(): IsolatedPod[] {
    const out: IsolatedPod[] = [];
    if (this.policies === 0) return out;
    for (const pod of this.#byIP.values()) {
      if (pod.ingress.length + pod.egress.length === 0) continue;
      const ingress =
        pod.ingress.length === 0
          ? undefined
          : {
              policies: pod.ingress.map((p) => p.metadata.name),
              rules: pod.ingress.flatMap((p) =>
                (p.spec.ingress ?? []).flatMap((r) => this.#compileRule(p, r.from, r.ports, pod)),
              ),
            };
      const egress =
        pod.egress.length === 0
          ? undefined
          : {
              policies: pod.egress.map((p) => p.metadata.name),
              rules: pod.egress.flatMap((p) =>
                (p.spec.egress ?? []).flatMap((r) =>
                  this.#compileRule(p, r.to, r.ports, undefined),
                ),
              ),
            };
      out.push({
        namespace: pod.namespace,
        name: pod.name,
        ip: pod.ip,
        ...(pod.nodeIP ? { nodeIP: pod.nodeIP } : {}),
        ...(ingress ? { ingress } : {}),
        ...(egress ? { egress } : {}),
      });
    }
    return out;
  }

  /** One rule compiled; `dst` is the isolated pod for ingress (named ports resolve on it). */
  #compileRule(
    policy: NetworkPolicy,
    peers: readonly NetworkPolicyPeer[] | undefined,
    ports: readonly NetworkPolicyPort[] | undefined,
    dst: PolicyPod | undefined,
  ): CompiledRule[] {
    const name = policy.metadata.name;
    const anyPeer = !peers || peers.length === 0;
    const compiledPeers: CompiledPeer[] | 'any' = anyPeer
      ? 'any'
      : peers.flatMap((peer): CompiledPeer[] => {
          if (peer.ipBlock)
            return [{ block: { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] } }];
          const ips = [...this.#byIP.values()]
            .filter((remote) => this.#peersMatch([peer], policy, remote, remote.ip))
            .map((remote) => remote.ip);
          return ips.length ? [{ ips }] : [];
        });
    if (compiledPeers !== 'any' && compiledPeers.length === 0) return [];
    if (!ports || ports.length === 0) return [{ policy: name, peers: compiledPeers, ports: 'any' }];
    const numeric: CompiledPort[] = [];
    const rules: CompiledRule[] = [];
    for (const p of ports) {
      const protocol = p.protocol ?? 'TCP';
      if (p.port === undefined) numeric.push({ protocol });
      else if (typeof p.port === 'number')
        numeric.push({ protocol, port: p.port, ...(p.endPort ? { endPort: p.endPort } : {}) });
      else if (dst) {
        for (const c of dst.ports)
          if (c.name === p.port && (c.protocol ?? 'TCP') === protocol)
            numeric.push({ protocol, port: c.containerPort });
      } else {
        // Egress to a named port: each destination pod the rule's peers take that has it.
        for (const remote of this.#byIP.values()) {
          if (!anyPeer && !this.#peersMatch(peers, policy, remote, remote.ip)) continue;
          for (const c of remote.ports)
            if (c.name === p.port && (c.protocol ?? 'TCP') === protocol)
              rules.push({
                policy: name,
                peers: [{ ips: [remote.ip] }],
                ports: [{ protocol, port: c.containerPort }],
              });
        }
      }
    }
    if (numeric.length) rules.unshift({ policy: name, peers: compiledPeers, ports: numeric });
    return rules;
  }

  /** Whether the source pod may open the flow (egress) and the destination pod take it (ingress). */
  check(flow: PolicyFlow): PolicyVerdict {
    if (this.policies === 0) return OPEN;
    // A pod reaching its own address stays on its own loopback: no network plugin sees it.
    if (flow.srcIP === flow.dstIP && (flow.seenSrcIP ?? flow.srcIP) === flow.srcIP) return OPEN;
    const src = this.#byIP.get(flow.srcIP);
    const dst = this.#byIP.get(flow.dstIP);
    const said: string[] = [];
    if (src && src.egress.length > 0) {
      const by = src.egress.find((p) =>
        (p.spec.egress ?? []).some(
          (r) => this.#portsMatch(r.ports, flow, dst) && this.#peersMatch(r.to, p, dst, flow.dstIP),
        ),
      );
      if (!by) {
        const target = `${flow.dstIP}:${flow.port}/${flow.protocol}${dst ? ` (${named(dst, src.namespace)})` : ''}`;
        return {
          allowed: false,
          reason: `egress from ${src.name} denied: ${policiesText(src.egress)} and no egress rule allows ${target}`,
        };
      }
      said.push(`egress allowed by NetworkPolicy ${by.metadata.name}`);
    }
    if (dst && dst.ingress.length > 0) {
      const seen = flow.seenSrcIP ?? flow.srcIP;
      const from = seen === flow.srcIP ? src : this.#byIP.get(seen);
      if (dst.nodeIP !== undefined && seen === dst.nodeIP) {
        said.push(`ingress from ${dst.name}'s own node allowed`);
      } else {
        const by = dst.ingress.find((p) =>
          (p.spec.ingress ?? []).some(
            (r) => this.#portsMatch(r.ports, flow, dst) && this.#peersMatch(r.from, p, from, seen),
          ),
        );
        if (!by) {
          const who = from ? `${named(from, dst.namespace)} (${seen})` : seen;
          return {
            allowed: false,
            reason: `ingress to ${dst.name} denied: ${policiesText(dst.ingress)} and no ingress rule allows ${who} on ${flow.port}/${flow.protocol}`,
          };
        }
        said.push(`ingress allowed by NetworkPolicy ${by.metadata.name}`);
      }
    }
    return said.length === 0 ? OPEN : { allowed: true, reason: said.join('; ') };
  }

  /** A rule's ports: none listed is every port; a named port is the destination pod's. */
  #portsMatch(
    ports: readonly NetworkPolicyPort[] | undefined,
    flow: PolicyFlow,
    dst: PolicyPod | undefined,
  ): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== flow.protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'number')
        return p.endPort === undefined
          ? flow.port === p.port
          : flow.port >= p.port && flow.port <= p.endPort;
      return (
        dst?.ports.some(
          (c) =>
            c.name === p.port &&
            c.containerPort === flow.port &&
            (c.protocol ?? 'TCP') === flow.protocol,
        ) ?? false
      );
    });
  }

  /** A rule's peers: none listed is everyone; else pods by selectors, or addresses by block. */
  #peersMatch(
    peers: readonly NetworkPolicyPeer[] | undefined,
    policy: NetworkPolicy,
    remote: PolicyPod | undefined,
    remoteIP: string,
  ): boolean {
    if (!peers || peers.length === 0) return true;
    return peers.some((peer) => {
      if (peer.ipBlock) return inBlock(remoteIP, peer.ipBlock);
      if (!remote) return false;
      if (peer.namespaceSelector) {
        if (!this.#namespaceMatches(peer.namespaceSelector, remote.namespace)) return false;
      } else if (remote.namespace !== policy.metadata.namespace) return false;
      return !peer.podSelector || selectorMatches(peer.podSelector, remote.labels);
    });
  }

  #namespaceMatches(sel: LabelSelector, namespace: string): boolean {
    const labels = this.#namespaceLabels.get(namespace);
    return labels !== undefined && selectorMatches(sel, labels);
  }
}

function named(pod: PolicyPod, fromNamespace: string): string {
  return pod.namespace === fromNamespace ? pod.name : `${pod.namespace}/${pod.name}`;
}

function policiesText(ps: readonly NetworkPolicy[]): string {
  const names = ps.map((p) => p.metadata.name);
  return names.length === 1
    ? `NetworkPolicy ${names[0]} selects it`
    : `NetworkPolicies ${names.join(', ')} select it`;
}

/** An IPv4 address in the block and in none of its exceptions (IPv6 blocks hold no lab address). */
export function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  let n: number;
  try {
    n = ipToInt(ip);
  } catch {
    return false;
  }
  return cidrHas(block.cidr, n) && !(block.except ?? []).some((e) => cidrHas(e, n));
}

function cidrHas(cidr: string, n: number): boolean {
  const p = parsePrefix(cidr);
  return p !== undefined && prefixHas(p, n);
}

/**
 * The cluster's policies as a NetworkPolicyIndex kept current: any change to a policy, pod,
 * namespace or node makes the next decision rebuild it; with no policy at all a decision costs
 * nothing.
 */
export class NetworkPolicyView {
  readonly #cluster: Cluster;
  #index: NetworkPolicyIndex | undefined;
  #unwatch: (() => void) | undefined;

  constructor(cluster: Cluster) {
    this.#cluster = cluster;
  }

  start(): void {
    this.#unwatch ??= this.#cluster.watch((e) => {
      const k = e.object.kind;
      // With no policy, only a policy changes anything (pods come and go all the time).
      if (
        k === 'NetworkPolicy' ||
        (this.#index !== NetworkPolicyIndex.EMPTY &&
          (k === 'Pod' || k === 'Namespace' || k === 'Node'))
      )
        this.#index = undefined;
    });
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  /** The index as of now (rebuilt when something changed since the last one). */
  index(): NetworkPolicyIndex {
    if (this.#index && this.#unwatch) return this.#index;
    const policies = this.#cluster.list('NetworkPolicy');
    const index =
      policies.length === 0
        ? NetworkPolicyIndex.EMPTY
        : new NetworkPolicyIndex(
            policies,
            this.#cluster.list('Pod'),
            this.#cluster.list('Namespace'),
            this.#cluster.list('Node'),
          );
    if (this.#unwatch) this.#index = index;
    return index;
  }

  check(flow: PolicyFlow): PolicyVerdict {
    return this.index().check(flow);
  }
}
