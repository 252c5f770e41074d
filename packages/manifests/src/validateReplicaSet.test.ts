import type { ReplicaSet } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';

// A ReplicaSet as the docs' frontend example writes it (controllers/frontend.yaml).
function makeReplicaSet(mutate: (rs: ReplicaSet) => void = () => {}): ReplicaSet {
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'frontend', labels: { app: 'guestbook', tier: 'frontend' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { tier: 'frontend' } },
      template: {
        metadata: { labels: { tier: 'frontend' } },
        spec: {
          containers: [
            {
              name: 'php-redis',
              image: 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5',
            },
          ],
        },
      },
    },
  };
  mutate(rs);
  return rs;
}

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

describe('ReplicaSet validation (ValidateReplicaSet)', () => {
  it('accepts the docs frontend ReplicaSet', () => {
    expect(messages(makeReplicaSet())).toEqual([]);
  });

  it('refuses negative replicas and minReadySeconds', () => {
    const rs = makeReplicaSet((r) => {
      r.spec.replicas = -1;
      r.spec.minReadySeconds = -5;
    });
    expect(messages(rs)).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0',
    ]);
  });

  it('requires a selector that matches the template labels', () => {
    const noSelector = makeReplicaSet((r) => Reflect.deleteProperty(r.spec, 'selector'));
    expect(messages(noSelector)).toEqual([
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"tier":"frontend"}: `selector` does not match template `labels`',
    ]);
    const mismatch = makeReplicaSet(
      (r) => (r.spec.selector = { matchLabels: { tier: 'backend' } }),
    );
    expect(messages(mismatch)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"tier":"frontend"}: `selector` does not match template `labels`',
    ]);
    // Kubernetes words the empty selector "for deployment" for ReplicaSets too.
    const empty = makeReplicaSet((r) => (r.spec.selector = {}));
    expect(messages(empty)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('allows only restartPolicy Always in the template', () => {
    const rs = makeReplicaSet((r) => (r.spec.template.spec.restartPolicy = 'OnFailure'));
    expect(messages(rs)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('defaults replicas to 1 and the template like a Deployment’s', () => {
    const rs = applyDefaults(makeReplicaSet((r) => Reflect.deleteProperty(r.spec, 'replicas')));
    expect(rs.spec.replicas).toBe(1);
    expect(rs.metadata.namespace).toBe('default');
    expect(rs.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
    });
  });
});
