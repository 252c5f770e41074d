// The pod volumes the kubelet fills from the API: `configMap` and `secret` (pkg/volume/configmap,
// pkg/volume/secret): every key a file, or the `items` chosen, at their `path`. A missing object
// or key fails MountVolume.SetUp (FailedMount) unless the volume is optional; the pod's containers
// wait for it in ContainerCreating. Other volume types are kept in the spec and mount nothing.
// Pure: the kubelet passes what it can look up.
import type { Container, Pod } from '@l4lab/protocol';
import type { ConfigSource } from './containerConfig.ts';
import { ContainerStartError } from './types.ts';

/** A volume's files: bytes by path inside the volume (`index.html`, `conf/app.yaml`). */
export type VolumeFiles = ReadonlyMap<string, Buffer>;

/** MountVolume.SetUp failed: the pod's containers are not created until the volume mounts. */
export class VolumeMountError extends ContainerStartError {
  readonly volume: string;
  constructor(volume: string, message: string) {
    super('ContainerCreating', message);
    this.volume = volume;
  }
  /** The FailedMount Event's message. */
  get event(): string {
    return `MountVolume.SetUp failed for volume ${JSON.stringify(this.volume)} : ${this.message}`;
  }
}

interface KeyToPath {
  key?: string;
  path?: string;
}

interface ConfigVolumeSource {
  name?: string;
  secretName?: string;
  items?: KeyToPath[];
  optional?: boolean;
}

/** Which object a volume reads, or undefined for the types the lab does not fill. */
function sourceOf(
  v: Record<string, unknown>,
): { kind: 'ConfigMap' | 'Secret'; spec: ConfigVolumeSource } | undefined {
  if (v.configMap && typeof v.configMap === 'object')
    return { kind: 'ConfigMap', spec: v.configMap as ConfigVolumeSource };
  if (v.secret && typeof v.secret === 'object')
    return { kind: 'Secret', spec: v.secret as ConfigVolumeSource };
  return undefined;
}

/** The object's values as bytes: data (UTF-8) and binaryData (base64) of a ConfigMap, a Secret's data. */
function payload(
  src: ConfigSource,
  ns: string,
  kind: 'ConfigMap' | 'Secret',
  name: string,
): Map<string, Buffer> | undefined {
  if (kind === 'ConfigMap') {
    const m = src.configMap(ns, name);
    if (!m) return undefined;
    return new Map([
      ...Object.entries(m.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')] as const),
      ...Object.entries(m.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')] as const),
    ]);
  }
  const s = src.secret(ns, name);
  if (!s) return undefined;
  return new Map(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

/** Whether a volume of the pod reads this object (to fill it again when the object changes). */
export function volumeReads(pod: Pod, kind: 'ConfigMap' | 'Secret', name: string): boolean {
  return (pod.spec.volumes ?? []).some((v) => {
    const s = sourceOf(v);
    return s?.kind === kind && (kind === 'ConfigMap' ? s.spec.name : s.spec.secretName) === name;
  });
}

/**
 * The files of every configMap and secret volume of the pod, by volume name, each set up on its
 * own (pkg/volume's SetUp): a volume that fails keeps its `previous` files, if it had any, and
 * says why in `failures`.
 */
export function fillVolumes(
  pod: Pod,
  src: ConfigSource,
  previous?: ReadonlyMap<string, VolumeFiles>,
): { volumes: Map<string, VolumeFiles>; failures: VolumeMountError[] } {
  const ns = pod.metadata.namespace ?? 'default';
  const volumes = new Map<string, VolumeFiles>();
  const failures: VolumeMountError[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const s = sourceOf(v);
    if (!s) continue;
    try {
      volumes.set(v.name, setUp(v.name, s, ns, src));
    } catch (err) {
      if (!(err instanceof VolumeMountError)) throw err;
      failures.push(err);
      const kept = previous?.get(v.name);
      if (kept) volumes.set(v.name, kept);
    }
  }
  return { volumes, failures };
}

function setUp(
  volume: string,
  s: { kind: 'ConfigMap' | 'Secret'; spec: ConfigVolumeSource },
  ns: string,
  src: ConfigSource,
): VolumeFiles {
  const name = (s.kind === 'ConfigMap' ? s.spec.name : s.spec.secretName) ?? '';
  const values = payload(src, ns, s.kind, name);
  if (!values) {
    if (s.spec.optional) return new Map();
    throw new VolumeMountError(volume, `${s.kind.toLowerCase()} ${JSON.stringify(name)} not found`);
  }
  if (!s.spec.items?.length) return values;
  const files = new Map<string, Buffer>();
  for (const item of s.spec.items) {
    const value = values.get(item.key ?? '');
    if (value === undefined) {
      if (s.spec.optional) continue;
      const what =
        s.kind === 'ConfigMap'
          ? 'configmap references non-existent config key'
          : 'references non-existent secret key';
      throw new VolumeMountError(volume, `${what}: ${item.key ?? ''}`);
    }
    files.set(item.path ?? item.key ?? '', value);
  }
  return files;
}

/**
 * The pod's volumes as the kubelet mounts them before its first container: all of them, or
 * VolumeMountError, with the kubelet's message, for the first that cannot be set up.
 */
export function podVolumeFiles(pod: Pod, src: ConfigSource): Map<string, VolumeFiles> {
  const { volumes, failures } = fillVolumes(pod, src);
  if (failures[0]) throw failures[0];
  return volumes;
}

const join = (dir: string, file: string) => `${dir.replace(/\/+$/, '')}/${file}`;

/** One mount's files at their absolute paths; a `subPath` mounts one file (or directory) there. */
function mountFiles(
  m: { mountPath: string; subPath?: string },
  files: VolumeFiles,
): [string, Buffer][] {
  const sub = m.subPath?.replace(/^\/+|\/+$/g, '');
  const out: [string, Buffer][] = [];
  for (const [path, data] of files) {
    if (!sub) out.push([join(m.mountPath, path), data]);
    else if (path === sub) out.push([m.mountPath, data]);
    else if (path.startsWith(`${sub}/`))
      out.push([join(m.mountPath, path.slice(sub.length + 1)), data]);
  }
  return out;
}

/** What a container's `subPath` mounts show now (kept at its start: they never follow changes). */
export function subPathFiles(
  c: Container,
  volumes: ReadonlyMap<string, VolumeFiles>,
): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const m of c.volumeMounts ?? []) {
    const files = volumes.get(m.name);
    if (files && m.subPath) for (const [p, d] of mountFiles(m, files)) out.set(p, d);
  }
  return out;
}

/**
 * What one container sees of the volumes, by absolute path: each mount's files under its
 * mountPath, its `subPath` mounts as `frozen` at its start (when given).
 */
export function containerFiles(
  c: Container,
  volumes: ReadonlyMap<string, VolumeFiles>,
  frozen?: ReadonlyMap<string, Buffer>,
): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const m of c.volumeMounts ?? []) {
    const files = volumes.get(m.name);
    if (!files || (m.subPath && frozen)) continue;
    for (const [p, d] of mountFiles(m, files)) out.set(p, d);
  }
  for (const [p, d] of frozen ?? []) out.set(p, d);
  return out;
}

/** The same files as text, for the stand-ins' shells and `kubectl exec` (`cat /etc/config/color`). */
export function asText(files: ReadonlyMap<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...files].map(([p, b]) => [p, b.toString('utf8')]));
}
