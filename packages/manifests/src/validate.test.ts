import { describe, expect, it } from 'vitest';
import { formatFieldError } from './fieldError.ts';
import { resolveKind, validateObject } from './validate.ts';

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

const SERVED =
  'ClusterRole (rbac.authorization.k8s.io/v1), ClusterRoleBinding (rbac.authorization.k8s.io/v1), ' +
  'ConfigMap (v1), DaemonSet (apps/v1), Deployment (apps/v1), EndpointSlice (discovery.k8s.io/v1), Endpoints (v1), Job (batch/v1), ' +
  'Namespace (v1), NetworkPolicy (networking.k8s.io/v1), Pod (v1), PodDisruptionBudget (policy/v1), ReplicaSet (apps/v1), Secret (v1), Service (v1), ServiceAccount (v1), StatefulSet (apps/v1)';

const service = (
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = { name: 'web' },
) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata,
  spec,
});

describe('validateObject: kinds', () => {
  it('requires apiVersion and kind', () => {
    expect(messages({ metadata: { name: 'x' } })).toEqual([
      'apiVersion: Required value',
      'kind: Required value',
    ]);
  });

  it('says which kinds l4lab serves', () => {
    expect(messages({ apiVersion: 'v1', kind: 'Foo', metadata: { name: 'x' } })).toEqual([
      'kind: Unsupported value: "Foo": l4lab does not serve this kind; supported values: ' +
        '"ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet", "Deployment", "EndpointSlice", ' +
        '"Endpoints", "Job", "Namespace", "NetworkPolicy", "Pod", "PodDisruptionBudget", "ReplicaSet", "Secret", "Service", "ServiceAccount", "StatefulSet"',
    ]);
    expect(resolveKind('networking.k8s.io/v1', 'Ingress')?.message).toBe(
      'no matches for kind "Ingress" in version "networking.k8s.io/v1": l4lab does not serve this kind; it serves ' +
        SERVED,
    );
  });

  it('takes a kind named like an object property (constructor, __proto__) as an unknown kind', () => {
    for (const kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(resolveKind('v1', kind)?.message).toBe(
        `no matches for kind "${kind}" in version "v1": l4lab does not serve this kind; it serves ` +
          SERVED,
      );
    }
  });

  it('rejects a served kind in the wrong apiVersion', () => {
    expect(messages({ apiVersion: 'extensions/v1beta1', kind: 'Deployment' })).toEqual([
      'apiVersion: Unsupported value: "extensions/v1beta1": supported values: "apps/v1"',
    ]);
    expect(resolveKind('v1', 'Deployment')?.message).toBe(
      'no matches for kind "Deployment" in version "v1": l4lab serves Deployment in "apps/v1"',
    );
  });

  it('forbids Nodes, part of the lab itself', () => {
    const [first] = messages({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'x' } });
    expect(first).toMatch(/^kind: Forbidden: /);
    expect(resolveKind('v1', 'Node')?.code).toBe('L4_E_READ_ONLY_KIND');
  });

  it('serves ReplicaSets, EndpointSlices and Endpoints, which users may write too', () => {
    for (const [apiVersion, kind] of [
      ['discovery.k8s.io/v1', 'EndpointSlice'],
      ['v1', 'Endpoints'],
      ['apps/v1', 'ReplicaSet'],
    ] as const) {
      expect(resolveKind(apiVersion, kind)).toBeUndefined();
    }
  });
});

describe('validateObject: decoding like the API server', () => {
  it("reports a string where a number belongs, as Go's decoder words it", () => {
    expect(messages(service({ ports: [{ port: '80' }] }))).toEqual([
      'spec.ports[0].port: Invalid value: "80": json: cannot unmarshal string into Go struct field ' +
        'ServicePort.spec.ports.port of type int32',
    ]);
  });

  it('reports one value: the first in the order kubectl sends the fields (sorted keys)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { version: 1.5 } },
      spec: {
        template: { spec: { containers: { name: 'x' } } },
        selector: 'app=web',
        replicas: 1.5,
      },
    };
    expect(messages(deployment)).toEqual([
      'metadata.labels: Invalid value: 1.5: json: cannot unmarshal number into Go struct field ' +
        'ObjectMeta.metadata.labels of type string',
    ]);
    delete (deployment.metadata as { labels?: unknown }).labels;
    expect(messages(deployment)).toEqual([
      'spec.replicas: Invalid value: 1.5: json: cannot unmarshal number 1.5 into Go struct field ' +
        'DeploymentSpec.spec.replicas of type int32',
    ]);
  });

  it('accepts int-or-string targetPorts and treats null as unset', () => {
    expect(messages(service({ ports: [{ port: 80, targetPort: 'http' }], type: null }))).toEqual(
      [],
    );
  });

  it('does not report unknown fields as errors', () => {
    expect(messages(service({ ports: [{ port: 80, nmae: 'x' }], foo: 1 }))).toEqual([]);
  });
});

describe('validateObject: Pod and Namespace', () => {
  it('validates a Pod', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'Team' },
      spec: { restartPolicy: 'Sometimes', containers: [{ name: 'c', image: 'busybox' }] },
    };
    const out = messages(pod);
    expect(out[0]).toMatch(
      /^metadata\.namespace: Invalid value: "Team": a lowercase RFC 1123 label/,
    );
    expect(out[1]).toBe(
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    );
    const ok = {
      ...pod,
      metadata: { name: 'client' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    expect(messages(ok)).toEqual([]);
  });

  it('validates a Namespace name as a DNS-1123 label', () => {
    expect(messages({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } })).toEqual(
      [],
    );
    expect(messages({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } })).toEqual(
      ['metadata.name: Invalid value: "team.a": must not contain dots'],
    );
    expect(messages({ apiVersion: 'v1', kind: 'Namespace', metadata: {} })).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
  });
});

describe("validateObject: the lab's limits", () => {
  it('refuses a Service with more ports than a lab serves, once, not per port', () => {
    const ports = Array.from({ length: 10_000 }, (_, i) => ({
      name: `p${i}`,
      port: i + 1,
      protocol: 'TCP',
      targetPort: i + 1,
    }));
    expect(messages(service({ type: 'ClusterIP', ports }))).toEqual([
      'spec.ports: Too many: 10000: must have at most 100 items',
    ]);
    expect(messages(service({ type: 'ClusterIP', ports: ports.slice(0, 100) }))).toEqual([]);
  });

  it('refuses more replicas than a lab runs for one Deployment', () => {
    const deployment = (replicas: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
        },
      },
    });
    expect(messages(deployment(51))).toEqual([
      'spec.replicas: Invalid value: 51: must be less than or equal to 50 (the most replicas l4lab runs for one Deployment)',
    ]);
    expect(messages(deployment(50))).toEqual([]);
  });
});
