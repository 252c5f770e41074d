// What the API server sets on objects whatever path creates them: the Namespace name label, a
// pod's QoS class. Test ranges: the default address plan (testBuilders.ts).
import type { Namespace, Pod } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { runKubectl } from './kubectl/kubectl.ts';
import { newTestCluster, runKubelet } from './testBuilders.ts';

const NAME_LABEL = 'kubernetes.io/metadata.name';

function pod(name: string, resources?: Pod['spec']['containers'][number]['resources']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx', ...(resources ? { resources } : {}) }] },
  };
}

describe('Namespaces: the kubernetes.io/metadata.name label', () => {
  it('is set on create and kept on update, even when the applied object lacks or changes it', () => {
    const { cluster } = newTestCluster();
    const dev: Namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'development', labels: { name: 'development' } },
    };
    expect(cluster.apply([dev]).ok).toBe(true);
    const labels = () => cluster.store.get('Namespace', undefined, 'development')!.metadata.labels;
    expect(labels()).toEqual({ name: 'development', [NAME_LABEL]: 'development' });
    cluster.apply([{ ...dev, metadata: { name: 'development', labels: { [NAME_LABEL]: 'x' } } }]);
    expect(labels()).toEqual({ [NAME_LABEL]: 'development' });
    expect(cluster.store.get('Namespace', undefined, 'default')!.metadata.labels).toEqual({
      [NAME_LABEL]: 'default',
    });
  });
});

describe('Pods: status.qosClass', () => {
  it('is set on create, kept through the kubelet’s status, and shown by describe', () => {
    const { cluster, clock } = newTestCluster();
    const guaranteed = {
      limits: { cpu: '700m', memory: '200Mi' },
      requests: { cpu: '700m', memory: '200Mi' },
    };
    cluster.apply([
      pod('qos-demo', guaranteed),
      pod('cpu-demo', { requests: { cpu: '500m' }, limits: { cpu: '1' } }),
      pod('plain'),
    ]);
    const qos = (name: string) => cluster.store.get('Pod', 'default', name)!.status?.qosClass;
    expect([qos('qos-demo'), qos('cpu-demo'), qos('plain')]).toEqual([
      'Guaranteed',
      'Burstable',
      'BestEffort',
    ]);
    runKubelet(cluster);
    expect(cluster.store.get('Pod', 'default', 'qos-demo')!.status).toMatchObject({
      phase: 'Running',
      qosClass: 'Guaranteed',
    });
    const described = runKubectl(cluster.store, ['describe', 'pod', 'cpu-demo'], clock.now());
    expect(described.stdout).toMatch(/^QoS Class:\s+Burstable$/m);
  });
});
