import { describe, expect, it } from 'vitest';
import { forbiddenReason, rulesAllow, rulesOf, type RequestAttributes } from './authorization.ts';

const alice = { name: 'alice', role: 'student' as const, namespace: 'alice' };
const viewer = { name: 'viewer', role: 'viewer' as const };
const instructor = { name: 'instructor', role: 'instructor' as const };

describe('forbiddenReason (RBAC as the workshop sets it)', () => {
  it('lets a student do everything in their namespace and nothing elsewhere', () => {
    expect(
      forbiddenReason(alice, { verb: 'create', resource: 'pods', group: '', namespace: 'alice' }),
    ).toBeUndefined();
    expect(
      forbiddenReason(alice, {
        verb: 'get',
        resource: 'pods',
        group: '',
        namespace: 'bob',
        name: 'web',
      }),
    ).toBe(
      'pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "bob"',
    );
    expect(forbiddenReason(alice, { verb: 'list', resource: 'deployments', group: 'apps' })).toBe(
      'deployments is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope',
    );
    expect(
      forbiddenReason(alice, {
        verb: 'create',
        resource: 'pods',
        subresource: 'exec',
        group: '',
        namespace: 'bob',
        name: 'x',
      }),
    ).toContain('cannot create resource "pods/exec"');
  });

  it('lets a student read Nodes and their own Namespace, and write neither', () => {
    expect(forbiddenReason(alice, { verb: 'list', resource: 'nodes', group: '' })).toBeUndefined();
    expect(
      forbiddenReason(alice, { verb: 'patch', resource: 'nodes', group: '', name: 'node-1' }),
    ).toContain('cannot patch');
    expect(
      forbiddenReason(alice, { verb: 'get', resource: 'namespaces', group: '', name: 'alice' }),
    ).toBeUndefined();
    expect(
      forbiddenReason(alice, { verb: 'list', resource: 'namespaces', group: '' }),
    ).toBeDefined();
    expect(
      forbiddenReason(alice, { verb: 'delete', resource: 'namespaces', group: '', name: 'alice' }),
    ).toBeDefined();
  });

  it('lets the viewer read everything (logs too) and write nothing', () => {
    expect(forbiddenReason(viewer, { verb: 'watch', resource: 'pods', group: '' })).toBeUndefined();
    expect(
      forbiddenReason(viewer, {
        verb: 'get',
        resource: 'pods',
        group: '',
        subresource: 'log',
        namespace: 'a',
        name: 'p',
      }),
    ).toBeUndefined();
    expect(
      forbiddenReason(viewer, {
        verb: 'create',
        resource: 'pods',
        group: '',
        subresource: 'exec',
        namespace: 'a',
        name: 'p',
      }),
    ).toBeDefined();
    expect(
      forbiddenReason(viewer, {
        verb: 'update',
        resource: 'deployments',
        group: 'apps',
        subresource: 'scale',
        namespace: 'a',
        name: 'd',
      }),
    ).toBeDefined();
  });

  it('lets the instructor do anything', () => {
    expect(
      forbiddenReason(instructor, {
        verb: 'delete',
        resource: 'namespaces',
        group: '',
        name: 'kube-system',
      }),
    ).toBeUndefined();
  });
});

describe("a student's lesson namespaces", () => {
  const carol = {
    name: 'carol',
    role: 'student' as const,
    namespace: 'carol',
    namespaces: ['carol', 'carol-nginx-ns'],
  };
  it('may be created, used and deleted by their student only', () => {
    expect(
      forbiddenReason(carol, {
        verb: 'create',
        resource: 'namespaces',
        group: '',
        name: 'carol-nginx-ns',
      }),
    ).toBeUndefined();
    expect(
      forbiddenReason(carol, {
        verb: 'create',
        resource: 'pods',
        group: '',
        namespace: 'carol-nginx-ns',
      }),
    ).toBeUndefined();
    expect(
      forbiddenReason(carol, {
        verb: 'delete',
        resource: 'namespaces',
        group: '',
        name: 'carol-nginx-ns',
      }),
    ).toBeUndefined();
    expect(
      forbiddenReason(carol, { verb: 'delete', resource: 'namespaces', group: '', name: 'carol' }),
    ).toBeDefined();
    expect(
      forbiddenReason(carol, {
        verb: 'create',
        resource: 'namespaces',
        group: '',
        name: 'nginx-ns',
      }),
    ).toBe(
      'namespaces is forbidden: User "carol" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
  });
});

describe('rulesOf (kubectl auth can-i --list)', () => {
  const student = {
    name: 'alice',
    role: 'student' as const,
    namespace: 'alice',
    namespaces: ['alice', 'alice-nginx-ns'],
  };
  const requests: RequestAttributes[] = [];
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  for (const verb of verbs) {
    for (const namespace of ['alice', 'alice-nginx-ns', 'bob', undefined]) {
      for (const [group, resource, subresource] of [
        ['', 'pods', undefined],
        ['', 'pods', 'log'],
        ['', 'pods', 'exec'],
        ['apps', 'deployments', undefined],
        ['apps', 'deployments', 'scale'],
        ['', 'services', undefined],
      ] as const) {
        for (const name of [undefined, 'web'])
          requests.push({
            verb,
            group,
            resource,
            ...(subresource ? { subresource } : {}),
            ...(namespace ? { namespace } : {}),
            ...(name ? { name } : {}),
          });
      }
    }
    requests.push(
      { verb, group: '', resource: 'nodes' },
      { verb, group: '', resource: 'nodes', name: 'node-1' },
    );
    for (const name of [undefined, 'alice', 'alice-nginx-ns', 'bob'])
      requests.push({ verb, group: '', resource: 'namespaces', ...(name ? { name } : {}) });
  }

  it('allows exactly what the authorizer allows, for every role', () => {
    for (const user of [student, viewer, instructor]) {
      for (const a of requests) {
        const rules = rulesOf(user, a.namespace ?? '');
        expect([user.name, a, rulesAllow(rules, a)]).toEqual([
          user.name,
          a,
          forbiddenReason(user, a) === undefined,
        ]);
      }
    }
  });

  it('gives a student everything in their namespace, and reading nodes and their namespace', () => {
    expect(rulesOf(student, 'alice').resourceRules.slice(0, 3)).toEqual([
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['nodes'] },
      {
        verbs: ['get', 'list', 'watch'],
        apiGroups: [''],
        resources: ['namespaces'],
        resourceNames: ['alice'],
      },
    ]);
    expect(rulesOf(student, 'bob').resourceRules[0]!.resources).toEqual(['nodes']);
  });
});
