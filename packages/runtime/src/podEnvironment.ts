// The Service variables the kubelet gives every container (pkg/kubelet/envvars, getServiceEnvVarMap):
// Docker-links style `<SVC>_SERVICE_HOST`, `<SVC>_PORT_<port>_<PROTO>_ADDR` ... for the Services
// that exist when the container starts. Pure: the kubelet passes the Services it sees.
import type { Pod, Service } from '@l4lab/protocol';

/** The API server's own Service: every pod gets its variables, whatever its namespace. */
const MASTER_SERVICES = new Set(['kubernetes']);

/** `my-svc` -> `MY_SVC` (makeEnvVariableName). */
function envName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

/** A ClusterIP that is set (not headless `None`, not an ExternalName's empty one). */
function hasClusterIP(s: Service): boolean {
  const ip = s.spec.clusterIP;
  return !!ip && ip !== 'None' && (s.spec.ports?.length ?? 0) > 0;
}

/**
 * The Services whose variables a pod gets: `kubernetes` in `default` always, and with
 * enableServiceLinks (the default) every Service of the pod's own namespace; by name, the pod's
 * namespace winning over `default` for a master service name.
 */
export function linkedServices(pod: Pod, services: readonly Service[]): Service[] {
  const ns = pod.metadata.namespace ?? 'default';
  const links = pod.spec.enableServiceLinks !== false;
  const byName = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s)) continue;
    const sns = s.metadata.namespace ?? 'default';
    const name = s.metadata.name;
    if (sns === 'default' && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, s);
    } else if (sns === ns && links) byName.set(name, s);
  }
  return [...byName.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** One Service's variables (envvars.FromServices), in the kubelet's order. */
function serviceVariables(s: Service): [string, string][] {
  const prefix = envName(s.metadata.name);
  const ip = s.spec.clusterIP!;
  const ports = s.spec.ports ?? [];
  const out: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0]!.port)],
  ];
  for (const p of ports) {
    if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  }
  ports.forEach((p, i) => {
    const proto = p.protocol ?? 'TCP';
    const url = `${proto.toLowerCase()}://${ip}:${p.port}`;
    // Docker special-cases the first port.
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      [portPrefix, url],
      [`${portPrefix}_PROTO`, proto.toLowerCase()],
      [`${portPrefix}_PORT`, String(p.port)],
      [`${portPrefix}_ADDR`, ip],
    );
  });
  return out;
}

/** The Service variables of a container of `pod` starting now, given the cluster's Services. */
export function serviceEnvironment(pod: Pod, services: readonly Service[]): Record<string, string> {
  return Object.fromEntries(linkedServices(pod, services).flatMap(serviceVariables));
}
