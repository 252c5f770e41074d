import type { Container, Probe } from '@l4lab/protocol';
import { isNginxImage } from './types.ts';

/** A probe as the kubelet runs it: a TCP connect or an HTTP GET, with Kubernetes' timing fields. */
export interface ProbeSpec {
  kind: 'tcp' | 'http';
  port: number;
  path: string;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
}

/** The container whose probes count: the first nginx one (the only one that serves). */
export function probedContainer(containers: Container[]): Container | undefined {
  return containers.find((c) => isNginxImage(c.image));
}

function parse(c: Container, raw: Probe, firstPort: number): ProbeSpec {
  const portOf = (p: number | string | undefined) =>
    typeof p === 'number' ? p : (c.ports?.find((x) => x.name === p)?.containerPort ?? firstPort);
  return {
    kind: raw.httpGet ? 'http' : 'tcp',
    port: portOf(raw.httpGet?.port ?? raw.tcpSocket?.port),
    path: raw.httpGet?.path ?? '/',
    // Kubernetes' defaults: no initial delay, every 10 s, 1 s timeout, 3 failures, 1 success.
    initialDelayMs: (raw.initialDelaySeconds ?? 0) * 1000,
    periodMs: (raw.periodSeconds ?? 10) * 1000,
    timeoutMs: (raw.timeoutSeconds ?? 1) * 1000,
    failureThreshold: raw.failureThreshold ?? 3,
    successThreshold: raw.successThreshold ?? 1,
  };
}

function firstTcpPort(c: Container): number {
  return c.ports?.find((p) => (p.protocol ?? 'TCP') === 'TCP')?.containerPort ?? 80;
}

/**
 * The readiness probe: the manifest's `readinessProbe`, else l4lab's implicit TCP connect to the
 * first TCP port every `defaultPeriodMs` (a pod is Ready once its nginx listens, not before);
 * undefined when nothing serves TCP (idle and UDP-only pods are ready once started). The implicit
 * probe keeps Kubernetes' failureThreshold of 3: one slow answer on a busy machine must not take a
 * serving pod out of rotation, and a killed nginx needs no probe (it leaves when its process exits).
 */
export function readinessProbeOf(
  containers: Container[],
  defaultPeriodMs: number,
): ProbeSpec | undefined {
  const c = probedContainer(containers);
  if (!c) return undefined;
  const raw = c.readinessProbe;
  if (raw) return parse(c, raw, firstTcpPort(c));
  const tcp = (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (c.ports?.length && tcp.length === 0) return undefined;
  return {
    kind: 'tcp',
    port: firstTcpPort(c),
    path: '/',
    initialDelayMs: 0,
    periodMs: defaultPeriodMs,
    timeoutMs: Math.min(1000, defaultPeriodMs),
    failureThreshold: 3,
    successThreshold: 1,
  };
}

/** The manifest's `livenessProbe` (no implicit one: without it, only a crash restarts). */
export function livenessProbeOf(containers: Container[]): ProbeSpec | undefined {
  const c = probedContainer(containers);
  const raw = c?.livenessProbe;
  return c && raw ? parse(c, raw, firstTcpPort(c)) : undefined;
}
