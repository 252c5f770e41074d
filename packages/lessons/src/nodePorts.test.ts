import { describe, expect, it } from 'vitest';
import { lessonForNamespaces, lessonForNodePorts } from './nodePorts.ts';
import type { Lesson } from './types.ts';

const lesson: Lesson = {
  id: 'nodeport',
  title: 'NodePort on 30380',
  summary: 'one fixed port (30380 here)',
  nodePorts: [30380],
  steps: [
    {
      title: 'apply',
      markdown: 'curl http://<node>:30380/ (not 303800, not 130380)',
      files: [{ name: 's.yaml', text: 'ports:\n- port: 80\n  nodePort: 30380\n' }],
      checks: [
        {
          id: 'np',
          title: 'a NodePort on 30380',
          object: { kind: 'Service', name: 'x', fields: { 'spec.ports[0].nodePort': 30380 } },
        },
      ],
    },
  ],
};

describe('lessonForNodePorts', () => {
  it("moves the lesson's fixed node ports into the student's band, in files, text and checks", () => {
    const l = lessonForNodePorts(lesson, { first: 32012, last: 32023 });
    expect(l.title).toBe('NodePort on 32012');
    expect(l.steps[0]!.markdown).toBe('curl http://<node>:32012/ (not 303800, not 130380)');
    expect(l.steps[0]!.files[0]!.text).toContain('nodePort: 32012');
    expect(l.steps[0]!.checks[0]).toMatchObject({
      title: 'a NodePort on 32012',
      object: { fields: { 'spec.ports[0].nodePort': 32012 } },
    });
    expect(l.nodePorts).toEqual([32012]);
  });

  it('leaves a lesson alone without a band or fixed ports', () => {
    expect(lessonForNodePorts(lesson, undefined)).toBe(lesson);
    const plain = { ...lesson, nodePorts: undefined };
    expect(lessonForNodePorts(plain, { first: 32000, last: 32011 })).toBe(plain);
  });
});

describe('lessonForNamespaces', () => {
  const withNs: Lesson = {
    ...lesson,
    namespaces: ['nginx-ns'],
    steps: [
      {
        title: 'server in nginx-ns',
        markdown:
          'kubectl create ns nginx-ns; nginx-svc.nginx-ns.svc.cluster.local; not my-nginx-ns2',
        files: [{ name: 'svc.yaml', text: 'metadata:\n  namespace: nginx-ns\n' }],
        checks: [
          {
            id: 'ep',
            title: 'nginx-svc in nginx-ns',
            endpoints: { service: 'nginx-svc', namespace: 'nginx-ns', min: 1 },
          },
        ],
      },
    ],
  };

  it("renames the namespaces the lesson creates as the student's, whole names only", () => {
    const l = lessonForNamespaces(withNs, (n) => `alice-${n}`);
    expect(l.steps[0]!.markdown).toBe(
      'kubectl create ns alice-nginx-ns; nginx-svc.alice-nginx-ns.svc.cluster.local; not my-nginx-ns2',
    );
    expect(l.steps[0]!.files[0]!.text).toContain('namespace: alice-nginx-ns');
    expect(l.steps[0]!.checks[0]).toMatchObject({
      endpoints: { namespace: 'alice-nginx-ns' },
    });
    expect(l.namespaces).toEqual(['alice-nginx-ns']);
  });
});
