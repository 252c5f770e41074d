import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PortMapper } from '@l4lab/cluster';
import { bindAddressFor } from './hostAddress.ts';
import type { PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export interface Listen {
  ip: string;
  port: number;
  udp: boolean;
}

/** Where each containerPort of the pod's nginx containers really listens (port 80 when none). */
export async function podListens(mapper: PortMapper, pod: PodSandbox): Promise<Listen[]> {
  const listens: Listen[] = [];
  for (const c of pod.containers) {
    if (!isNginxImage(c.image)) continue;
    const ports = c.ports?.length ? c.ports : [{ containerPort: 80, protocol: 'TCP' as const }];
    for (const p of ports) {
      const udp = p.protocol === 'UDP';
      const a = await bindAddressFor(mapper, pod.ip, p.containerPort, udp ? 'UDP' : 'TCP');
      listens.push({ ...a, udp });
    }
  }
  return listens;
}

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
  const tcp = listens.filter((l) => !l.udp);
  const udp = listens.filter((l) => l.udp);
  const stream = udp.length > 0 && existsSync(STREAM_MODULE);
  const p = (f: string) => join(prefix, f);
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
    ...(tcp.length > 0
      ? [
          '  server {',
          ...tcp.map((l) => `    listen ${l.ip}:${l.port};`),
          `    add_header X-Pod-Name ${pod.name} always;`,
          `    add_header X-Pod-Namespace ${pod.namespace} always;`,
          `    add_header X-Pod-IP ${pod.ip} always;`,
          `    add_header X-Node-Name ${pod.node} always;`,
          `    location / { root ${p('html')}; index index.html; }`,
          '  }',
        ]
      : []),
    '}',
  ];
  if (stream) {
    lines.push('stream {', '  server {');
    for (const l of udp) lines.push(`    listen ${l.ip}:${l.port} udp;`);
    lines.push(`    return "${pod.namespace}/${pod.name}\\n";`, '  }', '}');
  }
  return lines.join('\n') + '\n';
}
