// A pod's handle when some of its containers are stand-ins: beside the real process (nginx, Docker
// containers) when there is one, or alone. Every runtime builds its pods' handles here, so exec
// probes, stand-in notes and the pod's end work the same in all three.
import type { Clock, PortMapper } from '@l4lab/cluster';
import type { Container } from '@l4lab/protocol';
import type { PodExit, PodHandle, PodNetworkTools, PodSandbox, StandInInfo } from '../types.ts';
import {
  type StandInContainer,
  type StandInOptions,
  execScratch,
  startStandIn,
} from './standInContainer.ts';

/** Starts a stand-in for each container; when one cannot start, the others are stopped. */
export async function startStandIns(
  pod: PodSandbox,
  containers: Container[],
  o: StandInOptions,
): Promise<StandInContainer[]> {
  const runs: StandInContainer[] = [];
  try {
    for (const c of containers) runs.push(await startStandIn(pod, c, o));
  } catch (err) {
    for (const r of runs) r.stop();
    throw err;
  }
  return runs;
}

const SAYS: Record<StandInInfo['kind'], string> = {
  generic: 'l4lab does not run this image; its ports accept connections',
  emulated: 'l4lab answers as this image does, without running it',
  shell: 'l4lab runs its command in a stand-in shell, not in the image',
};

/** The pod's status message about its stand-ins: `stand-in for redis:7: l4lab does not run ...`. */
export function standInNote(standIns: readonly StandInInfo[]): string | undefined {
  if (standIns.length === 0) return undefined;
  return standIns.map((s) => `stand-in for ${s.image}: ${SAYS[s.kind]}`).join('; ');
}

/**
 * The pod's handle. With a real process (`main`), the pod ends when it ends (the stand-ins beside
 * it stop then); without, a lone stand-in's end is the pod's. In a pod of several containers, each
 * stand-in's end is its own (`onContainerExit`, then `restartContainer`): the kubelet decides when
 * the pod has ended. So is the real process's, when the runtime can start it again alone
 * (`restartMain`): its containers restart while the stand-ins beside them run on, as a crashed
 * nginx container restarts beside its sidecar on a cluster.
 */
