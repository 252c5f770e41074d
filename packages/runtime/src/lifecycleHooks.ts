// preStop hooks, as the kubelet runs them when it stops a pod's containers (killContainer ->
// executePreStopHook): each container's hook at once, each bounded by the pod's grace period,
// before the containers get their stop signal. An exec hook runs in the container (against a
// stand-in's files, or a shell of its own for nginx: `sh -c "sleep 180"` takes 180 s of the
// lab's time); an httpGet hook is a real GET to the pod's address; `sleep` just waits.
import type { Container, LifecycleHandler, Pod } from '@l4lab/protocol';
import type { Clock, PortMapper } from '@l4lab/cluster';
import type { ProbeSpec } from './probeSpec.ts';
import type { PodHandle } from './types.ts';

/** Runs one httpGet against a real address: true on a 2xx/3xx answer. */
export type HookProber = (spec: ProbeSpec, host: string, port: number) => Promise<boolean>;

export interface PreStopContext {
  pod: Pod;
  ip: string;
  handle: PodHandle;
  prober: HookProber;
  mapper: PortMapper;
  clock: Clock;
}

/** Resolves after `ms` of the clock, or at once when `signal` aborts. */
export function wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      timer.cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const podRef = (pod: Pod) =>
  `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}(${pod.metadata.uid ?? ''})`;

function portOf(c: Container, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  if (port !== undefined && /^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort ?? c.ports?.[0]?.containerPort ?? 80;
}

/** One hook, bounded by graceMs: undefined when it succeeded (or ran out of time), else why not. */
async function runHook(
  x: PreStopContext,
  c: Container,
  hook: LifecycleHandler,
  graceMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (hook.exec?.command?.length) {
    const command = hook.exec.command;
    const code = (await x.handle.exec?.(c.name, command, graceMs, signal)) ?? 0;
    // -1: past the grace period (the kubelet goes on to stop the container) or aborted.
    if (code <= 0) return undefined;
    return `Exec lifecycle hook (${JSON.stringify(command)}) for Container "${c.name}" in Pod "${podRef(x.pod)}" failed - error: command '${command.join(' ')}' exited with ${code}`;
  }
  if (hook.httpGet) {
    const port = portOf(c, hook.httpGet.port);
    const path = hook.httpGet.path ?? '/';
    const spec: ProbeSpec = {
      kind: 'http',
      container: c.name,
      port,
      path,
      https: hook.httpGet.scheme === 'HTTPS',
      command: [],
      initialDelayMs: 0,
      periodMs: graceMs,
      timeoutMs: graceMs,
      failureThreshold: 1,
      successThreshold: 1,
    };
    const to = x.mapper.resolve(hook.httpGet.host ?? x.ip, port, 'TCP');
    const ok = await Promise.race([
      x.prober(spec, to.ip, to.port),
      wait(x.clock, graceMs, signal).then(() => true),
    ]);
    if (ok || signal.aborted) return undefined;
    return `HTTP lifecycle hook (${path}) for Container "${c.name}" in Pod "${podRef(x.pod)}" failed - error: Get "http://${x.ip}:${port}${path}": no answer with a status in 200-399`;
  }
  if (hook.sleep) await wait(x.clock, Math.min(hook.sleep.seconds * 1000, graceMs), signal);
  return undefined;
}

/**
 * Every container's preStop hook, at once; resolves when all have ended, at most graceMs later
 * (or when `signal` aborts), with the failures the kubelet reports as FailedPreStopHook events.
 */
export async function runPreStopHooks(
  x: PreStopContext,
  graceMs: number,
  signal: AbortSignal,
): Promise<string[]> {
  const hooks = x.pod.spec.containers.flatMap((c) =>
    c.lifecycle?.preStop ? [runHook(x, c, c.lifecycle.preStop, graceMs, signal)] : [],
  );
  const failures = await Promise.all(hooks);
  return failures.filter((f): f is string => f !== undefined);
}
