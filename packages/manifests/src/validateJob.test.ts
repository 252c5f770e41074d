import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';
import type { KubeObject } from '@l4lab/protocol';

const job = (spec: Record<string, unknown>, template: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'load' },
    spec: {
      ...spec,
      template: {
        spec: { containers: [{ name: 'c', image: 'busybox' }], ...template },
      },
    },
  }) as unknown as KubeObject;

const messages = (o: KubeObject) => validateObject(applyDefaults(o)).map(formatFieldError);

describe('validateJob', () => {
  it('takes a Job with restartPolicy Never or OnFailure, and defaults it as the API server does', () => {
    expect(messages(job({}, { restartPolicy: 'Never' }))).toEqual([]);
    expect(messages(job({ parallelism: 3 }, { restartPolicy: 'OnFailure' }))).toEqual([]);
    const defaulted = applyDefaults(job({ parallelism: 3 }, { restartPolicy: 'Never' }));
    expect(defaulted.kind === 'Job' && defaulted.spec).toMatchObject({
      parallelism: 3,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect(defaulted.kind === 'Job' && defaulted.spec.completions).toBeUndefined();
  });

  it("refuses a pod template without OnFailure or Never, in Kubernetes' words", () => {
    expect(messages(job({}))).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
    expect(messages(job({}, { restartPolicy: 'Always' }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it('asks completions of an Indexed Job, and refuses negative counts', () => {
    expect(
      messages(job({ completionMode: 'Indexed', parallelism: 2 }, { restartPolicy: 'Never' })),
    ).toEqual(['spec.completions: Required value: when completion mode is Indexed']);
    expect(
      messages(job({ parallelism: -1, backoffLimit: -2 }, { restartPolicy: 'Never' })),
    ).toEqual([
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0',
    ]);
  });

  it('refuses a selector of its own unless manualSelector, and then one that misses the template', () => {
    expect(
      messages(job({ selector: { matchLabels: { app: 'x' } } }, { restartPolicy: 'Never' })),
    ).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
    ]);
    expect(messages(job({ manualSelector: true }, { restartPolicy: 'Never' }))).toEqual([
      'spec.selector: Required value',
    ]);
  });
});
