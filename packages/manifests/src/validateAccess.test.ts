import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';
import { base64Problem, isConfigMapKey, isValidPathSegmentName } from './validateAccess.ts';

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

const RBAC = 'rbac.authorization.k8s.io/v1';

describe('ServiceAccount and Secret validation', () => {
  it('accepts a ServiceAccount, and names it like any namespaced object', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'l4lab-agent' } };
    expect(messages(sa)).toEqual([]);
    expect(messages({ ...sa, metadata: { name: 'Agent' } })).toEqual([
      "metadata.name: Invalid value: \"Agent\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it("merges stringData into data as base64 (the API server's conversion), type Opaque by default", () => {
    const { objects, errors } = checkManifests(`apiVersion: v1
kind: Secret
metadata:
  name: l4lab-agent-token
stringData:
  token: s3cret-é
data:
  other: b2s=
`);
    expect(errors).toEqual([]);
    expect(objects[0]!.object).toMatchObject({
      type: 'Opaque',
      data: { token: 'czNjcmV0LcOp', other: 'b2s=' },
    });
    expect(objects[0]!.object).not.toHaveProperty('stringData');
  });

  it('refuses keys that are not config keys and values that are not base64, redacting them', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { 'a/b': 'b2s=', token: 'not base64!' },
    };
    expect(messages(secret)).toEqual([
      "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[token]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
    ]);
  });

  it('requires what each well-known type needs', () => {
    const typed = (type: string, data: Record<string, string> = {}) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      type,
      data,
    });
    expect(messages(typed('kubernetes.io/service-account-token'))).toEqual([
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
    expect(messages(typed('kubernetes.io/tls', { 'tls.crt': '' }))).toEqual([
      'data[tls.key]: Required value',
    ]);
    expect(messages(typed('kubernetes.io/basic-auth'))).toEqual([
      'data[username]: Required value',
      'data[password]: Required value',
    ]);
    expect(messages(typed('example.com/anything'))).toEqual([]);
  });

  it("reads base64 as Go's StdEncoding does", () => {
    expect(base64Problem('')).toEqual({ bytes: 0 });
    expect(base64Problem('czNjcmV0')).toEqual({ bytes: 6 });
    expect(base64Problem('b2s=')).toEqual({ bytes: 2 });
    expect(base64Problem('b2s')).toEqual({ at: 0 });
    expect(base64Problem('ab$d')).toEqual({ at: 2 });
    expect(isConfigMapKey('..data')).toEqual(["must not start with '..'"]);
  });
});

describe('ClusterRole and ClusterRoleBinding validation (pkg/apis/rbac/validation)', () => {
  const role = (rules: unknown[]) => ({
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name: 'l4lab-agent' },
    rules,
  });

  it('accepts an empty role and read-only rules; a cluster-scoped name is a path segment', () => {
    expect(messages(role([]))).toEqual([]);
    expect(
      messages(role([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }])),
    ).toEqual([]);
    expect(messages(role([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]))).toEqual([]);
    expect(isValidPathSegmentName('a/b%')).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(messages({ ...role([]), metadata: { name: '..' } })).toEqual([
      'metadata.name: Invalid value: "..": may not be \'..\'',
    ]);
  });

  it('requires verbs, API groups and resources of each rule', () => {
    expect(messages(role([{}]))).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
    ]);
    expect(
      messages(role([{ verbs: ['get'], nonResourceURLs: ['/metrics'], resources: ['pods'] }])),
    ).toEqual([
      'rules[0].nonResourceURLs: Invalid value: ["/metrics"]: rules cannot apply to both regular resources and non-resource URLs',
    ]);
  });

  const binding = (roleRef: object, subjects: object[]) => ({
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'l4lab-agent' },
    roleRef,
    subjects,
  });
  const ref = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'l4lab-agent' };

  it('accepts a binding of a ClusterRole to a ServiceAccount, a User and a Group', () => {
    const subjects = [
      { kind: 'ServiceAccount', name: 'l4lab-agent', namespace: 'l4lab-system' },
      { kind: 'User', name: 'alice' },
      { kind: 'Group', name: 'ops', apiGroup: 'rbac.authorization.k8s.io' },
    ];
    expect(messages(binding(ref, subjects))).toEqual([]);
  });

  it("refuses another roleRef, and subjects without what RBAC needs, in Kubernetes' words", () => {
    expect(messages(binding({ apiGroup: '', kind: 'Role' }, []))).toEqual([
      'roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'roleRef.name: Required value',
    ]);
    expect(
      messages(
        binding(ref, [
          { kind: 'ServiceAccount', name: 'l4lab-agent' },
          { kind: 'User', name: 'alice', apiGroup: 'example.com' },
          { kind: 'Robot', name: 'r2' },
        ]),
      ),
    ).toEqual([
      'subjects[0].namespace: Required value',
      'subjects[1].apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"',
      'subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });

  it('drops a namespace given to a cluster-scoped kind, as the API server does', () => {
    const { objects, errors } = checkManifests(
      `apiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: r\n  namespace: default\nrules: []\n`,
    );
    expect(errors).toEqual([]);
    expect(objects[0]!.object.metadata).not.toHaveProperty('namespace');
  });
});
