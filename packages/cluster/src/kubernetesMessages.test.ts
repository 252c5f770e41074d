// The API validation messages of reference/kubernetes-services.md that need the cluster's state,
// exactly as kubectl prints them, through Cluster.apply. Test ranges: the default plan
// (service CIDR 127.96.0.0/16, NodePorts 30000-32767).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@l4lab/protocol';
import type { Cluster } from './cluster.ts';
import { makeDeployment, makeService, newTestCluster } from './testBuilders.ts';

function messages(cluster: Cluster, objects: KubeObject[]): string[] {
  const out = cluster.apply(objects);
  return out.ok ? [] : out.errors.map((e) => `${e.path}|${e.message}`);
}

interface Row {
  name: string;
  first: KubeObject[];
  then: KubeObject[];
  errors: string[];
}

const ROWS: Row[] = [
  {
    name: 'nodePort already allocated',
    first: [
      makeService('default', 'a', (s) => {
        s.spec.type = 'NodePort';
        s.spec.ports![0]!.nodePort = 30080;
      }),
    ],
    then: [
      makeService('default', 'b', (s) => {
        s.spec.type = 'NodePort';
        s.spec.ports![0]!.nodePort = 30080;
      }),
    ],
    errors: [
      'spec.ports[0].nodePort|The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ],
  },
  {
    name: 'clusterIP change',
    first: [makeService('default', 'web', (s) => (s.spec.clusterIP = '127.96.7.7'))],
    then: [makeService('default', 'web', (s) => (s.spec.clusterIP = '127.96.8.8'))],
    errors: [
      'spec.clusterIPs[0]|The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"127.96.8.8"}: may not change once set',
    ],
  },
  {
    name: 'Deployment selector change',
    first: [makeDeployment('default', 'web')],
    then: [
      makeDeployment('default', 'web', (d) => {
        d.spec.selector = { matchLabels: { run: 'web', tier: 'front' } };
        d.spec.template.metadata!.labels = { run: 'web', tier: 'front' };
      }),
    ],
    errors: [
      'spec.selector|The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"run":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ],
  },
];

describe("Kubernetes' validation messages that need the cluster's state (Cluster.apply)", () => {
  it.each(ROWS)('$name', ({ first, then, errors }) => {
    const { cluster } = newTestCluster();
    expect(messages(cluster, first)).toEqual([]);
    const before = cluster.store.resourceVersion;
    expect(messages(cluster, then)).toEqual(errors);
    // Nothing of a rejected request is applied.
    expect(cluster.store.resourceVersion).toBe(before);
  });
});
