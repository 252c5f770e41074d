import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';
import type { KubeObject } from '@l4lab/protocol';

const sts = (spec: Record<string, unknown>, template: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      serviceName: 'nginx',
      ...spec,
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx' }], ...template },
      },
    },
  }) as unknown as KubeObject;

const messages = (o: KubeObject) => validateObject(applyDefaults(o)).map(formatFieldError);

describe('validateStatefulSet', () => {
  it('defaults a StatefulSet as the API server does, claim templates included', () => {
    const defaulted = applyDefaults(
      sts({ volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: {} }] }),
    );
    expect(defaulted.kind === 'StatefulSet' && defaulted.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'www' },
          spec: { volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    });
    expect(messages(sts({}))).toEqual([]);
  });

  it('refuses what Kubernetes refuses, in its words', () => {
    expect(messages(sts({ podManagementPolicy: 'Random' }))).toEqual([
      `spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
    ]);
    expect(messages(sts({ selector: { matchLabels: { app: 'other' } } }))).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    ]);
    expect(messages(sts({ replicas: -1 }))).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(
      messages(
        sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }),
      ),
    ).toEqual([
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(messages(sts({}, { restartPolicy: 'Never' }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
    expect(messages(sts({ updateStrategy: { type: 'Recreate' } }))).toEqual([
      'spec.updateStrategy.type: Unsupported value: "Recreate": supported values: "RollingUpdate", "OnDelete"',
    ]);
  });
});
