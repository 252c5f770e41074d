import type { DaemonSet } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { formatFieldError } from './fieldError.ts';
import { checkManifests } from './check.ts';
import { validateObject } from './validate.ts';

// A DaemonSet as the docs' fluentd-elasticsearch example writes it (controllers/daemonset.yaml).
function makeDaemonSet(mutate: (ds: DaemonSet) => void = () => {}): DaemonSet {
  const ds: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'fluentd-elasticsearch', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
      template: {
        metadata: { labels: { name: 'fluentd-elasticsearch' } },
        spec: {
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
          containers: [
            {
              name: 'fluentd-elasticsearch',
              image: 'quay.io/fluentd_elasticsearch/fluentd:v5.0.1',
            },
          ],
        },
      },
    },
  };
  mutate(ds);
  return ds;
}

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

describe('DaemonSet validation (ValidateDaemonSet)', () => {
  it('accepts the docs fluentd-elasticsearch DaemonSet, defaulted as the API server does', () => {
    expect(messages(makeDaemonSet())).toEqual([]);
    const yaml = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
spec:
  selector:
    matchLabels:
      name: fluentd
  template:
    metadata:
      labels:
        name: fluentd
    spec:
      containers:
        - name: fluentd
          image: fluentd
`;
    const { objects, errors } = checkManifests(yaml);
    expect(errors).toEqual([]);
    expect((objects[0]!.object as DaemonSet).spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' } },
    });
  });

  it("refuses a selector that does not match the template's labels, in Kubernetes' words", () => {
    const mismatch = makeDaemonSet((d) => (d.spec.selector = { matchLabels: { name: 'other' } }));
    expect(messages(mismatch)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"name":"fluentd-elasticsearch"}: `selector` does not match template `labels`',
    ]);
    // No selector at all is labels.Nothing(): it matches no template (apps/v1 adds no Required).
    const none = makeDaemonSet((d) => Reflect.deleteProperty(d.spec, 'selector'));
    expect(messages(none)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"name":"fluentd-elasticsearch"}: `selector` does not match template `labels`',
    ]);
  });

  it('refuses an empty selector, for a daemonset', () => {
    const empty = makeDaemonSet((d) => (d.spec.selector = {}));
    expect(messages(empty)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
    ]);
  });

  it('takes only restartPolicy Always, and no template without containers', () => {
    const never = makeDaemonSet((d) => {
      d.spec.template.spec.restartPolicy = 'Never';
      d.spec.template.spec.containers = [];
    });
    expect(messages(never)).toEqual([
      'spec.template.spec.containers: Required value',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('checks the update strategy: a known type, one of maxUnavailable and maxSurge non-zero', () => {
    const unknown = makeDaemonSet((d) => (d.spec.updateStrategy = { type: 'Recreate' as never }));
    expect(messages(unknown)).toEqual([
      'spec.updateStrategy.type: Unsupported value: "Recreate": supported values: "RollingUpdate", "OnDelete"',
    ]);
    const both = makeDaemonSet(
      (d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } }),
    );
    expect(messages(both)).toEqual([
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
    ]);
    const neither = makeDaemonSet(
      (d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }),
    );
    expect(messages(neither)).toEqual([
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
    ]);
    const over = makeDaemonSet(
      (d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: '150%' } }),
    );
    expect(messages(over)).toEqual([
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]);
    const onDelete = makeDaemonSet((d) => (d.spec.updateStrategy = { type: 'OnDelete' }));
    expect(messages(onDelete)).toEqual([]);
  });

  it('refuses negative minReadySeconds and revisionHistoryLimit', () => {
    const negative = makeDaemonSet((d) => {
      d.spec.minReadySeconds = -1;
      d.spec.revisionHistoryLimit = -2;
    });
    expect(messages(negative)).toEqual([
      'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
    ]);
  });
});
