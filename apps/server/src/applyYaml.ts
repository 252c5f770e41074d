import type { ApplyErrorResponse, ApplyResponse, ManifestError } from '@l4lab/protocol';
import { CLUSTER_SCOPED, FRONTENDS_LISTENING, resourceTypeOfKind } from '@l4lab/protocol';
import type { CheckResult } from '@l4lab/manifests';
import { type Cluster, isForbidden } from '@l4lab/cluster';
import { CheckRefused, type ManifestChecker } from './manifestChecker.ts';

/** A workshop student's apply: defaulted into `namespace`, allowed in `namespaces` (theirs). */
export interface StudentScope {
  namespace: string;
  user: string;
  namespaces?: readonly string[];
}

export type ApplyAnswer =
  | { status: 200; body: ApplyResponse }
  | { status: 400 | 403 | 422 | 429 | 500; body: ApplyErrorResponse };

/**
 * 400 when the API server could not even read an object (YAML syntax, a value of the wrong type:
 * `L4_E_DECODE`), else 422 (it read them and found them invalid).
 */
export function refusalStatus(errors: readonly ManifestError[]): 400 | 422 {
  const unreadable = errors.some((e) => e.code === 'L4_E_YAML_SYNTAX' || e.code === 'L4_E_DECODE');
  return unreadable ? 400 : 422;
}

/**
 * `kubectl apply -f` of a multi-document text: checked like the API server does (400 for a YAML
 * syntax error, 422 for invalid objects, with their lines), then applied all or nothing.
 * Parsing and validation run in the checker's worker; only the apply itself (planning against the
 * store and writing) runs on the event loop. Shared by POST /api/apply and the WebSocket's live mode.
 */
export async function applyYaml(
  cluster: Cluster,
  checker: ManifestChecker,
  text: string,
  /** Lets kube-proxy program what was applied (its frontends), so the answer can warn of failures. */
  settle?: () => Promise<void>,
  /** A workshop student's apply: objects go into their namespaces, and nowhere else. */
  scope?: StudentScope,
): Promise<ApplyAnswer> {
  let checked: CheckResult;
  try {
    checked = await checker.check(text);
  } catch (err) {
    if (err instanceof CheckRefused) return { status: err.status, body: { errors: [err.error] } };
    throw err;
  }
  if (checked.errors.length > 0) {
    return { status: refusalStatus(checked.errors), body: { errors: checked.errors } };
  }
  if (checked.objects.length === 0) {
    const empty: ManifestError = {
      message: 'error: no objects passed to apply',
      path: '',
      line: 1,
      column: 1,
      document: 0,
      severity: 'error',
      code: 'L4_E_EMPTY',
    };
    return { status: 422, body: { errors: [empty] } };
  }
  if (scope) {
    const refused = await outsideNamespace(checker, text, checked, scope);
    if (refused.length > 0) return { status: 403, body: { errors: refused } };
  }
  let outcome: ReturnType<Cluster['apply']>;
  try {
    outcome = cluster.apply(checked.objects.map((o) => o.object));
  } catch (err) {
    // An allocator out of addresses: the API server's 500 (live mode must not crash the server).
    const text = err instanceof Error ? err.message : String(err);
    const m = /^(L4_E_[A-Z_]+): (.*)$/s.exec(text);
    const internal: ManifestError = {
      message: `Internal error occurred: ${m ? m[2] : text}`,
      path: '',
      line: 1,
      column: 1,
      document: 0,
      severity: 'error',
      code: m ? m[1]! : 'L4_E_INTERNAL',
    };
    return { status: 500, body: { errors: [internal] } };
  }
  if (!outcome.ok) {
    const fields = outcome.errors.map((e) => ({
      document: checked.objects[e.index]!.document,
      path: e.path,
    }));
    const positions = await checker.locate(text, fields).catch(() => []);
    const errors: ManifestError[] = outcome.errors.map((e, i) => {
      const obj = checked.objects[e.index]!;
      const pos = positions[i] ?? obj;
      return {
        message: e.message,
        path: e.path,
        line: pos.line,
        column: pos.column,
        document: obj.document,
        severity: 'error',
        code: e.code,
      };
    });
    // Over the lab's quota, or a pod's ServiceAccount missing, is Forbidden (403), as the API
    // server's admission refuses them; anything else 422.
    const forbidden = errors.every((e) => isForbidden(e.code));
    return { status: forbidden ? 403 : 422, body: { errors } };
  }
  const warnings = [...checked.warnings, ...(await frontendWarnings(cluster, checked, settle))];
  return {
    status: 200,
    body: {
      results: outcome.results,
      ...(warnings.length ? { warnings } : {}),
    },
  };
}