export function standInPodHandle(
  pod: PodSandbox,
  first: StandInContainer[],
  o: {
    clock: Clock;
    mapper?: PortMapper;
    network?: PodNetworkTools | undefined;
    main?: PodHandle;
    /** Starts the real process again (its containers only), for the sandbox as it is now. */
    restartMain?: (sandbox: PodSandbox) => Promise<PodHandle>;
    note?: string;
  },
): PodHandle {
  /** The real process now (a restarted one replaces its last), and the one before it. */
  let main = o.main;
  let previousMain: PodHandle | undefined;
  /** The sandbox as it is now: its volumes' files change (updateVolumeFiles). */
  let current = pod;
  /** The real process being started again: one start, whichever of its containers asks. */
  let restarting: Promise<void> | undefined;
  let release!: (e: PodExit) => void;
  const exited = new Promise<PodExit>((r) => (release = r));
  /** Each stand-in container's current process (a restarted one replaces its last). */
  const runs = [...first];
  /** Ephemeral containers (`kubectl debug`) started in this sandbox since. */
  const ephemeral: StandInContainer[] = [];
  // A pod of several containers: each stand-in's end is its own (the kubelet restarts it).
  const several = pod.containers.length > 1;
  let stopping = false;
  let listener: ((container: string, exit: PodExit) => void) | undefined;
  /** Each container's run that ended last (its log for `kubectl logs --previous`). */
  const ended = new Map<string, StandInContainer>();
  /** Ends heard before the kubelet listened (a script that exits at once). */
  const early: [string, PodExit][] = [];
  const stopRuns = () => {
    stopping = true;
    runs.forEach((r) => r.stop());
    ephemeral.forEach((r) => r.kill());
  };
  const watch = (r: StandInContainer) =>
    void r.exited.then((e) => {
      if (stopping || !runs.includes(r)) return;
      ended.set(r.container, r);
      if (listener) listener(r.container, e);
      else early.push([r.container, e]);
    });
  if (several) runs.forEach(watch);
  // The containers the real process serves (those no stand-in does), and whether its end is theirs
  // alone: only with stand-ins beside it, and a way to start it again.
  const standing = new Set(runs.map((r) => r.container));
  const mainContainers = pod.containers.map((c) => c.name).filter((n) => !standing.has(n));
  const separate = several && runs.length > 0 && o.restartMain !== undefined;
  /** The real process ended on its own and was not started again yet. */
  let mainDown = false;
  const watchMain = (m: PodHandle) =>
    void m.exited.then((e) => {
      if (m !== main) return;
      // The pod's end (not separate, or stopped or killed whole): the stand-ins end with it.
      if (!separate || stopping) {
        stopRuns();
        return release(e);
      }
      mainDown = true;
      for (const name of mainContainers) {
        if (listener) listener(name, e);
        else early.push([name, e]);
      }
    });
  if (main) {
    watchMain(main);
  } else if (runs.length > 0 && !several) {
    void Promise.all(runs.map((r) => r.exited)).then((es) =>
      release(es.find((e) => e.code !== 0) ?? es[0]!),
    );
  }
  const standIns = runs.map((r) => ({ container: r.container, image: r.image, kind: r.kind }));
  const note = [o.note, main?.note, standInNote(standIns)].filter(Boolean).join('; ');
  return {
    // The real process's, as it is now (it may have been started again since).
    get pid() {
      return main?.pid;
    },
    get containerIDs() {
      return main?.containerIDs;
    },
    exited,
    async stop(graceMs: number) {
      stopRuns();
      if (main) await main.stop(graceMs);
      release({ code: 0, signal: null });
    },
    kill() {
      stopping = true;
      runs.forEach((r) => r.kill());
      ephemeral.forEach((r) => r.kill());
      // A real process ends its pod when it is gone (its ports free), not before.
      if (main && !mainDown) main.kill();
      else release({ code: 137, signal: 'SIGKILL' });
    },
    // A crash of the serving process: its containers' alone, when its end is its own.
    ...(separate ? { crash: () => (main && !mainDown ? main.kill() : undefined) } : {}),
    async logs() {
      const own = runs.flatMap((r) => r.logs());
      const m = main;
      return m ? [...(await m.logs()), ...own].slice(-200) : own.slice(-200);
    },
    async containerLogs(container) {
      const run = [...runs, ...ephemeral].find((r) => r.container === container);
      if (run) return run.logs().slice(-200);
      const m = main;
      return m && pod.containers.some((c) => c.name === container)
        ? (await m.logs()).slice(-200)
        : [];
    },
    ...(o.main?.rss ? { rss: async () => main?.rss?.() } : {}),
    ...(o.main?.updateVolumeFiles
      ? {
          updateVolumeFiles: async (next) => {
            current = next;
            await main?.updateVolumeFiles?.(next);
          },
        }
      : {}),
    exec(container, command, timeoutMs, signal) {
      const run = runs.find((r) => r.container === container);
      return run
        ? run.exec(command, timeoutMs, signal)
        : execScratch(pod, o, command, timeoutMs, signal);
    },
    ...(standIns.length ? { standIns } : {}),
    ...(note ? { note } : {}),
    interactiveShell(container) {
      const run = runs.find((r) => r.container === container && r.interactive);
      return run ? { finish: (code) => run.finish(code) } : undefined;
    },
    ...(several
      ? {
          onContainerExit(l: (container: string, exit: PodExit) => void) {
            listener = l;
            for (const [container, e] of early.splice(0)) l(container, e);
          },
          async previousContainerLogs(container: string) {
            if (mainContainers.includes(container)) {
              // Down: the run that just ended; running again: the one before it.
              const last = mainDown ? main : previousMain;
              return last ? (await last.logs()).slice(-200) : undefined;
            }
            return ended.get(container)?.logs().slice(-200);
          },
          async restartContainer(container: string) {
            if (mainContainers.includes(container)) {
              // Its containers share the process: the first of them to restart starts it, the
              // others wait for that start.
              if (restarting) return restarting;
              if (!separate || !mainDown || stopping) return;
              restarting = (async () => {
                const next = await o.restartMain!(current);
                if (stopping) return next.stop(0);
                previousMain = main;
                main = next;
                mainDown = false;
                watchMain(next);
              })().finally(() => (restarting = undefined));
              return restarting;
            }
            const i = runs.findIndex((r) => r.container === container);
            const c = pod.containers.find((x) => x.name === container);
            if (i < 0 || !c || stopping || !o.mapper) return;
            const run = await startStandIn(pod, c, { ...o, mapper: o.mapper });
            if (stopping) return run.kill();
            runs[i] = run;
            watch(run);
          },
        }
      : {}),
    async startEphemeral(c) {
      if (!o.mapper) throw new Error('no address plan to run an ephemeral container in');
      const run = await startStandIn(pod, c, {
        mapper: o.mapper,
        clock: o.clock,
        network: o.network,
      });
      // One the stand-in cannot run (a generic stand-in) does not start: it has no log either.
      if (run.kind === 'shell') ephemeral.push(run);
      else run.kill();
      return { kind: run.kind, exited: run.exited, kill: () => run.kill() };
    },
  };
}
