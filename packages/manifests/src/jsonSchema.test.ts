import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { FIELD_DOCS, FIELD_ENUMS, FIELD_RANGES } from './fieldDocs.ts';
import type { JsonSchema } from './jsonSchema.ts';
import { kubernetesJsonSchema } from './jsonSchema.ts';
import type { ObjectSchema, Schema } from './schema.ts';
import { KIND_SCHEMAS } from './schema.ts';

/** Every object type the validator knows, with its fields. */
function objectTypes(): Map<string, ObjectSchema> {
  const out = new Map<string, ObjectSchema>();
  const walk = (s: Schema) => {
    if (s.t === 'array' || s.t === 'map') walk(s.of);
    if (s.t !== 'object' || out.has(s.go)) return;
    out.set(s.go, s);
    for (const f of Object.values(s.fields)) walk(f);
  };
  for (const s of Object.values(KIND_SCHEMAS)) for (const f of Object.values(s.fields)) walk(f);
  return out;
}

/** `path -> schema` of every property in a JSON schema (list items and map values included). */
function properties(s: JsonSchema, path: string, out: Map<string, JsonSchema>) {
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    out.set(`${path}.${name}`, p);
    properties(p, `${path}.${name}`, out);
  }
  if (s.items) properties(s.items, `${path}[]`, out);
  if (s.additionalProperties) properties(s.additionalProperties, `${path}{}`, out);
  for (const alt of s.oneOf ?? []) properties(alt, `${path}(${alt.title})`, out);
  return out;
}

const root = kubernetesJsonSchema();
const kind = (name: string) => root.oneOf!.find((k) => k.title === name)!;

describe('kubernetesJsonSchema', () => {
  const types = objectTypes();

  it('has a description for every field the validator knows, and none for a field it does not', () => {
    const missing: string[] = [];
    for (const [go, s] of types) {
      for (const name of Object.keys(s.fields))
        if (!FIELD_DOCS[go]?.[name]) missing.push(`${go}.${name}`);
    }
    expect(missing).toEqual([]);
    const stale: string[] = [];
    for (const table of [FIELD_DOCS, FIELD_ENUMS, FIELD_RANGES]) {
      for (const [go, fields] of Object.entries(table)) {
        for (const name of Object.keys(fields))
          if (!types.get(go)?.fields[name]) stale.push(`${go}.${name}`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('describes every property of every kind, the List included', () => {
    const all = properties(root, '', new Map());
    expect(all.size).toBeGreaterThan(300);
    const undescribed = [...all].filter(([, p]) => !p.description).map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('tells the kinds apart by kind and apiVersion', () => {
    expect(
      root.oneOf!.map((k) => [k.title, k.properties!.apiVersion!.enum, k.properties!.kind!.enum]),
    ).toEqual([
      ['ClusterRole', ['rbac.authorization.k8s.io/v1'], ['ClusterRole']],
      ['ClusterRoleBinding', ['rbac.authorization.k8s.io/v1'], ['ClusterRoleBinding']],
      ['ConfigMap', ['v1'], ['ConfigMap']],
      ['DaemonSet', ['apps/v1'], ['DaemonSet']],
      ['Deployment', ['apps/v1'], ['Deployment']],
      ['EndpointSlice', ['discovery.k8s.io/v1'], ['EndpointSlice']],
      ['Endpoints', ['v1'], ['Endpoints']],
      ['Job', ['batch/v1'], ['Job']],
      ['Namespace', ['v1'], ['Namespace']],
      ['NetworkPolicy', ['networking.k8s.io/v1'], ['NetworkPolicy']],
      ['Pod', ['v1'], ['Pod']],
      ['PodDisruptionBudget', ['policy/v1'], ['PodDisruptionBudget']],
      ['ReplicaSet', ['apps/v1'], ['ReplicaSet']],
      ['Secret', ['v1'], ['Secret']],
      ['Service', ['v1'], ['Service']],
      ['ServiceAccount', ['v1'], ['ServiceAccount']],
      ['StatefulSet', ['apps/v1'], ['StatefulSet']],
      ['List', ['v1'], ['List']],
    ]);
    expect(Object.keys(kind('Service').properties!.spec!.properties!)).toContain('sessionAffinity');
    expect(Object.keys(kind('Deployment').properties!.spec!.properties!)).not.toContain(
      'sessionAffinity',
    );
    expect(kind('List').properties!.items!.items!.oneOf).toHaveLength(17);
  });

  it('offers the allowed values and ranges', () => {
    const spec = kind('Service').properties!.spec!.properties!;
    expect(spec.type!.enum).toEqual(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
    expect(spec.externalTrafficPolicy!.enum).toEqual(['Cluster', 'Local']);
    expect(spec.ports!.items!.properties!.nodePort).toMatchObject({
      minimum: 30000,
      maximum: 32767,
    });
    expect(spec.ipFamilies!.items!.enum).toEqual(['IPv4', 'IPv6']);
    const podSpec = kind('Deployment').properties!.spec!.properties!.template!.properties!.spec!;
    expect(podSpec.properties!.restartPolicy!.enum).toEqual(['Always', 'OnFailure', 'Never']);
    expect(podSpec.properties!.containers!.items!.properties!.imagePullPolicy!.enum).toEqual([
      'Always',
      'IfNotPresent',
      'Never',
    ]);
  });

  it.each([
    ['type', ['ClusterIP', 'NodePort', 'LoadBalancer']],
    ['sessionAffinity', ['None', 'ClientIP']],
    ['internalTrafficPolicy', ['Cluster', 'Local']],
  ] as const)('every value offered for spec.%s is one the validator accepts', (name, values) => {
    expect(FIELD_ENUMS['v1.ServiceSpec']![name]).toEqual(expect.arrayContaining([...values]));
    for (const v of values) {
      const text = `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ${name}: ${v}\n  selector: {app: web}\n  ports: [{port: 80}]\n`;
      expect(checkManifests(text).errors).toEqual([]);
    }
  });
});
