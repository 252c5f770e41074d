// The soak's chaos: every few seconds one nginx pod of the seed Deployments goes, in turns by a
// kill -9 of its nginx (found through its pid file, as a crash; the kubelet restarts it) and by a
// delete through the API (the Deployment creates a replacement, with a new IP).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '@l4lab/protocol';
import type { Random } from '../fuzz/random.ts';
import type { LabClient } from './labClient.ts';

export type KillKind = 'kill -9' | 'delete';

export interface PodKills {
  'kill -9': number;
  delete: number;
  /** Turns with no pod to take (all restarting) or whose kill did not happen. */
  skipped: number;
  /** Why the last skipped turn was skipped. */
  lastSkip?: string;
}

/** nginx pods of the seed Deployments that run now (Ready or not, not terminating). */
export async function runningNginxPods(lab: LabClient, namespaces: string[]): Promise<Pod[]> {
  const pods: Pod[] = [];
  for (const ns of namespaces) {
    const { items } = await lab.get<{ items: Pod[] }>(`/api/objects/pods?namespace=${ns}`);
    pods.push(
      ...items.filter(
        (p) =>
          !p.metadata.deletionTimestamp &&
          p.status?.phase === 'Running' &&
          p.spec.containers.some((c) => c.image.startsWith('nginx')),
      ),
    );
  }
  return pods;
}

/**
 * The pid of a pod's nginx: `<workspace>/pods/<ns>_<name>_<uid8>/l4lab.pid` (the nginx runtime's
 * layout), and only if that process's command line names the pod's directory (a recycled pid is
 * never killed).
 */
export async function nginxPid(workspace: string, pod: Pod): Promise<number | undefined> {
  const { namespace = 'default', name, uid = '' } = pod.metadata;
  const dir = join(workspace, 'pods', `${namespace}_${name}_${uid.slice(0, 8)}`);
  const pid = Number((await readFile(join(dir, 'l4lab.pid'), 'utf8').catch(() => '')).trim());
  if (!(pid > 0)) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.replaceAll('\0', ' ').includes(dir) ? pid : undefined;
}

export class PodKiller {
  readonly kills: PodKills = { 'kill -9': 0, delete: 0, skipped: 0 };
  readonly #lab: LabClient;
  readonly #workspace: string;
  readonly #namespaces: string[];
  readonly #random: Random;
  #turn = 0;

  constructor(lab: LabClient, workspace: string, namespaces: string[], random: Random) {
    this.#lab = lab;
    this.#workspace = workspace;
    this.#namespaces = namespaces;
    this.#random = random;
  }

  /** One turn: a random running nginx pod goes, by kill -9 and by delete in turns. */
  async killOne(): Promise<void> {
    const kind: KillKind = this.#turn++ % 2 === 0 ? 'kill -9' : 'delete';
    const pods = await runningNginxPods(this.#lab, this.#namespaces);
    if (pods.length === 0) return this.#skip('no running nginx pod');
    const pod = this.#random.pick(pods);
    const { namespace = 'default', name } = pod.metadata;
    if (kind === 'delete') {
      const r = await this.#lab.call('DELETE', `/api/objects/pods/${namespace}/${name}`);
      if (r.status !== 200) return this.#skip(`DELETE ${namespace}/${name}: ${r.status}`);
    } else {
      const pid = await nginxPid(this.#workspace, pod);
      if (pid === undefined) return this.#skip(`no nginx pid for ${namespace}/${name}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch (err) {
        return this.#skip(`kill -9 ${pid}: ${String(err)}`);
      }
    }
    this.kills[kind]++;
  }

  #skip(why: string): void {
    this.kills.skipped++;
    this.kills.lastSkip = why;
  }
}
