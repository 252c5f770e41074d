import { describe, expect, it } from 'vitest';
import { explain } from './explain.ts';

describe('explain', () => {
  it('names int-or-string and quantity fields as kubectl explain does', () => {
    expect(explain('svc.spec.ports.targetPort').stdout).toMatch(
      /^FIELD: targetPort <IntOrString>$/m,
    );
    expect(explain('pod.spec.containers.resources.limits').stdout).toMatch(
      /^FIELD: limits <map\[string\]Quantity>$/m,
    );
    expect(explain('pod.spec.volumes.emptyDir').stdout).toMatch(/^ {2}sizeLimit\t<Quantity>$/m);
  });

  it('knows the pod spec fields that are typed now (affinity, tolerations)', () => {
    expect(explain('pod.spec.tolerations').stdout).toMatch(/^FIELD: tolerations <\[\]Object>$/m);
    expect(explain('pod.spec.affinity.nodeAffinity').stdout).toMatch(
      /^ {2}requiredDuringSchedulingIgnoredDuringExecution\t<Object>$/m,
    );
  });
});