/**
 * A student's objects: those without a namespace go into theirs (as their kubeconfig's context
 * does for kubectl); one in another namespace, or of a cluster-scoped kind other than their own
 * Namespace, is refused as RBAC refuses it, at its line.
 */
async function outsideNamespace(
  checker: ManifestChecker,
  text: string,
  checked: CheckResult,
  scope: StudentScope,
): Promise<ManifestError[]> {
  const owned = scope.namespaces ?? [scope.namespace];
  // The checker defaults a missing namespace to "default": ask where each such object's
  // `metadata.namespace` was written, and take the ones without it into the student's namespace.
  const unsure = checked.objects.filter(
    (o) => !CLUSTER_SCOPED.has(o.object.kind) && o.object.metadata.namespace === 'default',
  );
  // (A path that is not in the text is located at its nearest ancestor: `metadata` itself.)
  const fields = unsure.flatMap((o) => [
    { document: o.document, path: 'metadata.namespace' },
    { document: o.document, path: 'metadata' },
  ]);
  const at = await checker.locate(text, fields);
  unsure.forEach((o, i) => {
    const ns = at[2 * i];
    const metadata = at[2 * i + 1];
    const absent = !ns || (metadata && ns.line === metadata.line && ns.column === metadata.column);
    if (absent) o.object.metadata.namespace = scope.namespace;
  });
  const errors: ManifestError[] = [];
  for (const o of checked.objects) {
    const { kind, metadata } = o.object;
    const type = resourceTypeOfKind(kind);
    const plural = type?.plural ?? `${kind.toLowerCase()}s`;
    const group = type?.group ?? '';
    let message: string | undefined;
    if (CLUSTER_SCOPED.has(kind)) {
      if (!(kind === 'Namespace' && owned.includes(metadata.name)))
        message = `${plural} "${metadata.name}" is forbidden: User "${scope.user}" cannot patch resource "${plural}" in API group "${group}" at the cluster scope`;
    } else if (metadata.namespace === undefined) {
      metadata.namespace = scope.namespace;
    } else if (!owned.includes(metadata.namespace)) {
      message = `${plural} "${metadata.name}" is forbidden: User "${scope.user}" cannot patch resource "${plural}" in API group "${group}" in the namespace "${metadata.namespace}"`;
    }
    if (message)
      errors.push({
        message,
        path: CLUSTER_SCOPED.has(kind) ? 'kind' : 'metadata.namespace',
        line: o.line,
        column: o.column,
        document: o.document,
        severity: 'error',
        code: 'L4_E_FORBIDDEN',
      });
  }
  return errors;
}

/**
 * A Service just applied whose frontend kube-proxy could not open (its address held by a host
 * process, no descriptors left): said in the apply's answer, as the API server's warnings are,
 * and not only later on the Service. kube-proxy gets a bounded moment to try.
 */
async function frontendWarnings(
  cluster: Cluster,
  checked: CheckResult,
  settle: (() => Promise<void>) | undefined,
): Promise<ManifestError[]> {
  const services = checked.objects.filter((o) => o.object.kind === 'Service');
  if (!settle || services.length === 0) return [];
  await Promise.race([
    settle().catch(() => undefined),
    new Promise((r) => setTimeout(r, SETTLE_MS).unref()),
  ]);
  const out: ManifestError[] = [];
  for (const o of services) {
    const { namespace = 'default', name } = o.object.metadata;
    const svc = cluster.store.get('Service', namespace, name);
    const c = svc?.status?.conditions?.find((x) => x.type === FRONTENDS_LISTENING);
    if (c?.status !== 'False') continue;
    out.push({
      message: `Service "${name}": ${c.message}`,
      path: 'spec.ports',
      line: o.line,
      column: o.column,
      document: o.document,
      severity: 'warning',
      code: 'L4_W_FRONTEND',
    });
  }
  return out;
}

/** The longest an apply waits for kube-proxy to open a Service's frontends. */
const SETTLE_MS = 500;
