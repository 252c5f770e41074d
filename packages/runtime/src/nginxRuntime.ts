import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PortMapper } from '@l4lab/cluster';
import { bindAddressFor } from './hostAddress.ts';
import { podPage } from './page.ts';
import { killPid, processAlive, processCommandLine } from './processes.ts';
import { idlePod, tailFile } from './idlePod.ts';
import type { ContainerRuntime, PodExit, PodHandle, PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export function findNginx(): string | undefined {
  const dirs = (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/usr/local/sbin', '/sbin']);
  for (const d of dirs) {
    const p = join(d, 'nginx');
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

interface Listen {
  ip: string;
  port: number;
  udp: boolean;
}

/** One nginx process per pod: `daemon off`, its own prefix, config, pid file and logs. */
export class NginxRuntime implements ContainerRuntime {
  readonly name = 'nginx' as const;
  readonly #binary: string;
  readonly #podsDir: string;
  readonly #mapper: PortMapper;

  constructor(opts: { binary: string; workspace: string; mapper: PortMapper }) {
    this.#binary = opts.binary;
    this.#podsDir = join(opts.workspace, 'pods');
    this.#mapper = opts.mapper;
  }

  async start(pod: PodSandbox): Promise<PodHandle> {
    const prefix = join(this.#podsDir, `${pod.namespace}_${pod.name}_${pod.uid.slice(0, 8)}`);
    const web = pod.containers.find((c) => isNginxImage(c.image));
    if (!web) return idlePod();
    const listens: Listen[] = [];
    for (const c of pod.containers) {
      if (!isNginxImage(c.image)) continue;
      const ports = c.ports?.length ? c.ports : [{ containerPort: 80, protocol: 'TCP' as const }];
      for (const p of ports) {
        const udp = p.protocol === 'UDP';
        const a = await bindAddressFor(this.#mapper, pod.ip, p.containerPort, udp ? 'UDP' : 'TCP');
        listens.push({ ...a, udp });
      }
    }
    await mkdir(join(prefix, 'html'), { recursive: true });
    await mkdir(join(prefix, 'tmp'), { recursive: true });
    await writeFile(join(prefix, 'html', 'index.html'), podPage(pod));
    await writeFile(join(prefix, 'nginx.conf'), nginxConfig(prefix, pod, listens));
    const child = spawn(
      this.#binary,
      ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<PodExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: 127, signal: null }));
    });
    if (child.pid) await writeFile(join(prefix, 'l4lab.pid'), String(child.pid));
    const pid = child.pid;
    return {
      pid,
      exited: exited.then(async (r) => {
        await rm(join(prefix, 'l4lab.pid'), { force: true });
        return { ...r, ...(stderr ? { message: stderr.trim().split('\n').pop() } : {}) };
      }),
      async stop(graceMs: number) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGQUIT'); // nginx: graceful shutdown
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
      kill() {
        child.kill('SIGKILL');
      },
      logs: () => tailFile(join(prefix, 'access.log'), 200),
    };
  }

  /** Kills nginx processes a previous server left (their pid files are in the workspace). */
  async cleanupOrphans(): Promise<string[]> {
    const removed: string[] = [];
    let entries: string[] = [];
    try {
      entries = await readdir(this.#podsDir);
    } catch {
      return removed;
    }
    for (const e of entries) {
      const prefix = join(this.#podsDir, e);
      for (const file of ['l4lab.pid', 'nginx.pid']) {
        const pid = Number((await readFile(join(prefix, file), 'utf8').catch(() => '')).trim());
        if (pid > 0 && processAlive(pid) && (await processCommandLine(pid)).includes(prefix)) {
          await killPid(pid);
          removed.push(`nginx pid ${pid} (${e})`);
        }
      }
      await rm(prefix, { recursive: true, force: true });
    }
    return removed;
  }
}

function nginxConfig(prefix: string, pod: PodSandbox, listens: Listen[]): string {
  const tcp = listens.filter((l) => !l.udp);
  const udp = listens.filter((l) => l.udp);
  const p = (f: string) => join(prefix, f);
  const lines = [
    ...(udp.length && existsSync(STREAM_MODULE) ? [`load_module ${STREAM_MODULE};`] : []),
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${p('nginx.pid')};`,
    `error_log ${p('error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${p('access.log')};`,
    `  client_body_temp_path ${p('tmp/client')};`,
    `  proxy_temp_path ${p('tmp/proxy')};`,
    `  fastcgi_temp_path ${p('tmp/fastcgi')};`,
    `  uwsgi_temp_path ${p('tmp/uwsgi')};`,
    `  scgi_temp_path ${p('tmp/scgi')};`,
    '  default_type text/html;',
    '  server_tokens on;',
    '  server {',
    ...tcp.map((l) => `    listen ${l.ip}:${l.port};`),
    `    add_header X-Pod-Name ${pod.name} always;`,
    `    add_header X-Pod-Namespace ${pod.namespace} always;`,
    `    add_header X-Pod-IP ${pod.ip} always;`,
    `    add_header X-Node-Name ${pod.node} always;`,
    `    location / { root ${p('html')}; index index.html; }`,
    '  }',
    '}',
  ];
  if (udp.length && existsSync(STREAM_MODULE)) {
    lines.push('stream {', '  server {');
    for (const l of udp) lines.push(`    listen ${l.ip}:${l.port} udp;`);
    lines.push(`    return "${pod.namespace}/${pod.name}\\n";`, '  }', '}');
  }
  return lines.join('\n') + '\n';
}
