// Discovery: what kubectl asks before every command (`/version`, `/api`, `/apis`, and each
// group-version's resource list). Legacy (unaggregated) answers: kubectl asks for aggregated
// discovery first and falls back to these.
import { GROUP_VERSIONS, groupVersion, resourcesOf } from './resources.ts';

/** The Kubernetes minor served: kubectl on these machines runs the release of the same minor. */
export const KUBERNETES_MINOR = 32;

export function versionInfo(l4labVersion: string) {
  return {
    major: '1',
    minor: String(KUBERNETES_MINOR),
    // Build metadata names what serves it, as k3s does (`v1.32.0+k3s1`).
    gitVersion: `v1.${KUBERNETES_MINOR}.0+l4lab.${l4labVersion}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-12-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'l4lab',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUP_VERSIONS.filter((g) => g.group !== '').map(({ group, version }) => {
      const v = { groupVersion: groupVersion(group, version), version };
      return { name: group, versions: [v], preferredVersion: v };
    }),
  };
}

interface Subresource {
  name: string;
  kind: string;
  verbs: string[];
  /** Where its kind lives when not in the resource's own group-version (an Eviction, a Scale). */
  group?: string;
  version?: string;
}

const SCALE = {
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
};

const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

/**
 * The subresources served, listed after their resource as the API server lists them: clients
 * look for them there (`kubectl drain` evicts when it finds `pods/eviction`, and deletes when not).
 */
const SUBRESOURCES: Record<string, Subresource[]> = {
  pods: [
    { name: 'pods/attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'pods/eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/log', kind: 'Pod', verbs: ['get'] },
    { name: 'pods/portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'pods/proxy', kind: 'PodProxyOptions', verbs: PROXY_VERBS },
  ],
  services: [{ name: 'services/proxy', kind: 'ServiceProxyOptions', verbs: PROXY_VERBS }],
  deployments: [{ name: 'deployments/scale', ...SCALE }],
  replicasets: [{ name: 'replicasets/scale', ...SCALE }],
  statefulsets: [{ name: 'statefulsets/scale', ...SCALE }],
};

/** Undefined for a group-version l4lab does not serve. */
export function apiResourceList(group: string, version: string) {
  const resources = resourcesOf(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: resources.flatMap((r) => [
      {
        name: r.name,
        singularName: r.singularName,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
      },
      ...(SUBRESOURCES[r.name] ?? []).map((sub) => ({
        name: sub.name,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub.group ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      })),
    ]),
  };
}
