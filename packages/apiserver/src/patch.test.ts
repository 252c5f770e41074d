import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchError, strategicMerge, type Json } from './patch.ts';

const deployment: Json = {
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80 }, { containerPort: 443 }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('merges containers by name and their ports by containerPort; null deletes a key', () => {
    const out = strategicMerge(deployment, {
      metadata: { labels: { tier: null, env: 'lab' } },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    }) as { metadata: { labels: object }; spec: { template: { spec: { containers: Json[] } } } };
    expect(out.metadata.labels).toEqual({ app: 'web', env: 'lab' });
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'nginx',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80 }, { containerPort: 443 }, { containerPort: 8080 }],
      },
      { name: 'sidecar', image: 'busybox' },
    ]);
  });

  it('deletes a list element with $patch: delete, replaces with $patch: replace, merges Service ports by port', () => {
    const gone = strategicMerge(deployment, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as { spec: { template: { spec: { containers: { name: string }[] } } } };
    expect(gone.spec.template.spec.containers.map((c) => c.name)).toEqual(['nginx']);
    const svc = strategicMerge(
      { spec: { ports: [{ port: 80, targetPort: 80 }, { port: 443 }] } },
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    );
    expect(svc).toEqual({ spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } });
    expect(strategicMerge({ spec: { a: 1, b: 2 } }, { spec: { $patch: 'replace', c: 3 } })).toEqual(
      {
        spec: { c: 3 },
      },
    );
    expect(() =>
      strategicMerge(deployment, {
        spec: { template: { spec: { containers: [{ image: 'x' }] } } },
      }),
    ).toThrow(PatchError);
  });

  it('replaces lists without a merge key, and honours $deleteFromPrimitiveList and $retainKeys', () => {
    expect(strategicMerge({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
    expect(
      strategicMerge({ finalizers: ['a', 'b'] }, { '$deleteFromPrimitiveList/finalizers': ['a'] }),
    ).toEqual({ finalizers: ['b'] });
    expect(
      strategicMerge(
        { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
        { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
      ),
    ).toEqual({ strategy: { type: 'Recreate' } });
  });
});

describe('JSON merge patch and JSON patch', () => {
  it('merge patch replaces lists and deletes with null (RFC 7386)', () => {
    expect(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({
      a: [3],
      b: { d: 2 },
    });
  });

  it('json patch adds, replaces, removes, moves, copies and tests (RFC 6902)', () => {
    const out = jsonPatch({ spec: { replicas: 1, ports: [{ port: 80 }] } }, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/ports/-', value: { port: 443 } },
      { op: 'copy', from: '/spec/replicas', path: '/spec/min' },
      { op: 'move', from: '/spec/min', path: '/spec/max' },
      { op: 'remove', path: '/spec/ports/0' },
      { op: 'test', path: '/spec/max', value: 3 },
      { op: 'add', path: '/metadata~1x', value: 'a/b key' },
    ]);
    expect(out).toEqual({
      spec: { replicas: 3, ports: [{ port: 443 }], max: 3 },
      'metadata/x': 'a/b key',
    });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      'testing value /a failed',
    );
    expect(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }])).toThrow(
      'doc is missing path: "/b"',
    );
  });
});
