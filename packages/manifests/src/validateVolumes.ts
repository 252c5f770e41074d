// A pod's volumes, its containers' volume mounts and their ConfigMap / Secret references
// (pkg/apis/core/validation: ValidateVolumes for the configMap and secret sources, validateKeyToPath,
// ValidateVolumeMounts, validateEnvVarValueFrom's key selectors, validateEnvFrom), with
// Kubernetes' messages. Other volume sources are decoded by the schema and otherwise kept.
import { child, duplicate, index, invalid, notFound, required } from './fieldError.ts';
import { isDNS1123Label, isDNS1123Subdomain } from './names.ts';
import type { FieldError } from './types.ts';
import { isConfigMapKey } from './validateAccess.ts';

interface KeyToPathShape {
  key?: string;
  path?: string;
  mode?: number;
}

interface ConfigSourceShape {
  name?: string;
  secretName?: string;
  items?: KeyToPathShape[];
  defaultMode?: number;
}

export interface VolumeShape {
  name?: string;
  configMap?: ConfigSourceShape;
  secret?: ConfigSourceShape;
  [source: string]: unknown;
}

export interface VolumeMountShape {
  name?: string;
  mountPath?: string;
  subPath?: string;
}

interface KeySelectorShape {
  name?: string;
  key?: string;
}

export interface EnvShape {
  name?: string;
  valueFrom?: {
    fieldRef?: unknown;
    resourceFieldRef?: unknown;
    configMapKeyRef?: KeySelectorShape;
    secretKeyRef?: KeySelectorShape;
  };
}

export interface EnvFromShape {
  prefix?: string;
  configMapRef?: { name?: string };
  secretRef?: { name?: string };
}

const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';

/** validateLocalDescendingPath: relative, without a `..` step. */
function localDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(path, p, "must not contain '..'"));
  return errs;
}

/** ValidateLocalNonReservedPath: a descending path that does not start with `..`. */
function localNonReservedPath(p: string, path: string): FieldError[] {
  const errs = localDescendingPath(p, path);
  if (p.startsWith('..')) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

function mode(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && (value < 0 || value > 0o777)
    ? [invalid(path, value, FILE_MODE)]
    : [];
}

function configSource(s: ConfigSourceShape, nameField: 'name' | 'secretName', path: string) {
  const errs: FieldError[] = [];
  if (!s[nameField]) errs.push(required(child(path, nameField)));
  errs.push(...mode(s.defaultMode, child(path, 'defaultMode')));
  (s.items ?? []).forEach((kp, i) => {
    const at = index(child(path, 'items'), i);
    if (!kp.key) errs.push(required(child(at, 'key')));
    if (!kp.path) errs.push(required(child(at, 'path')));
    else errs.push(...localNonReservedPath(kp.path, child(at, 'path')));
    errs.push(...mode(kp.mode, child(at, 'mode')));
  });
  return errs;
}

/** The pod's volumes: names (DNS-1123 labels, unique) and their configMap / secret sources. */
export function validateVolumes(volumes: VolumeShape[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const at = index(path, i);
    if (!v.name) errs.push(required(child(at, 'name')));
    else {
      for (const msg of isDNS1123Label(v.name)) errs.push(invalid(child(at, 'name'), v.name, msg));
      if (names.has(v.name)) errs.push(duplicate(child(at, 'name'), v.name));
      names.add(v.name);
    }
    if (v.configMap) errs.push(...configSource(v.configMap, 'name', child(at, 'configMap')));
    if (v.secret) errs.push(...configSource(v.secret, 'secretName', child(at, 'secret')));
  });
  return errs;
}

/** ValidateVolumeMounts: each names a volume of the pod, at a unique path; subPath descends. */
export function validateVolumeMounts(
  mounts: VolumeMountShape[],
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  mounts.forEach((m, i) => {
    const at = index(path, i);
    if (!m.name) errs.push(required(child(at, 'name')));
    if (!volumes.has(m.name ?? '')) errs.push(notFound(child(at, 'name'), m.name ?? ''));
    if (!m.mountPath) errs.push(required(child(at, 'mountPath')));
    else if (points.has(m.mountPath))
      errs.push(invalid(child(at, 'mountPath'), m.mountPath, 'must be unique'));
    points.add(m.mountPath ?? '');
    // Kubernetes names the list, not the mount, for a subPath's errors.
    if (m.subPath) errs.push(...localDescendingPath(m.subPath, child(path, 'subPath')));
  });
  return errs;
}

function keySelector(s: KeySelectorShape, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(child(path, 'name')));
  else
    for (const msg of isDNS1123Subdomain(s.name))
      errs.push(invalid(child(path, 'name'), s.name, msg));
  if (!s.key) errs.push(required(child(path, 'key')));
  else for (const msg of isConfigMapKey(s.key)) errs.push(invalid(child(path, 'key'), s.key, msg));
  return errs;
}

/** validateEnvVarValueFrom: exactly one source; a ConfigMap or Secret key by name and key. */
export function validateEnvValueFrom(e: EnvShape, path: string): FieldError[] {
  const from = e.valueFrom;
  if (!from) return [];
  const at = child(path, 'valueFrom');
  const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const;
  const set = sources.filter((k) => from[k] !== undefined && from[k] !== null);
  if (set.length === 0)
    return [
      invalid(
        at,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    ];
  const errs: FieldError[] = [];
  if (from.configMapKeyRef)
    errs.push(...keySelector(from.configMapKeyRef, child(at, 'configMapKeyRef')));
  if (from.secretKeyRef) errs.push(...keySelector(from.secretKeyRef, child(at, 'secretKeyRef')));
  if (set.length > 1)
    errs.push(invalid(at, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** validateEnvFrom: each source names its ConfigMap or Secret, one source per entry. */
export function validateEnvFrom(sources: EnvFromShape[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  sources.forEach((s, i) => {
    const at = index(path, i);
    const refs = (['configMapRef', 'secretRef'] as const).filter((k) => s[k]);
    for (const k of refs) {
      const name = s[k]!.name;
      if (!name) errs.push(required(child(child(at, k), 'name')));
      else
        for (const msg of isDNS1123Subdomain(name))
          errs.push(invalid(child(child(at, k), 'name'), name, msg));
    }
    if (refs.length === 0)
      errs.push(invalid(at, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1)
      errs.push(invalid(at, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
