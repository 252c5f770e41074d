// OpenAPI v3, as much as kubectl needs today: the index of group-versions, and per group-version the
// paths of each resource with its operations, each tagged with its group-version-kind. The PATCH
// operations declare `fieldValidation`, so kubectl (>= 1.27) leaves validation to this server
// (`fieldValidation=Strict`), which validates with Kubernetes' own messages; without these documents
// kubectl apply asks for `--validate=false`. Schemas for `kubectl explain` are not here yet.
import { GROUP_VERSIONS, groupVersion, resourcesOf, type ApiResource } from './resources.ts';

/** `api/v1`, `apis/apps/v1`: the key and URL of a group-version's document. */
const docPath = (group: string, version: string) =>
  group ? `apis/${group}/${version}` : `api/${version}`;

export function openApiIndex() {
  return {
    paths: Object.fromEntries(
      GROUP_VERSIONS.map(({ group, version }) => [
        docPath(group, version),
        { serverRelativeURL: `/openapi/v3/${docPath(group, version)}` },
      ]),
    ),
  };
}

const queryParam = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, modifications are not persisted (only All).'),
  queryParam('fieldManager', 'The name of the actor or entity making the changes.'),
  queryParam(
    'fieldValidation',
    'Ignore, Warn or Strict: how unknown or duplicate fields in the request are treated.',
  ),
];

function operation(r: ApiResource, action: string, params: object[] = []) {
  return {
    operationId: `${action}${r.kind}`,
    parameters: params,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

/** Undefined for a group-version l4lab does not serve. */
export function openApiDocument(path: string) {
  const gv = GROUP_VERSIONS.find((g) => docPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  for (const r of resourcesOf(gv.group, gv.version)) {
    if (!r.type) continue; // Events: read-only, no writes to describe
    const base = `/${docPath(gv.group, gv.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.name}`;
    paths[base] = {
      get: operation(r, 'list'),
      ...(r.verbs.includes('create') ? { post: operation(r, 'post', WRITE_PARAMS) } : {}),
    };
    paths[`${base}/{name}`] = {
      get: operation(r, 'get'),
      ...(r.verbs.includes('update') ? { put: operation(r, 'put', WRITE_PARAMS) } : {}),
      ...(r.verbs.includes('patch')
        ? {
            patch: operation(r, 'patch', [
              ...WRITE_PARAMS,
              queryParam('force', 'Force is going to "force" Apply requests.'),
            ]),
          }
        : {}),
      ...(r.verbs.includes('delete') ? { delete: operation(r, 'delete') } : {}),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (l4lab)', version: groupVersion(gv.group, gv.version) },
    paths,
    components: { schemas: {} },
  };
}
