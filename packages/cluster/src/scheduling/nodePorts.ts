// kube-scheduler's NodePorts filter: the host ports a pod asks for (its containers' `hostPort`s, which
// a pod on the host network has for every container port) must be free on the node. A port of the
// same protocol, taken by a pod bound there on the same host IP or on the wildcard, is a conflict.
import type { Pod } from '@l4lab/protocol';

export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

const WILDCARD = '0.0.0.0';

/** The pod's host ports (its app containers', as the filter counts them). */
export function hostPortsOf(pod: Pod): HostPort[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => (p.hostPort ?? 0) > 0)
      .map((p) => ({
        ip: p.hostIP || WILDCARD,
        protocol: p.protocol ?? 'TCP',
        port: p.hostPort!,
      })),
  );
}

/** Whether any of `wanted` is taken by one of the node's pods. */
export function hostPortsTaken(wanted: readonly HostPort[], pods: readonly Pod[]): boolean {
  if (wanted.length === 0) return false;
  const used = pods.flatMap(hostPortsOf);
  return wanted.some((w) =>
    used.some(
      (u) =>
        u.port === w.port &&
        u.protocol === w.protocol &&
        (u.ip === w.ip || u.ip === WILDCARD || w.ip === WILDCARD),
    ),
  );
}
