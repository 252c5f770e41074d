import type { Container, Probe } from '@l4lab/protocol';
import { isNginxImage } from './types.ts';

/**
 * A probe as the kubelet runs it: a TCP connect, an HTTP GET or a command (exec, against the
 * container's stand-in), with Kubernetes' timing fields.
 */
export interface ProbeSpec {
  kind: 'tcp' | 'http' | 'exec';
  /** The container it belongs to (an exec probe runs in it). */
  container: string;
  port: number;
  path: string;
  /** httpGet's `scheme`: HTTPS is TLS, the certificate not checked (as the kubelet's prober). */
  https: boolean;
  command: string[];
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
}

function parse(c: Container, raw: Probe, firstPort: number): ProbeSpec {
  const portOf = (p: number | string | undefined) =>
    typeof p === 'number' ? p : (c.ports?.find((x) => x.name === p)?.containerPort ?? firstPort);
  return {
    kind: raw.exec ? 'exec' : raw.httpGet ? 'http' : 'tcp',
    container: c.name,
    port: portOf(raw.httpGet?.port ?? raw.tcpSocket?.port),
    path: raw.httpGet?.path ?? '/',
    https: raw.httpGet?.scheme === 'HTTPS',
    command: raw.exec?.command ?? [],
    // Kubernetes' defaults: no initial delay, every 10 s, 1 s timeout, 3 failures, 1 success.
    initialDelayMs: (raw.initialDelaySeconds ?? 0) * 1000,
    periodMs: (raw.periodSeconds ?? 10) * 1000,
    timeoutMs: (raw.timeoutSeconds ?? 1) * 1000,
    failureThreshold: raw.failureThreshold ?? 3,
    successThreshold: raw.successThreshold ?? 1,
  };
}

const isTcp = (p: { protocol?: string }) => (p.protocol ?? 'TCP') === 'TCP';

function firstTcpPort(c: Container): number {
  return c.ports?.find(isTcp)?.containerPort ?? 80;
}

/**
 * The readiness probe: the first container's `readinessProbe`, else l4lab's implicit TCP connect
 * every `defaultPeriodMs` to the first TCP port that serves: a declared one, or nginx's 80 when
 * its container declares none (a pod is Ready once it listens, not before). Undefined when nothing
 * is declared to serve TCP (a busybox running `sleep`, a UDP-only pod): Ready once started, as a
 * container without a readinessProbe is on a cluster. The implicit probe keeps Kubernetes'
 * failureThreshold of 3: one slow answer on a busy machine must not take a serving pod out of
 * rotation, and a killed container needs no probe (it leaves when its process exits).
 */
export function readinessProbeOf(
  containers: Container[],
  defaultPeriodMs: number,
): ProbeSpec | undefined {
  const probed = containers.find((c) => c.readinessProbe);
  if (probed) return parse(probed, probed.readinessProbe!, firstTcpPort(probed));
  const serving = containers.find((c) =>
    c.ports?.length ? c.ports.some(isTcp) : isNginxImage(c.image),
  );
  if (!serving) return undefined;
  return {
    kind: 'tcp',
    container: serving.name,
    port: firstTcpPort(serving),
    path: '/',
    https: false,
    command: [],
    initialDelayMs: 0,
    periodMs: defaultPeriodMs,
    timeoutMs: Math.min(1000, defaultPeriodMs),
    failureThreshold: 3,
    successThreshold: 1,
  };
}

/** The first container's `livenessProbe` (no implicit one: without it, only a crash restarts). */
export function livenessProbeOf(containers: Container[]): ProbeSpec | undefined {
  const c = containers.find((x) => x.livenessProbe);
  return c ? parse(c, c.livenessProbe!, firstTcpPort(c)) : undefined;
}
