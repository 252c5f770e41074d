import type { PodExit, PodHandle } from './types.ts';

/**
 * The handle of a pod whose servers run in this process (CoreDNS's, kube-proxy's): a stop or a
 * kill runs `close` once, then the pod has exited (0, or 137 as SIGKILL); `logs` its last lines.
 */
export function inProcessPod(close: () => Promise<void>, logs: () => readonly string[]): PodHandle {
  let release!: (r: PodExit) => void;
  const exited = new Promise<PodExit>((r) => (release = r));
  let closing: Promise<void> | undefined;
  const end = (exit: PodExit) => (closing ??= close().then(() => release(exit)));
  return {
    exited,
    stop: () => end({ code: 0, signal: null }),
    kill: () => void end({ code: 137, signal: 'SIGKILL' }),
    logs: async () => logs().slice(-200),
  };
}
