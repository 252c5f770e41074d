import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container } from '@l4lab/protocol';
import { type Clock, type PortMapper, realClock } from '@l4lab/cluster';
import { tailFile } from '../tailFile.ts';
import { nextAccessLog } from '../accessLogs.ts';
import { nginxConfig, podListens, writeTlsFiles } from '../nginxConfig.ts';
import { type NginxSite, nginxSite, refusedNginx } from '../nginxSite.ts';
import { cleanupPodDirs, podDir, removePodDir } from '../orphans.ts';
import { nginxHtmlFiles, writeHtmlDir } from '../nginxHtml.ts';
import { rssOf } from '../processes.ts';
import { startStandIns, standInPodHandle } from '../standIn/standInPod.ts';
import type {
  ContainerRuntime,
  PodExit,
  PodHandle,
  PodNetworkTools,
  PodSandbox,
} from '../types.ts';
import { ContainerStartError, isNginxImage } from '../types.ts';
import { ContainerReaper } from './containerReaper.ts';
import { type DockerEngine, normalizeImage } from './dockerEngine.ts';
import { removeLabelledContainers } from './labels.ts';

/** Where a pod's directory (config, page, logs) appears inside its nginx container. */
const POD_MOUNT = '/l4lab-pod';

export const IMAGE_BUILD_HINT =
  "run `l4lab image build` (npm run image:build) to build nginx:latest from this host's nginx";

/**
 * Pods as Docker containers on the host network: an nginx image serves a generated config listening
 * on the pod's own address (so the address plan holds), other images run their `command` when the
 * image is present, and get a stand-in (standIn/) when it is not. Every container carries l4lab's
 * labels, so clean-up finds exactly ours, and dies with the server (ContainerReaper), kill -9
 * included.
 */
