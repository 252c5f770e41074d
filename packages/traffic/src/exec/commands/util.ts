import { hostsFile, resolvConfText } from '../resolveName.ts';
import type { PodContext } from '../types.ts';

export interface HttpUrl {
  host: string;
  port: number;
  explicitPort: boolean;
  path: string;
  /** The Host header: host[:port] as written. */
  hostHeader: string;
  /** https:// (port 443 unless written). */
  tls: boolean;
}

/**
 * An http:// URL (the scheme may be left out, as wget and curl allow), or https:// where the
 * tool speaks TLS (curl); undefined otherwise.
 */
export function parseUrl(raw: string, schemes: readonly string[] = ['http:']): HttpUrl | undefined {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if (!schemes.includes(u.protocol) || !u.hostname) return undefined;
  const tls = u.protocol === 'https:';
  return {
    tls,
    host: u.hostname,
    port: u.port ? Number(u.port) : tls ? 443 : 80,
    explicitPort: u.port !== '',
    path: `${u.pathname}${u.search}`,
    hostHeader: u.host,
  };
}

/** Most bytes the pod's in-memory files hold together. */
const MAX_FILES_BYTES = 1 << 20;

function absolute(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** Files every pod has: the kubelet-managed /etc/resolv.conf, /etc/hosts, /etc/hostname. */
export function readFile(pod: PodContext, path: string): string | undefined {
  const p = absolute(path);
  const mounted = pod.mounted?.[p];
  if (mounted !== undefined) return mounted;
  if (p === '/etc/resolv.conf') return resolvConfText(pod);
  if (p === '/etc/hosts') return hostsFile(pod.ip, pod.hostname);
  if (p === '/etc/hostname') return `${pod.hostname}\n`;
  if (p === '/dev/null') return '';
  return pod.files.get(p);
}

/** Writes a file of the pod (kept in memory); returns the error text when it cannot. */
export function writeFile(
  pod: PodContext,
  path: string,
  content: string,
  append: boolean,
): string | undefined {
  const p = absolute(path);
  if (p === '/dev/null') return undefined;
  if (p.startsWith('/etc/') || p.startsWith('/proc/') || p.startsWith('/sys/'))
    return 'Read-only file system';
  // ConfigMap and Secret volumes are mounted read-only: anything under a mount point.
  if ((pod.mountPoints ?? []).some((m) => m === p || p.startsWith(m === '/' ? '/' : `${m}/`)))
    return 'Read-only file system';
  const next = (append ? (pod.files.get(p) ?? '') : '') + content;
  let total = next.length;
  for (const [k, v] of pod.files) if (k !== p) total += v.length;
  if (total > MAX_FILES_BYTES) return 'No space left on device';
  pod.files.set(p, next);
  return undefined;
}

/** Every file path the pod has: the kubelet's (mounts included) and what its commands wrote. */
export function filePaths(pod: PodContext): string[] {
  const fixed = ['/etc/resolv.conf', '/etc/hosts', '/etc/hostname'];
  return [...new Set([...fixed, ...Object.keys(pod.mounted ?? {}), ...pod.files.keys()])];
}
