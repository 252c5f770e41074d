import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@l4lab/protocol';
import {
  conflictMessage,
  FieldManagers,
  fieldPaths,
  fromFieldsV1,
  pathText,
  toFieldsV1,
  userFields,
} from './fieldManagers.ts';

type Json = Parameters<typeof fieldPaths>[0];

let rv = 0;
/** A stored Deployment as the store would hand it out (a new resourceVersion per write). */
function deployment(spec: Json, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: String(++rv),
      ...(labels ? { labels } : {}),
    },
    spec,
  } as unknown as KubeObject;
}

const spec = (replicas: number, image = 'nginx') => ({
  replicas,
  selector: { matchLabels: { app: 'web' } },
  template: {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] },
  },
});

const GV = 'apps/v1';

describe('field paths', () => {
  it('name keyed list elements by their keys (protocol defaulted), atomic lists whole', () => {
    const paths = fieldPaths({
      spec: {
        ports: [{ port: 80, targetPort: 8080 }],
        externalIPs: ['127.0.0.9'],
      },
    }).map(pathText);
    expect(paths).toEqual([
      '.spec.ports[port=80,protocol="TCP"]',
      '.spec.ports[port=80,protocol="TCP"].port',
      '.spec.ports[port=80,protocol="TCP"].targetPort',
      '.spec.externalIPs',
    ]);
  });

  it('FieldsV1 goes both ways, an element marked owned with "."', () => {
    const paths = fieldPaths(userFields(deployment(spec(2), { app: 'web' }) as never));
    const v1 = toFieldsV1(paths);
    expect(v1).toMatchObject({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } },
        },
      },
    });
    const back = fromFieldsV1(v1).map((p) => JSON.stringify(p));
    expect(back.sort()).toEqual(paths.map((p) => JSON.stringify(p)).sort());
  });
});

describe('server-side apply', () => {
  it('a field another manager set to another value is a conflict, worded as the API server words it', () => {
    const f = new FieldManagers(() => 0);
    const created = deployment(spec(1));
    f.recordApply(
      created,
      f.planApply(undefined, { spec: spec(1) }, 'kubectl', GV),
      'kubectl',
      GV,
      false,
    );
    const before = f.beforeUpdate(created, GV);
    const scaled = deployment(spec(3));
    f.recordUpdate(before, scaled, 'kubectl', GV, 'scale');

    const plan = f.planApply(scaled, { spec: spec(1) }, 'kubectl', GV);
    expect(conflictMessage(plan.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    // The same value is no conflict: the field is then shared.
    expect(f.planApply(scaled, { spec: spec(3) }, 'kubectl', GV).conflicts).toEqual([]);
  });

  it('forced, the apply takes the field; the other manager no longer owns it', () => {
    const f = new FieldManagers(() => 0);
    const created = deployment(spec(1));
    f.recordApply(
      created,
      f.planApply(undefined, { spec: spec(1) }, 'kubectl', GV),
      'kubectl',
      GV,
      false,
    );
    const scaled = deployment(spec(3));
    f.recordUpdate(f.beforeUpdate(created, GV), scaled, 'kubectl', GV, 'scale');
    const plan = f.planApply(scaled, { spec: spec(1) }, 'kubectl', GV);
    f.recordApply(deployment(spec(1)), plan, 'kubectl', GV, true);
    const managers = f.entriesOf(deployment(spec(1)), GV);
    expect(managers.map((m) => m.manager + '/' + m.operation)).toEqual(['kubectl/Apply']);
  });

  it('a label the manager applied before and drops now is removed; one another manager set stays', () => {
    const f = new FieldManagers(() => 0);
    const applied = { metadata: { labels: { app: 'web', tier: 'demo' } }, spec: spec(1) };
    const created = deployment(spec(1), { app: 'web', tier: 'demo' });
    f.recordApply(created, f.planApply(undefined, applied, 'kubectl', GV), 'kubectl', GV, false);
    // The dashboard adds a label of its own (a change made outside the Kubernetes API).
    const edited = deployment(spec(1), { app: 'web', tier: 'demo', owner: 'room' });
    const plan = f.planApply(
      edited,
      { metadata: { labels: { app: 'web' } }, spec: spec(1) },
      'kubectl',
      GV,
    );
    expect(plan.conflicts).toEqual([]);
    expect((plan.object.metadata as { labels: object }).labels).toEqual({
      app: 'web',
      owner: 'room',
    });
    expect(f.entriesOf(edited, GV).map((m) => m.manager)).toEqual(['kubectl', 'l4lab']);
  });

  it('a container the manager dropped goes; keyed elements merge with the stored ones', () => {
    const f = new FieldManagers(() => 0);
    const two = spec(1);
    two.template.spec.containers.push({ name: 'side', image: 'busybox', ports: [] as never });
    const created = deployment(two);
    f.recordApply(
      created,
      f.planApply(undefined, { spec: two }, 'kubectl', GV),
      'kubectl',
      GV,
      false,
    );
    const plan = f.planApply(created, { spec: spec(1, 'nginx:1.27') }, 'kubectl', GV);
    const containers = (plan.object.spec as ReturnType<typeof spec>).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['web=nginx:1.27']);
  });

  it('an Update takes the fields it changed from every other manager', () => {
    const f = new FieldManagers(() => 0);
    const created = deployment(spec(1));
    f.recordUpdate({}, created, 'kubectl-create', GV);
    const edited = deployment(spec(1, 'nginx:1.27'));
    f.recordUpdate(f.beforeUpdate(created, GV), edited, 'kubectl-edit', GV);
    const entries = f.entriesOf(edited, GV);
    expect(entries.map((m) => m.manager)).toEqual(['kubectl-create', 'kubectl-edit']);
    expect(entries[1]!.fieldsV1).toEqual({
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } },
        },
      },
    });
  });
});
