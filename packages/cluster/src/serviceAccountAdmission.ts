// The ServiceAccount admission plugin's check on a new pod: the ServiceAccount it runs as must
// exist in its namespace, else the pod is Forbidden, in the API server's words. The `default`
// ServiceAccount of an active namespace counts as there: the serviceaccount controller makes it,
// and the API server waits for it a while rather than refuse.
import type { PodSpec } from '@l4lab/protocol';
import { DEFAULT_SERVICE_ACCOUNT } from './controllers/serviceAccountController.ts';

interface Lookup {
  get(kind: 'ServiceAccount', namespace: string, name: string): unknown;
}

/** The ServiceAccount a pod of this spec runs as (v1's `serviceAccount` is an alias). */
export function podServiceAccount(spec: PodSpec): string {
  return spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
}

/**
 * Why the API server refuses to create pod `name` (a generateName prefix, `web-7d4b9c-`, for a
 * controller's) in `namespace`, or undefined: `pods "x" is forbidden: error looking up service
 * account default/reader: serviceaccount "reader" not found`. `alsoCreated`: ServiceAccounts
 * written earlier in the same request.
 */
export function serviceAccountRefusal(
  store: Lookup,
  namespace: string,
  name: string,
  spec: PodSpec,
  alsoCreated: ReadonlySet<string> = new Set(),
): string | undefined {
  const sa = podServiceAccount(spec);
  if (sa === DEFAULT_SERVICE_ACCOUNT) return undefined;
  if (store.get('ServiceAccount', namespace, sa) || alsoCreated.has(`${namespace}/${sa}`))
    return undefined;
  return `pods "${name}" is forbidden: error looking up service account ${namespace}/${sa}: serviceaccount "${sa}" not found`;
}
