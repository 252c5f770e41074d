import type { TrafficStatus } from '@l4lab/protocol';
import type { AppState } from '../store/createAppStore.ts';
import { selectServices } from '../store/selectors.ts';
import { isSystem } from '../graph/graphModel.ts';

/** How an address reaches its Service: its DNS name (the ClusterIP), a node's NodePort, ... */
export type TargetKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'externalIP';

export interface Target {
  /** What the generator is given: a DNS name or an address, with the port. */
  value: string;
  /** Says which address it is: `web.default:80 (http) · ClusterIP`, `web NodePort node-1 127.18.0.2:30380`. */
  label: string;
  /** The Service port's protocol: a port number can be both TCP and UDP (kube-dns' 53). */
  protocol: 'TCP' | 'UDP';
  /** The Service, `namespace/name`. */
  service: string;
  kind: TargetKind;
  /** The address the Service's type is about: node-1's NodePort, the LoadBalancer IP, the DNS name. */
  preferred: boolean;
}

/** The option's key: the address and the protocol. */
export const targetKey = (t: Target): string => `${t.value}/${t.protocol}`;

const KINDS: readonly TargetKind[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'externalIP'];

/** The last answer of selectTargets and what it was computed from. */
let lastTargets:
  { services: unknown; nodes: unknown; showSystem: boolean; texts: string[] } | undefined;

/**
 * Tab-separated strings (plain strings keep the selector's shallow comparison stable). Selectors
 * run at every store update (every event batch); the targets change only with Services, nodes or
 * the kube-system toggle, so the last answer is kept for those.
 */
export const selectTargets = (s: AppState): string[] => {
  const { services, nodes } = s.cluster;
  const last = lastTargets;
  if (last?.services === services && last.nodes === nodes && last.showSystem === s.showSystem)
    return last.texts;
  const texts = targetsOf(s).map((t) =>
    [t.value, t.label, t.protocol, t.service, t.kind, t.preferred ? 'preferred' : ''].join('\t'),
  );
  lastTargets = { services, nodes, showSystem: s.showSystem, texts };
  return texts;
};

export function parseTarget(text: string): Target {
  const [value = '', label = value, protocol, service = '', kind, preferred] = text.split('\t');
  return {
    value,
    label,
    protocol: protocol === 'UDP' ? 'UDP' : 'TCP',
    service,
    kind: KINDS.find((k) => k === kind) ?? 'ClusterIP',
    preferred: preferred === 'preferred',
  };
}

/**
 * The target to offer: of the Service named `service` (as an apply prints it), or of the first
 * Service. Its type decides: NodePort -> node-1:nodePort, LoadBalancer -> its external IP:port
 * (once assigned), otherwise its DNS name.
 */
export function defaultTarget(targets: readonly Target[], service?: string): Target | undefined {
  const first =
    service === undefined ? targets[0] : targets.find((t) => t.service.endsWith(`/${service}`));
  if (!first) return undefined;
  return targets.find((t) => t.service === first.service && t.preferred) ?? first;
}

/** A generator's name on its card: the label of its target (port and port name included). */
export function generatorName(
  g: Pick<TrafficStatus, 'target' | 'protocol'>,
  targets: readonly Target[],
): string {
  const protocol = g.protocol === 'udp' ? 'UDP' : 'TCP';
  return targets.find((t) => t.value === g.target && t.protocol === protocol)?.label ?? g.target;
}

/**
 * What a generator running on l4lab's host can reach in a remote cluster: not a ClusterIP (its
 * DNS name answers only inside the cluster), the Service's other frontends.
 */
export const reachableFromOutside = (t: Target): boolean => t.kind !== 'ClusterIP';

/** Every address of every visible Service: DNS name (ClusterIP), NodePorts, LB IPs, externalIPs. */
function targetsOf(s: AppState): Target[] {
  // Each node's InternalIP, then its ExternalIP where it has one (a real cluster's, remote mode).
  const nodes = [...s.cluster.nodes.values()]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }))
    .flatMap((n) => {
      const of = (type: string) =>
        n.status.addresses.filter((a) => (a.type as string) === type).map((a) => a.address);
      const internal = of('InternalIP');
      const ips = [...internal, ...of('ExternalIP')];
      if (ips.length === 0) ips.push('');
      return ips.map((ip, i) => ({ name: n.metadata.name, ip, external: i >= internal.length }));
    });
  return selectServices(s).flatMap((svc) => {
    const ns = svc.metadata.namespace ?? 'default';
    if (svc.spec.type === 'ExternalName' || (!s.showSystem && isSystem(ns, svc.metadata.name)))
      return [];
    const name = svc.metadata.name;
    const service = `${ns}/${name}`;
    const type = svc.spec.type ?? 'ClusterIP';
    return (svc.spec.ports ?? []).flatMap((p) => {
      const protocol = (p.protocol ?? 'TCP') === 'UDP' ? 'UDP' : 'TCP';
      // `:80 UDP (dns)`: the port, its protocol when not TCP, its name when it has one
      const port = (n: number) =>
        `:${n}${protocol === 'UDP' ? ' UDP' : ''}${p.name ? ` (${p.name})` : ''}`;
      const at = (kind: TargetKind, value: string, label: string, preferred: boolean): Target => ({
        value,
        label,
        protocol,
        service,
        kind,
        preferred,
      });
      const headless = svc.spec.clusterIP === 'None';
      const list: Target[] = [
        at(
          'ClusterIP',
          `${name}.${ns}.svc.cluster.local:${p.port}`,
          `${name}.${ns}${port(p.port)} · ${headless ? 'headless' : 'ClusterIP'}`,
          type !== 'NodePort' && type !== 'LoadBalancer',
        ),
      ];
      const nodePort = p.nodePort;
      if (nodePort) {
        nodes.forEach((n, i) =>
          list.push(
            at(
              'NodePort',
              `${n.ip}:${nodePort}`,
              `${name} NodePort ${n.name}${n.external ? ' ExternalIP' : ''} ${n.ip}${port(nodePort)}`,
              type === 'NodePort' && i === 0,
            ),
          ),
        );
      }
      (svc.status?.loadBalancer?.ingress ?? []).forEach((ing, i) =>
        list.push(
          at(
            'LoadBalancer',
            `${ing.ip}:${p.port}`,
            `${name} LoadBalancer ${ing.ip}${port(p.port)}`,
            type === 'LoadBalancer' && i === 0,
          ),
        ),
      );
      for (const ip of svc.spec.externalIPs ?? []) {
        list.push(
          at('externalIP', `${ip}:${p.port}`, `${name} externalIP ${ip}${port(p.port)}`, false),
        );
      }
      return list;
    });
  });
}

/** Pods traffic can leave from (`pod:<ns>/<name>`), running ones only. */
export const selectSources = (s: AppState): string[] =>
  [...s.cluster.pods.values()]
    .filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp)
    .filter((p) => s.showSystem || p.metadata.namespace !== 'kube-system')
    .map((p) => `pod:${p.metadata.namespace ?? 'default'}/${p.metadata.name}`)
    .sort();