export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker' as const;
  readonly #engine: DockerEngine;
  readonly #workspace: string;
  readonly #podsDir: string;
  readonly #mapper: PortMapper;
  /** This server run: its containers' label, so that its reaper removes only them. */
  readonly #instance = randomUUID();
  readonly #reaper: ContainerReaper;
  readonly #clock: Clock;
  #seq = 0;

  readonly #network: PodNetworkTools | undefined;

  constructor(opts: {
    engine: DockerEngine;
    workspace: string;
    mapper: PortMapper;
    clock?: Clock;
    network?: PodNetworkTools;
  }) {
    this.#network = opts.network;
    this.#engine = opts.engine;
    this.#clock = opts.clock ?? realClock;
    this.#workspace = opts.workspace;
    this.#podsDir = join(opts.workspace, 'pods');
    this.#mapper = opts.mapper;
    this.#reaper = new ContainerReaper({
      engineSocket: opts.engine.socketPath,
      workspace: opts.workspace,
      instance: this.#instance,
    });
  }

  async start(pod: PodSandbox): Promise<PodHandle> {
    const web = pod.containers.find((c) => isNginxImage(c.image));
    const others = pod.containers.filter((c) => !isNginxImage(c.image));
    if (web && !(await this.#engine.imageExists(web.image))) {
      throw new ContainerStartError(
        'ErrImagePull',
        `Failed to pull image "${web.image}": not present locally and l4lab cannot pull (no registry); ${IMAGE_BUILD_HINT}` +
          (normalizeImage(web.image) === 'nginx:latest'
            ? ''
            : `, then \`docker tag nginx:latest ${web.image}\``),
      );
    }
    const runnable: Container[] = [];
    const missing: Container[] = [];
    for (const c of others) {
      if (await this.#engine.imageExists(c.image)) runnable.push(c);
      else missing.push(c);
    }
    const note = missing.length
      ? `image ${missing.map((c) => `"${c.image}"`).join(', ')} not present locally and cannot be pulled (no registry)`
      : undefined;
    const dir = podDir(this.#podsDir, pod);
    const ids: string[] = [];
    const names: string[] = [];
    // nginx reads its conf.d first: a configuration it refuses ends the container at once.
    const site = web ? nginxSite(pod) : undefined;
    const refused = site?.kind === 'emerg' ? refusedNginx(site.message) : undefined;
    const serve = refused ? undefined : web;
    // With its nginx refused, the pod's other containers are not created either: the pod is
    // restarted whole (a real process restarts with its pod here), so nothing would stop them.
    if (refused) runnable.length = 0;
    if (serve || runnable.length > 0) this.#reaper.ensureRunning();
    const accessLog = serve ? await nextAccessLog(dir) : undefined;
    try {
      if (serve && site) {
        ids.push(await this.#createNginx(pod, serve, site, dir, accessLog!));
        names.push(serve.name);
      }
      for (const c of runnable) {
        ids.push(await this.#createCommand(pod, c));
        names.push(c.name);
      }
    } catch (err) {
      await Promise.all(ids.map((id) => this.#engine.removeContainer(id).catch(() => {})));
      throw new ContainerStartError('CreateContainerError', String(err));
    }
    const started =
      ids.length > 0
        ? await this.#startAll(ids, names, accessLog && join(dir, accessLog))
        : undefined;
    // nginx's html directory is the pod directory's, bound into the container.
    const serving = (h: PodHandle): PodHandle => ({
      ...h,
      updateVolumeFiles: (next) => writeHtmlDir(join(dir, 'html'), nginxHtmlFiles(next)),
    });
    const main: PodHandle | undefined = started && serve ? serving(started) : (refused ?? started);
    // nginx alone in its container (no other real one beside it): a new container for it when it
    // ends, the pod's stand-ins running on, reading its conf.d and files as they are now. With
    // other real containers in the pod, it restarts whole.
    const restartMain =
      serve && runnable.length === 0
        ? async (now: PodSandbox) => {
            const conf = nginxSite(now);
            if (conf.kind === 'emerg') return refusedNginx(conf.message);
            this.#reaper.ensureRunning();
            const log = await nextAccessLog(dir);
            let id: string;
            try {
              id = await this.#createNginx(now, serve, conf, dir, log);
            } catch (err) {
              throw new ContainerStartError('CreateContainerError', String(err));
            }
            return serving(await this.#startAll([id], [serve.name], join(dir, log)));
          }
        : undefined;
    const o = { mapper: this.#mapper, clock: this.#clock, network: this.#network };
    const runs = await startStandIns(pod, missing, o).catch(async (err: unknown) => {
      await main?.stop(0);
      throw err;
    });
    return standInPodHandle(pod, runs, {
      ...o,
      ...(main ? { main } : {}),
      ...(restartMain ? { restartMain } : {}),
      ...(note ? { note } : {}),
    });
  }

  async #startAll(
    ids: string[],
    names: string[],
    accessLog: string | undefined,
  ): Promise<PodHandle> {
    try {
      for (const id of ids) await this.#engine.startContainer(id);
    } catch (err) {
      await Promise.all(ids.map((id) => this.#engine.removeContainer(id).catch(() => {})));
      throw new ContainerStartError('RunContainerError', String(err));
    }
    return this.#handle(ids, names, accessLog);
  }

  async #createNginx(
    pod: PodSandbox,
    c: Container,
    site: NginxSite,
    dir: string,
    accessLog: string,
  ): Promise<string> {
    const listens = await podListens(this.#mapper, pod, site);
    await writeHtmlDir(join(dir, 'html'), nginxHtmlFiles(pod));
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await writeTlsFiles(dir, listens);
    await writeFile(join(dir, 'nginx.conf'), nginxConfig(POD_MOUNT, pod, listens, accessLog));
    return this.#engine.createContainer(this.#containerName(pod, c), {
      Image: c.image,
      Entrypoint: ['nginx'],
      Cmd: ['-p', POD_MOUNT, '-c', `${POD_MOUNT}/nginx.conf`, '-e', `${POD_MOUNT}/error.log`],
      Labels: this.#labels(pod, c),
      StopSignal: 'SIGQUIT', // nginx's graceful shutdown, like the official image
      HostConfig: { NetworkMode: 'host', Binds: [`${dir}:${POD_MOUNT}`] },
    });
  }

  async #createCommand(pod: PodSandbox, c: Container): Promise<string> {
    return this.#engine.createContainer(this.#containerName(pod, c), {
      Image: c.image,
      ...(c.command ? { Entrypoint: c.command } : {}),
      ...(c.args ? { Cmd: c.args } : {}),
      Labels: this.#labels(pod, c),
      HostConfig: { NetworkMode: 'host' },
    });
  }

  async #handle(ids: string[], names: string[], accessLog: string | undefined): Promise<PodHandle> {
    const engine = this.#engine;
    const main = ids[0]!;
    const infos = await Promise.all(ids.map((id) => engine.inspectContainer(id).catch(() => null)));
    const pid = infos[0]?.State.Pid || undefined;
    // As cri-dockerd reports them: an image with no registry digest (built here) as docker://sha256.
    const containerIDs = new Map(
      infos.flatMap((info, i) =>
        info
          ? [[names[i]!, { containerID: `docker://${info.Id}`, imageID: `docker://${info.Image}` }]]
          : [],
      ),
    );
    const exited: Promise<PodExit> = engine.waitContainer(main).then(
      async (code) => {
        const message = code === 0 ? undefined : (await engine.logs(main, 1).catch(() => []))[0];
        await Promise.all(ids.map((id) => engine.removeContainer(id).catch(() => {})));
        return { code, signal: code === 137 ? 'SIGKILL' : null, ...(message ? { message } : {}) };
      },
      (err: unknown) => ({ code: 255, signal: null, message: String(err) }),
    );
    return {
      ...(pid ? { pid } : {}),
      containerIDs,
      exited,
      async stop(graceMs: number) {
        const seconds = Math.ceil(graceMs / 1000);
        await Promise.all(ids.map((id) => engine.stopContainer(id, seconds).catch(() => {})));
        await exited;
      },
      kill() {
        void engine.killContainer(main, 'SIGKILL').catch(() => {});
      },
      logs: () => (accessLog ? tailFile(accessLog, 200) : engine.logs(main, 200)),
      rss: async () => (pid ? rssOf(pid) : undefined),
    };
  }

  #containerName(pod: PodSandbox, c: Container): string {
    return `l4lab-${pod.namespace}-${pod.name}-${c.name}-${pod.uid.slice(0, 8)}-${++this.#seq}`;
  }

  #labels(pod: PodSandbox, c: Container): Record<string, string> {
    return {
      l4lab: '1',
      'l4lab.pod': `${pod.namespace}/${pod.name}`,
      'l4lab.uid': pod.uid,
      'l4lab.container': c.name,
      'l4lab.node': pod.node,
      'l4lab.workspace': this.#workspace,
      'l4lab.instance': this.#instance,
    };
  }

  remove(pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>): Promise<void> {
    return removePodDir(this.#podsDir, pod);
  }

  /** Every pod has stopped (an orderly stop): the reaper has nothing left to remove. */
  close(): Promise<void> {
    return this.#reaper.release();
  }

  /** Containers an earlier server of this workspace left (by label), and its pod directories. */
  async cleanupOrphans(): Promise<string[]> {
    const removed = await removeLabelledContainers(this.#engine, this.#workspace);
    return [...removed, ...(await cleanupPodDirs(this.#podsDir))];
  }
}
