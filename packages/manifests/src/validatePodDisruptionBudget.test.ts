import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';
import type { KubeObject } from '@l4lab/protocol';

const pdb = (spec: Record<string, unknown>) =>
  ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web-pdb' },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  }) as unknown as KubeObject;

const messages = (o: KubeObject) => validateObject(applyDefaults(o)).map(formatFieldError);

describe('validatePodDisruptionBudget', () => {
  it('takes minAvailable or maxUnavailable, a number or a percentage', () => {
    for (const spec of [
      { minAvailable: 2 },
      { maxUnavailable: '25%' },
      { minAvailable: '100%' },
      {},
    ])
      expect(messages(pdb(spec)), JSON.stringify(spec)).toEqual([]);
  });

  it('refuses what Kubernetes refuses, in its words', () => {
    expect(messages(pdb({ minAvailable: 1, maxUnavailable: 1 }))).toEqual([
      'spec: Invalid value: policy.PodDisruptionBudgetSpec{…}: minAvailable and maxUnavailable cannot be both set',
    ]);
    expect(messages(pdb({ minAvailable: -1 }))).toEqual([
      'spec.minAvailable: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(messages(pdb({ maxUnavailable: '150%' }))).toEqual([
      'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]);
    expect(messages(pdb({ unhealthyPodEvictionPolicy: 'Never' }))).toEqual([
      'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
    ]);
  });
});
