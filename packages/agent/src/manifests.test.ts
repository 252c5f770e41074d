// The agent's manifests (packages/agent/manifests/agent.yaml) against Kubernetes' own schema: the
// models of @kubernetes/client-node 1.3.0 (generated from the API's OpenAPI), walked field by
// field, so an unknown field or a value of the wrong type fails here before any cluster sees it.
// Lab A's server-side dry run of the same file is in apps/server/src/agentManifests.integration.test.ts.
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const MANIFESTS = new URL('../manifests/agent.yaml', import.meta.url);

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type Model = { getAttributeTypeMap(): Attribute[] };

/** The model class of a type name (`V1DaemonSet`, `RbacV1Subject`), if client-node has one. */
function modelOf(type: string): Model | undefined {
  const m = (k8s as unknown as Record<string, unknown>)[type];
  return typeof m === 'function' && 'getAttributeTypeMap' in m ? (m as Model) : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** Every problem of `value` against the schema type `type`, with its field path. */
function schemaProblems(value: unknown, type: string, path: string, format = ''): string[] {
  const wrong = (want: string) => [`${path}: expected ${want}, got ${JSON.stringify(value)}`];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return wrong('a list');
    return value.flatMap((v, i) => schemaProblems(v, array[1]!, `${path}[${i}]`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (!isRecord(value)) return wrong('a map');
    return Object.entries(value).flatMap(([k, v]) => schemaProblems(v, map[1]!, `${path}[${k}]`));
  }
  switch (type) {
    case 'any':
      return [];
    case 'string':
      if (typeof value !== 'string') return wrong('a string');
      return format === 'byte' && !BASE64.test(value) ? wrong('base64') : [];
    case 'number':
      if (typeof value !== 'number') return wrong('a number');
      return format.startsWith('int') && !Number.isInteger(value) ? wrong('an integer') : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : wrong('a boolean');
    case 'Date':
      return typeof value === 'string' && RFC3339.test(value) ? [] : wrong('an RFC 3339 time');
    case 'IntOrString':
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string'
        ? []
        : wrong('an integer or a string');
  }
  const model = modelOf(type);
  if (!model) return [`${path}: no schema for type ${type}`];
  if (!isRecord(value)) return wrong(`an object (${type})`);
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a]));
  return Object.entries(value).flatMap(([k, v]) => {
    const a = attributes.get(k);
    const at = path ? `${path}.${k}` : k;
    return a ? schemaProblems(v, a.type, at, a.format) : [`${at}: unknown field "${k}" (${type})`];
  });
}

/** The model of a top-level object, by its apiVersion and kind (`apps/v1` DaemonSet: V1DaemonSet). */
function topLevelProblems(o: unknown): string[] {
  if (!isRecord(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string')
    return ['not a Kubernetes object (apiVersion and kind are required)'];
  const version = o.apiVersion.split('/').at(-1)!;
  const type = `${version[0]!.toUpperCase()}${version.slice(1)}${o.kind}`;
  return schemaProblems(o, type, '');
}

function documents(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as unknown;
  });
}

describe("the agent's manifests against Kubernetes' schema (@kubernetes/client-node's models)", () => {
  const objects = documents(readFileSync(MANIFESTS, 'utf8')) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  }[];

  it('has no unknown field and no value of the wrong type', () => {
    expect(objects.flatMap((o) => topLevelProblems(o).map((p) => `${o.kind}: ${p}`))).toEqual([]);
  });

  it('holds the Namespace, the ServiceAccount, the RBAC objects and the DaemonSet, and no Secret', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'v1 Namespace l4lab-system',
      'v1 ServiceAccount l4lab-agent',
      'rbac.authorization.k8s.io/v1 ClusterRole l4lab-agent',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding l4lab-agent',
      'apps/v1 DaemonSet l4lab-agent',
    ]);
  });

  it('runs the agent on every node with NET_ADMIN only, not privileged, its token read-only', () => {
    const ds = objects.find((o) => o.kind === 'DaemonSet') as unknown as k8s.V1DaemonSet;
    const pod = ds.spec!.template.spec!;
    const [agent, ...others] = pod.containers;
    expect(others).toEqual([]);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(agent).toMatchObject({
      name: 'agent',
      image: 'l4lab/agent:0.1.0',
      imagePullPolicy: 'IfNotPresent',
      args: ['--listen', '0.0.0.0:9641', '--token-file', '/var/run/l4lab/token'],
      env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      ports: [{ name: 'events', containerPort: 9641, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/healthz', port: 'events' } },
      securityContext: {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      },
      volumeMounts: [{ name: 'token', mountPath: '/var/run/l4lab', readOnly: true }],
    });
    expect(pod.volumes).toEqual([
      { name: 'token', secret: { secretName: 'l4lab-agent-token', defaultMode: 0o400 } },
    ]);
    expect(ds.spec!.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'l4lab-agent' });
  });

  it('grants the agent no API access: an empty ClusterRole, and no token in its pods', () => {
    const role = objects.find((o) => o.kind === 'ClusterRole') as unknown as k8s.V1ClusterRole;
    expect(role.rules).toEqual([]);
    const sa = objects.find((o) => o.kind === 'ServiceAccount') as unknown as k8s.V1ServiceAccount;
    expect(sa.automountServiceAccountToken).toBe(false);
  });
});

describe('the schema walk', () => {
  const daemonSet = (spec: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'x' },
    spec,
  });

  it('finds unknown fields and values of the wrong type, with their paths', () => {
    expect(
      topLevelProblems(
        daemonSet({
          selector: { matchLabels: { a: 'b' } },
          template: {
            spec: {
              hostNetwork: 'yes',
              containers: [{ name: 'c', image: 'i', ports: [{ containerPort: '80' }], cap: 1 }],
            },
          },
          replicas: 2,
        }),
      ),
    ).toEqual([
      'spec.template.spec.hostNetwork: expected a boolean, got "yes"',
      'spec.template.spec.containers[0].ports[0].containerPort: expected a number, got "80"',
      'spec.template.spec.containers[0].cap: unknown field "cap" (V1Container)',
      'spec.replicas: unknown field "replicas" (V1DaemonSetSpec)',
    ]);
  });

  it('knows the RBAC models by their group (RbacV1Subject) and int-or-string ports', () => {
    expect(
      topLevelProblems({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'x' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' },
        subjects: [{ kind: 'ServiceAccount', name: 'x', namespace: 'y', uid: 'z' }],
      }),
    ).toEqual(['subjects[0].uid: unknown field "uid" (RbacV1Subject)']);
    expect(schemaProblems({ port: 'events' }, 'V1HTTPGetAction', '')).toEqual([]);
    expect(schemaProblems({ port: 1.5 }, 'V1HTTPGetAction', '')).toEqual([
      'port: expected an integer or a string, got 1.5',
    ]);
  });
});
