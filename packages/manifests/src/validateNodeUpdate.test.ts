import { describe, expect, it } from 'vitest';
import type { Node } from '@l4lab/protocol';
import { formatFieldError } from './fieldError.ts';
import { validateNodeUpdate } from './validateNodeUpdate.ts';

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
  spec: { podCIDR: '127.244.1.0/24' },
  status: { addresses: [], conditions: [{ type: 'Ready', status: 'True' }] },
};

const errorsOf = (next: Record<string, unknown>) =>
  validateNodeUpdate(node, next).errors.map(formatFieldError);

describe('validateNodeUpdate: what kubectl label, taint and cordon may change', () => {
  it('takes labels, taints and unschedulable', () => {
    const { edit, errors } = validateNodeUpdate(node, {
      metadata: { labels: { disk: 'ssd' } },
      spec: {
        podCIDR: '127.244.1.0/24',
        unschedulable: true,
        taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }],
      },
    });
    expect(errors).toEqual([]);
    expect(edit).toEqual({
      labels: { disk: 'ssd' },
      annotations: {},
      taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }],
      unschedulable: true,
    });
  });

  it('refuses what the API server refuses, in its words', () => {
    expect(
      errorsOf({
        spec: {
          podCIDR: '127.244.9.0/24',
          taints: [
            { key: 'a', effect: 'Sometimes' },
            { key: 'b', effect: 'NoSchedule' },
            { key: 'b', effect: 'NoSchedule' },
            { effect: 'NoExecute' },
          ],
        },
      }),
    ).toEqual([
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'spec.taints[2]: Duplicate value: "b=:NoSchedule"',
      'spec.taints[3].key: Required value',
      'spec.podCIDR: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
  });
});
