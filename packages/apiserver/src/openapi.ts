// OpenAPI v3, as much as kubectl needs today: the index of group-versions, and per group-version the
// paths of each resource with its operations, each tagged with its group-version-kind. The PATCH
// operations declare `fieldValidation`, so kubectl (>= 1.27) leaves validation to this server
// (`fieldValidation=Strict`), which validates with Kubernetes' own messages; without these documents
// kubectl apply asks for `--validate=false`. Each kind's schema (the editor's JSON Schema: the same
// fields the validator knows, with the API reference's descriptions) is in `components`, tagged
// with its group-version-kind, for `kubectl explain`.
import { kubernetesJsonSchema, type JsonSchema } from '@l4lab/manifests';
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
    components: { schemas: kindSchemas(gv.group, gv.version) },
  };
}

/** JSON Schema -> OpenAPI v3 schema: int-or-string and quantities as Kubernetes' OpenAPI writes them. */
function openApiSchema(s: JsonSchema): Record<string, unknown> {
  const { type, properties, additionalProperties, items, oneOf: _o, title: _t, ...rest } = s;
  const out: Record<string, unknown> = { ...rest };
  if (Array.isArray(type)) {
    delete out.format;
    const ref = s.format === 'quantity' ? QUANTITY : INT_OR_STRING;
    out.allOf = [{ $ref: `#/components/schemas/${ref}` }];
  } else if (type) out.type = type;
  if (properties)
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([k, v]) => [k, openApiSchema(v)]),
    );
  if (additionalProperties) out.additionalProperties = openApiSchema(additionalProperties);
  if (items) out.items = openApiSchema(items);
  return out;
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** `io.k8s.api.core.v1.Service`: the definition names Kubernetes uses. */
const definitionPrefix = (group: string, version: string) =>
  group === '' ? `io.k8s.api.core.${version}` : `io.k8s.api.${group.split('.')[0]}.${version}`;

function kindSchemas(group: string, version: string): Record<string, object> {
  const gv = groupVersion(group, version);
  const out: Record<string, object> = {
    [INT_OR_STRING]: {
      description:
        'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
      // No `type`: OpenAPI v3 says oneOf, so `kubectl explain` prints the name, `<IntOrString>`.
      oneOf: [{ type: 'integer' }, { type: 'string' }],
      format: 'int-or-string',
    },
    [QUANTITY]: {
      description:
        'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.',
      oneOf: [{ type: 'string' }, { type: 'number' }],
    },
  };
  for (const k of kubernetesJsonSchema().oneOf ?? []) {
    const kind = k.title;
    const apiVersion = k.properties?.apiVersion?.enum?.[0];
    if (!kind || kind === 'List' || apiVersion !== gv) continue;
    // The editor's schema pins apiVersion and kind and requires them: Kubernetes' does neither.
    const { required: _r, ...schema } = openApiSchema(k);
    const props = { ...(schema.properties as Record<string, Record<string, unknown>>) };
    for (const key of ['apiVersion', 'kind']) {
      const { enum: _e, ...field } = props[key] ?? {};
      props[key] = field;
    }
    out[`${definitionPrefix(group, version)}.${kind}`] = {
      ...schema,
      properties: props,
      'x-kubernetes-group-version-kind': [{ group, version, kind }],
    };
  }
  return out;
}

/** What kubectl asks `/openapi/v2` for: gnostic's OpenAPI v2 Document as protobuf. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/**
 * `/openapi/v2`: a Swagger 2.0 document that names the API and defines no schema; the schemas are
 * the v3 documents'. kubectl reads it to validate on the client what server-side field
 * validation does not cover, a `kind: List` file's items (`kubectl get -o yaml` writes one): it
 * finds no schema for them here and leaves them to this server, which validates each as it
 * writes it. Protobuf (Document: swagger = 1, info = 2; Info: title = 1, version = 2) when
 * asked, else JSON.
 */
export function openApiV2(gitVersion: string, protobuf: boolean): Buffer | object {
  const title = 'Kubernetes';
  if (!protobuf) return { swagger: '2.0', info: { title, version: gitVersion }, paths: {} };
  const field = (n: number, bytes: Buffer) =>
    Buffer.concat([Buffer.from([(n << 3) | 2]), varint(bytes.length), bytes]);
  const info = Buffer.concat([field(1, Buffer.from(title)), field(2, Buffer.from(gitVersion))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}
