import type { FrontendKind } from '@l4lab/protocol';
import type { NodeInfo, ServicePortInfo, ServicePortName } from './types.ts';

/** One address:port kube-proxy captures for a Service port. */
export interface FrontendSpec {
  /** `TCP/127.96.3.4:80` (the virtual address). */
  key: string;
  protocol: 'TCP' | 'UDP';
  kind: FrontendKind;
  ip: string;
  port: number;
  spn: ServicePortName;
  /** The node this address belongs to (NodePort) or is routed to (externalIPs). */
  node?: string;
  /** A host interface address (`--expose`): it enters the lab on this node. */
  exposed?: boolean;
}

/**
 * Every frontend of every Service port: ClusterIP:port; nodeIP:nodePort on every node; each
 * LoadBalancer ingress IP:port; each externalIP:port. With `--expose`, NodePorts and LoadBalancer
 * ports also on the host's own interface addresses (entering at the first node).
 */
export function desiredFrontends(
  services: Iterable<ServicePortInfo>,
  nodes: readonly NodeInfo[],
  exposeIPs: readonly string[] = [],
): Map<string, FrontendSpec> {
  const out = new Map<string, FrontendSpec>();
  const add = (f: Omit<FrontendSpec, 'key'>) => {
    const key = `${f.protocol}/${f.ip}:${f.port}`;
    if (!out.has(key)) out.set(key, { key, ...f });
  };
  for (const svc of services) {
    if (svc.protocol === 'SCTP') continue; // no SCTP sockets in Node.js: said in the UI
    const protocol = svc.protocol;
    const spn = svc.name;
    add({ protocol, kind: 'ClusterIP', ip: svc.clusterIP, port: svc.port, spn });
    if (svc.nodePort) {
      for (const n of nodes)
        add({ protocol, kind: 'NodePort', ip: n.ip, port: svc.nodePort, spn, node: n.name });
      for (const ip of exposeIPs) {
        add({
          protocol,
          kind: 'NodePort',
          ip,
          port: svc.nodePort,
          spn,
          node: nodes[0]?.name,
          exposed: true,
        });
      }
    }
    for (const ip of svc.loadBalancerIPs) {
      add({ protocol, kind: 'LoadBalancer', ip, port: svc.port, spn });
      for (const host of exposeIPs)
        add({ protocol, kind: 'LoadBalancer', ip: host, port: svc.port, spn, exposed: true });
    }
    for (const ip of svc.externalIPs) {
      const owner = nodes.length ? nodes[hashIp(ip) % nodes.length]!.name : undefined;
      add({
        protocol,
        kind: 'ExternalIP',
        ip,
        port: svc.port,
        spn,
        ...(owner ? { node: owner } : {}),
      });
    }
  }
  return out;
}

function hashIp(ip: string): number {
  let h = 0;
  for (let i = 0; i < ip.length; i++) h = (Math.imul(h, 31) + ip.charCodeAt(i)) >>> 0;
  return h;
}
