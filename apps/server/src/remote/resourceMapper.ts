// kubectl's RESTMapper, small: which resource (plural name, namespaced or not) serves a kind in
// an apiVersion, read from the API server's discovery (`/api/v1`, `/apis/<group>/<version>`), so
// any kind the remote cluster serves (ConfigMaps, CRDs, ...) can be applied, not only l4lab's.
import type { KubeApi } from './kubeClient.ts';

export interface RestMapping {
  /** `/api/v1` or `/apis/apps/v1` */
  base: string;
  /** `deployments` */
  resource: string;
  namespaced: boolean;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class ResourceMapper {
  readonly #api: KubeApi;
  /** Discovery by groupVersion; only answers that were found are kept (a CRD may come later). */
  readonly #found = new Map<string, ApiResource[]>();

  constructor(api: KubeApi) {
    this.#api = api;
  }

  /** The resource serving `kind` in `apiVersion`, or kubectl's error when there is none. */
  async mappingFor(apiVersion: string, kind: string): Promise<RestMapping | { error: string }> {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let resources = this.#found.get(apiVersion);
    if (!resources) {
      const answer = await this.#api.request('GET', base);
      const list = answer.body as { resources?: ApiResource[] } | undefined;
      if (answer.status === 200 && Array.isArray(list?.resources)) {
        resources = list.resources;
        this.#found.set(apiVersion, resources);
      }
    }
    // Subresources (`deployments/scale`) share their parent's kind name in some lists.
    const r = resources?.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r)
      return {
        error: `resource mapping not found for kind "${kind}" in version "${apiVersion}": no matches for kind "${kind}" in version "${apiVersion}" (ensure CRDs are installed first)`,
      };
    return { base, resource: r.name, namespaced: r.namespaced };
  }
}

/** The object's path: `/apis/apps/v1/namespaces/web/deployments/x`, `/api/v1/nodes/n`. */
export function objectPath(m: RestMapping, namespace: string | undefined, name: string): string {
  const ns = m.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${m.base}${ns}/${m.resource}/${encodeURIComponent(name)}`;
}
