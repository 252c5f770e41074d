import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PortMapper } from '@l4lab/cluster';
import { bindAddressFor } from './hostAddress.ts';
import type { NginxSite, NginxTls } from './nginxSite.ts';
import type { PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export interface Listen {
  ip: string;
  port: number;
  udp: boolean;
  /** HTTPS on this port (`listen 443 ssl` in the container's conf.d). */
  tls?: NginxTls;
}

/**
 * Where the pod's nginx really listens: the ports of the containers' own conf.d when one is
 * mounted (nginxSite.ts), else each containerPort of the nginx containers (port 80 when none).
 * UDP containerPorts get the lab's echo either way.
 */
export async function podListens(
  mapper: PortMapper,
  pod: PodSandbox,
  site: NginxSite = { kind: 'image' },
): Promise<Listen[]> {
  const listens: Listen[] = [];
  if (site.kind === 'conf.d') {
    for (const l of site.listens) {
      const a = await bindAddressFor(mapper, pod.ip, l.port, 'TCP');
      listens.push({ ...a, udp: false, ...(l.tls ? { tls: l.tls } : {}) });
    }
  }
  for (const c of pod.containers) {
    if (!isNginxImage(c.image)) continue;
    const ports = c.ports?.length ? c.ports : [{ containerPort: 80, protocol: 'TCP' as const }];
    for (const p of ports) {
      const udp = p.protocol === 'UDP';
      if (site.kind === 'conf.d' && !udp) continue;
      const a = await bindAddressFor(mapper, pod.ip, p.containerPort, udp ? 'UDP' : 'TCP');
      listens.push({ ...a, udp });
    }
  }
  return listens;
}

/** Where a TLS port's certificate and key are written in the pod's directory (nginxConfig's paths). */
export const tlsFiles = (port: number) => ({ cert: `ssl/${port}.crt`, key: `ssl/${port}.key` });

/**
 * A pod's nginx.conf: `daemon off`, one worker, every path under `prefix` (the pod's directory, or
 * where a container sees it), the pod's page and headers on each TCP port, a UDP echo of its name.
 */
export function nginxConfig(
  prefix: string,
  pod: PodSandbox,
  listens: Listen[],
  accessLog = 'access.log',
): string {
  const plain = listens.filter((l) => !l.udp && !l.tls);
  const secure = listens.filter((l) => !l.udp && l.tls);
  const udp = listens.filter((l) => l.udp);
  const stream = udp.length > 0 && existsSync(STREAM_MODULE);
  const p = (f: string) => join(prefix, f);
  const server = (ls: Listen[], tls: string[]) =>
    ls.length === 0
      ? []
      : [
          '  server {',
          ...ls.map((l) => `    listen ${l.ip}:${l.port}${l.tls ? ' ssl' : ''};`),
          ...tls,
          `    add_header X-Pod-Name ${pod.name} always;`,
          `    add_header X-Pod-Namespace ${pod.namespace} always;`,
          `    add_header X-Pod-IP ${pod.ip} always;`,
          `    add_header X-Node-Name ${pod.node} always;`,
          `    location / { root ${p('html')}; index index.html; }`,
          '  }',
        ];
  const lines = [
    ...(stream ? [`load_module ${STREAM_MODULE};`] : []),
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${p('nginx.pid')};`,
    `error_log ${p('error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${p(accessLog)};`,
    `  client_body_temp_path ${p('tmp/client')};`,
    `  proxy_temp_path ${p('tmp/proxy')};`,
    `  fastcgi_temp_path ${p('tmp/fastcgi')};`,
    `  uwsgi_temp_path ${p('tmp/uwsgi')};`,
    `  scgi_temp_path ${p('tmp/scgi')};`,
    '  default_type text/html;',
    '  server_tokens on;',
    // No TCP port, no http server: an empty `server {}` would listen on *:80.
    ...server(plain, []),
    // Each HTTPS port a server of its own: its certificate is its own.
    ...secure.flatMap((l) => {
      const f = tlsFiles(l.port);
      return server(
        [l],
        [`    ssl_certificate ${p(f.cert)};`, `    ssl_certificate_key ${p(f.key)};`],
      );
    }),
    '}',
  ];
  if (stream) {
    lines.push('stream {', '  server {');
    for (const l of udp) lines.push(`    listen ${l.ip}:${l.port} udp;`);
    lines.push(`    return "${pod.namespace}/${pod.name}\\n";`, '  }', '}');
  }
  return lines.join('\n') + '\n';
}

/** Writes each HTTPS port's certificate and key where nginxConfig names them (the key owner-only). */
export async function writeTlsFiles(prefix: string, listens: readonly Listen[]): Promise<void> {
  for (const l of listens) {
    if (!l.tls) continue;
    const f = tlsFiles(l.port);
    await mkdir(join(prefix, 'ssl'), { recursive: true });
    await writeFile(join(prefix, f.cert), l.tls.cert);
    await writeFile(join(prefix, f.key), l.tls.key, { mode: 0o600 });
  }
}
