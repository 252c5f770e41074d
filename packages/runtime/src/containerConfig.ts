// What a container reads from the ConfigMaps and Secrets of its pod's namespace, as the kubelet
// resolves it when the container starts (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// `envFrom` sources first, then `env` entries, whose `configMapKeyRef` / `secretKeyRef` take the
// key's value as is (never `$(VAR)`-expanded). A missing object or key stops the container from
// being created (CreateContainerConfigError) unless the reference is optional. Pure: the kubelet
// passes what it can look up.
import type { ConfigMap, Container, EnvVar, Secret } from '@l4lab/protocol';
import { ContainerStartError } from './types.ts';

/** The objects of the cluster a container's configuration names. */
export interface ConfigSource {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

/** The kubelet's CreateContainerConfigError: the container is not created until it is fixed. */
export class ContainerConfigError extends ContainerStartError {
  constructor(message: string) {
    super('CreateContainerConfigError', message);
  }
}

/** `$` doubled: the value passes the kubelet's `$(VAR)` expansion unchanged. */
const literal = (value: string) => value.replaceAll('$', '$$');

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

interface Lookup {
  kind: 'ConfigMap' | 'Secret';
  /** Its values, decoded; undefined when the object does not exist. */
  values: Record<string, string> | undefined;
}

function lookup(src: ConfigSource, ns: string, kind: 'ConfigMap' | 'Secret', name: string): Lookup {
  if (kind === 'ConfigMap') return { kind, values: src.configMap(ns, name)?.data ?? undefined };
  const s = src.secret(ns, name);
  return {
    kind,
    values: s && Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)])),
  };
}

/** The kubelet's NotFound: `configmap "x" not found` (its caches name the resource singular). */
function notFound(kind: 'ConfigMap' | 'Secret', name: string): ContainerConfigError {
  return new ContainerConfigError(`${kind.toLowerCase()} ${JSON.stringify(name)} not found`);
}

function resolveSources(c: Container, ns: string, src: ConfigSource): EnvVar[] {
  const out: EnvVar[] = [];
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const name = ref.name ?? '';
    const { values } = lookup(src, ns, kind, name);
    if (!values) {
      if (ref.optional) continue;
      throw notFound(kind, name);
    }
    // Every key, whatever its name: since Kubernetes 1.32 (RelaxedEnvironmentVariableValidation,
    // on by default) the kubelet no longer skips keys that are not C identifiers.
    for (const [key, value] of Object.entries(values))
      out.push({ name: (from.prefix ?? '') + key, value: literal(value) });
  }
  return out;
}

function resolveVar(e: EnvVar, ns: string, src: ConfigSource): EnvVar | undefined {
  const from = e.valueFrom;
  const ref = from?.configMapKeyRef ?? from?.secretKeyRef;
  if (!from || !ref) return e;
  const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
  const name = ref.name ?? '';
  const { values } = lookup(src, ns, kind, name);
  if (!values) {
    if (ref.optional) return undefined;
    throw notFound(kind, name);
  }
  if (!Object.hasOwn(values, ref.key)) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${name}`);
  }
  return { name: e.name, value: literal(values[ref.key]!) };
}

/**
 * The container as it starts in namespace `ns`: its `envFrom` variables, then its `env` with
 * every ConfigMap and Secret key read now (a later change does not reach a running container).
 * Throws ContainerConfigError when a non-optional reference is missing.
 */
export function resolveContainerConfig(c: Container, ns: string, src: ConfigSource): Container {
  const refs = c.env?.some((e) => e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef);
  if (!c.envFrom?.length && !refs) return c;
  const env = resolveSources(c, ns, src);
  for (const e of c.env ?? []) {
    const resolved = resolveVar(e, ns, src);
    if (resolved) env.push(resolved);
  }
  const container = { ...c, env };
  delete container.envFrom;
  return container;
}

/** Whether a container's configuration names this object (to retry it when the object comes). */
export function namesConfig(c: Container, kind: 'ConfigMap' | 'Secret', name: string): boolean {
  const key = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const ref = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  return (
    (c.env ?? []).some((e) => e.valueFrom?.[key]?.name === name) ||
    (c.envFrom ?? []).some((f) => f[ref]?.name === name)
  );
}
