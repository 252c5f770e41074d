import type { Container, Deployment } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';

function makeDeployment(mutate: (d: Deployment) => void = () => {}): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'front' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
  mutate(d);
  return d;
}

const container = (d: Deployment): Container => {
  const c = d.spec.template.spec.containers[0];
  if (!c) throw new Error('the builder always has one container');
  return c;
};

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

describe('Deployment validation', () => {
  it('accepts a plain Deployment', () => {
    expect(messages(makeDeployment())).toEqual([]);
  });

  it('rejects negative replicas', () => {
    expect(messages(makeDeployment((d) => (d.spec.replicas = -1)))).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(messages(makeDeployment((d) => (d.spec.replicas = 0)))).toEqual([]);
  });

  it('requires a selector that matches the template labels', () => {
    const noSelector = makeDeployment((d) => Reflect.deleteProperty(d.spec, 'selector'));
    expect(messages(noSelector)).toEqual([
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"front"}: `selector` does not match template `labels`',
    ]);
    const mismatch = makeDeployment((d) => (d.spec.selector = { matchLabels: { app: 'api' } }));
    expect(messages(mismatch)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"front"}: ' +
        '`selector` does not match template `labels`',
    ]);
    const noLabels = makeDeployment((d) => (d.spec.template.metadata = {}));
    expect(messages(noLabels)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match ' +
        'template `labels`',
    ]);
    const empty = makeDeployment((d) => (d.spec.selector = {}));
    expect(messages(empty)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), ' +
        'MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('evaluates matchExpressions', () => {
    const matching = makeDeployment(
      (d) =>
        (d.spec.selector = {
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['web', 'api'] },
            { key: 'tier', operator: 'NotIn', values: ['back'] },
            { key: 'tier', operator: 'Exists' },
            { key: 'canary', operator: 'DoesNotExist' },
          ],
        }),
    );
    expect(messages(matching)).toEqual([]);
    const notMatching = makeDeployment(
      (d) => (d.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }),
    );
    expect(messages(notMatching)).toHaveLength(1);
  });

  it('checks matchExpressions operators and values', () => {
    const d = makeDeployment(
      (d) =>
        (d.spec.selector = {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: 'a', operator: 'In' },
            { key: 'b', operator: 'Exists', values: ['x'] },
            { key: 'c', operator: 'Equals', values: ['y'] },
          ],
        }),
    );
    expect(messages(d)).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Equals": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, ' +
        'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"a", ' +
        'Operator:"In", Values:[]string(nil)}, v1.LabelSelectorRequirement{Key:"b", Operator:"Exists", ' +
        'Values:[]string{"x"}}, v1.LabelSelectorRequirement{Key:"c", Operator:"Equals", ' +
        'Values:[]string{"y"}}}}: invalid label selector',
    ]);
  });

  it('requires containers with a name and an image', () => {
    const none = makeDeployment((d) => (d.spec.template.spec.containers = []));
    expect(messages(none)).toEqual(['spec.template.spec.containers: Required value']);
    const blank = makeDeployment((d) => {
      container(d).name = '';
      container(d).image = '';
    });
    expect(messages(blank)).toEqual([
      'spec.template.spec.containers[0].name: Required value',
      'spec.template.spec.containers[0].image: Required value',
    ]);
    const dup = makeDeployment((d) =>
      d.spec.template.spec.containers.push({ name: 'nginx', image: 'nginx:1.27' }),
    );
    expect(messages(dup)).toEqual([
      'spec.template.spec.containers[1].name: Duplicate value: "nginx"',
    ]);
  });

  it('checks containerPorts', () => {
    const d = makeDeployment(
      (d) =>
        (container(d).ports = [
          { containerPort: 0 },
          { containerPort: 70000 },
          { containerPort: 81, protocol: 'HTTP' as 'TCP' },
          { containerPort: 82, name: 'http' },
          { containerPort: 83, name: 'http' },
        ]),
    );
    expect(messages(d)).toEqual([
      'spec.template.spec.containers[0].ports[0].containerPort: Required value',
      'spec.template.spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[0].ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.template.spec.containers[0].ports[4].name: Duplicate value: "http"',
    ]);
  });

  it('checks imagePullPolicy and restartPolicy of a template', () => {
    const d = makeDeployment((d) => {
      container(d).imagePullPolicy = 'Sometimes';
      Object.assign(d.spec.template.spec, { restartPolicy: 'Never' });
    });
    expect(messages(d)).toEqual([
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('checks the strategy', () => {
    const zero = makeDeployment(
      (d) =>
        (d.spec.strategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 0, maxUnavailable: 0 },
        }),
    );
    expect(messages(zero)).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
    const percent = makeDeployment(
      (d) => (d.spec.strategy = { rollingUpdate: { maxSurge: '10', maxUnavailable: '150%' } }),
    );
    expect(messages(percent)).toEqual([
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10"}: ' +
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', " +
        "regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]);
    const recreate = makeDeployment(
      (d) => (d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }),
    );
    expect(messages(recreate)).toEqual([
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    const unknown = makeDeployment((d) => (d.spec.strategy = { type: 'BlueGreen' as 'Recreate' }));
    expect(messages(unknown)).toEqual([
      'spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"',
    ]);
  });

  it('checks the name and the labels', () => {
    const d = makeDeployment((d) => {
      d.metadata.name = 'Web_App';
      d.metadata.labels = { 'bad key!': 'v' };
    });
    const out = messages(d);
    expect(out[0]).toMatch(
      /^metadata\.name: Invalid value: "Web_App": a lowercase RFC 1123 subdomain/,
    );
    expect(out[1]).toMatch(
      /^metadata\.labels: Invalid value: "bad key!": name part must consist of/,
    );
    expect(messages(makeDeployment((d) => (d.metadata.name = 'web.v2')))).toEqual([]);
  });
});
