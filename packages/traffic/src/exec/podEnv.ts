import type { Pod, Service } from '@l4lab/protocol';

/**
 * A container's environment as the kubelet builds it: PATH and HOSTNAME, then the Docker-links
 * style variables of every Service of the pod's namespace (enableServiceLinks, the default).
 */
export function podEnvironment(pod: Pod, services: Service[]): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.metadata.name,
    HOME: '/root',
    PWD: '/',
    SHLVL: '1',
  };
  const ns = pod.metadata.namespace ?? 'default';
  for (const s of services) {
    if ((s.metadata.namespace ?? 'default') !== ns) continue;
    const ip = s.spec.clusterIP;
    const ports = s.spec.ports ?? [];
    if (!ip || ip === 'None' || s.spec.type === 'ExternalName' || ports.length === 0) continue;
    const name = s.metadata.name.toUpperCase().replaceAll('-', '_');
    const first = ports[0]!;
    env[`${name}_SERVICE_HOST`] = ip;
    env[`${name}_SERVICE_PORT`] = String(first.port);
    for (const p of ports) {
      if (p.name)
        env[`${name}_SERVICE_PORT_${p.name.toUpperCase().replaceAll('-', '_')}`] = String(p.port);
    }
    const proto = (first.protocol ?? 'TCP').toLowerCase();
    env[`${name}_PORT`] = `${proto}://${ip}:${first.port}`;
    for (const p of ports) {
      const pr = (p.protocol ?? 'TCP').toUpperCase();
      const prefix = `${name}_PORT_${p.port}_${pr}`;
      env[prefix] = `${pr.toLowerCase()}://${ip}:${p.port}`;
      env[`${prefix}_PROTO`] = pr.toLowerCase();
      env[`${prefix}_PORT`] = String(p.port);
      env[`${prefix}_ADDR`] = ip;
    }
  }
  return env;
}
