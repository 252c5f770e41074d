import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Clock, type PortMapper, realClock } from '@l4lab/cluster';
import { nginxHtmlFiles, writeHtmlDir } from './nginxHtml.ts';
import { cleanupContainersIfEngine } from './docker/detect.ts';
import { cleanupPodDirs, podDir, removePodDir } from './orphans.ts';
import { rssOf } from './processes.ts';
import { tailFile } from './tailFile.ts';
import { nextAccessLog } from './accessLogs.ts';
import { nginxConfig, podListens, writeTlsFiles } from './nginxConfig.ts';
import { nginxSite, refusedNginx } from './nginxSite.ts';
import { startStandIns, standInPodHandle } from './standIn/standInPod.ts';
import type { ContainerRuntime, PodExit, PodHandle, PodNetworkTools, PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

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

/** `1.22.1`, from `nginx -v` (it writes `nginx version: nginx/1.22.1` to stderr); `unknown` if it says nothing. */
export function nginxVersion(binary: string): string {
  const r = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 5000 });
  return /nginx\/([\w.]+)/.exec(`${r.stderr ?? ''}${r.stdout ?? ''}`)?.[1] ?? 'unknown';
}

/**
 * One nginx process per pod with an nginx image: `daemon off`, its own prefix, config, pid file
 * and logs; the pod's other containers (and pods of other images) get their stand-ins (standIn/).
 */
export class NginxRuntime implements ContainerRuntime {
  readonly name = 'nginx' as const;
  readonly #binary: string;
  readonly #workspace: string;
  readonly #podsDir: string;
  readonly #mapper: PortMapper;
  readonly #clock: Clock;
  readonly #network: PodNetworkTools | undefined;

  constructor(opts: {
    binary: string;
    workspace: string;
    mapper: PortMapper;
    clock?: Clock;
    network?: PodNetworkTools;
  }) {
    this.#network = opts.network;
    this.#binary = opts.binary;
    this.#workspace = opts.workspace;
    this.#podsDir = join(opts.workspace, 'pods');
    this.#mapper = opts.mapper;
    this.#clock = opts.clock ?? realClock;
  }

  async start(pod: PodSandbox): Promise<PodHandle> {
    const others = pod.containers.filter((c) => !isNginxImage(c.image));
    const main = others.length < pod.containers.length ? await this.#startNginx(pod) : undefined;
    const o = { mapper: this.#mapper, clock: this.#clock, network: this.#network };
    const runs = await startStandIns(pod, others, o).catch(async (err: unknown) => {
      await main?.stop(0);
      throw err;
    });
    return standInPodHandle(pod, runs, {
      ...o,
      ...(main ? { main, restartMain: (now) => this.#startNginx(now) } : {}),
    });
  }

  /** The pod's nginx, listening on the ports of its nginx containers. */
  async #startNginx(pod: PodSandbox): Promise<PodHandle> {
    const prefix = podDir(this.#podsDir, pod);
    const site = nginxSite(pod);
    if (site.kind === 'emerg') return refusedNginx(site.message);
    const listens = await podListens(this.#mapper, pod, site);
    await writeHtmlDir(join(prefix, 'html'), nginxHtmlFiles(pod));
    await mkdir(join(prefix, 'tmp'), { recursive: true });
    await writeTlsFiles(prefix, listens);
    const accessLog = join(prefix, await nextAccessLog(prefix));
    await writeFile(
      join(prefix, 'nginx.conf'),
      nginxConfig(prefix, pod, listens, basename(accessLog)),
    );
    const [command, args] = diesWithServer(this.#binary, [
      '-p',
      prefix,
      '-c',
      join(prefix, 'nginx.conf'),
      '-e',
      join(prefix, 'error.log'),
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
      logs: () => tailFile(accessLog, 200),
      updateVolumeFiles: (next) => writeHtmlDir(join(prefix, 'html'), nginxHtmlFiles(next)),
      rss: async () => (pid ? rssOf(pid) : undefined),
    };
  }

  remove(pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>): Promise<void> {
    return removePodDir(this.#podsDir, pod);
  }

  /**
   * Kills nginx processes a previous server left (their pid files are in the workspace), and the
   * containers of an earlier docker-runtime run of this workspace when an engine answers.
   */
  async cleanupOrphans(): Promise<string[]> {
    const containers = await cleanupContainersIfEngine(this.#workspace);
    return [...containers, ...(await cleanupPodDirs(this.#podsDir))];
  }
}

/** util-linux's setpriv: it sets the parent-death signal, then execs (same pid, same process). */
const SETPRIV = '/usr/bin/setpriv';
const hasSetpriv = process.platform === 'linux' && existsSync(SETPRIV);

/**
 * The command that runs `binary` so that it is killed when the server dies, even by kill -9
 * (PR_SET_PDEATHSIG; nginx runs with `master_process off`, one process). Without setpriv, the
 * next start removes what is left (cleanupOrphans).
 */
export function diesWithServer(binary: string, args: string[]): [string, string[]] {
  return hasSetpriv ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
}
