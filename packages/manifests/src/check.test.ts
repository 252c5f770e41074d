import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
`;

describe('checkManifests', () => {
  const seeds = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

  it('finds the four seed scenarios (and the advanced ones beside them)', () => {
    expect(seeds).toEqual(
      expect.arrayContaining([
        '01-clusterip.yaml',
        '02-nodeport.yaml',
        '03-externalname.yaml',
        '04-loadbalancer.yaml',
      ]),
    );
  });

  it.each(seeds)('checks scenarios/%s with no errors and no warnings', (file) => {
    const result = checkManifests(readFileSync(join(SCENARIOS, file), 'utf8'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.objects.length).toBeGreaterThanOrEqual(2);
  });

  it('returns defaulted objects in document order with their positions', () => {
    const text = readFileSync(join(SCENARIOS, '03-externalname.yaml'), 'utf8');
    const { objects } = checkManifests(text);
    expect(objects.map((o) => [o.object.kind, o.object.metadata.name, o.document])).toEqual([
      ['Deployment', 'client', 0],
      ['Service', 'client-svc', 1],
      ['Namespace', 'nginx-ns', 2],
      ['Deployment', 'nginx', 3],
      ['Service', 'nginx-svc', 4],
    ]);
    expect(objects[0]?.line).toBe(2);
    const svc = objects[1]?.object;
    expect(svc?.kind === 'Service' && svc.spec.ports?.[0]?.protocol).toBe('TCP');
    expect(svc?.metadata.namespace).toBe('default');
    expect(objects[2]?.object.metadata.namespace).toBeUndefined();
  });

  it('reports a syntax error at its line', () => {
    const result = checkManifests('apiVersion: v1\nkind: Namespace\nfoo: bar: baz\n');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      code: 'L4_E_YAML_SYNTAX',
      severity: 'error',
      line: 3,
      document: 0,
      path: '',
    });
    expect(result.objects).toEqual([]);
  });

  it('puts replicas: -1 on the replicas line', () => {
    const { errors } = checkManifests(DEPLOYMENT);
    expect(errors).toEqual([
      {
        message:
          'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        path: 'spec.replicas',
        line: 6,
        column: 13,
        document: 0,
        severity: 'error',
        code: 'L4_E_INVALID',
      },
    ]);
  });

  it('reports a Service without ports at its spec', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n';
    const { errors } = checkManifests(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'The Service "web" is invalid: spec.ports: Required value',
      path: 'spec.ports',
      line: 5,
      column: 1,
    });
  });

  it('reports the bad document of a multi-document text by its index', () => {
    const text = `${DEPLOYMENT.replace('replicas: -1', 'replicas: 1')}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
      protocol: HTTP
`;
    const { errors, objects } = checkManifests(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message:
        'The Service "web" is invalid: spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      document: 1,
      line: 26,
      column: 17,
    });
    expect(objects.map((o) => o.object.kind)).toEqual(['Deployment', 'Service']);
  });

  it('expands a List into its items, with positions inside items[i]', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: team
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: team
    spec:
      ports:
        - port: 80
          nodePort: 30080
`;
    const { errors, objects } = checkManifests(text);
    expect(objects.map((o) => [o.object.kind, o.line])).toEqual([
      ['Namespace', 4],
      ['Service', 8],
    ]);
    expect(errors).toEqual([
      expect.objectContaining({
        message:
          'The Service "web" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
        path: 'items[1].spec.ports[0].nodePort',
        line: 16,
        column: 21,
      }),
    ]);
  });

  it('warns about unknown fields without blocking', () => {
    const text = DEPLOYMENT.replace('replicas: -1', 'replicas: 1\n  foo: bar').replace(
      'image: nginx:1.27',
      'image: nginx:1.27\n          prots: []',
    );
    const { errors, warnings, objects } = checkManifests(text);
    expect(errors).toEqual([]);
    expect(objects).toHaveLength(1);
    expect(warnings).toEqual([
      {
        message: 'unknown field "spec.foo"',
        path: 'spec.foo',
        line: 7,
        column: 8,
        document: 0,
        severity: 'warning',
        code: 'L4_W_UNKNOWN_FIELD',
      },
      expect.objectContaining({
        message: 'unknown field "spec.template.spec.containers[0].prots"',
        line: 19,
      }),
    ]);
    expect(JSON.stringify(objects[0]?.object)).not.toContain('prots');
  });

  it('does not warn about common real-world fields', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api}
  annotations: {deployment.kubernetes.io/revision: "1"}
spec:
  revisionHistoryLimit: 5
  progressDeadlineSeconds: 600
  minReadySeconds: 0
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: {prometheus.io/scrape: "true"}}
    spec:
      serviceAccountName: api
      nodeSelector: {kubernetes.io/os: linux}
      securityContext: {runAsNonRoot: true}
      volumes: [{name: tmp, emptyDir: {}}]
      containers:
        - name: api
          image: ghcr.io/acme/api:1.2.3
          imagePullPolicy: IfNotPresent
          args: ["--port=8080"]
          env:
            - name: POD_IP
              valueFrom: {fieldRef: {fieldPath: status.podIP}}
          ports: [{name: http, containerPort: 8080, protocol: TCP}]
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
          livenessProbe: {tcpSocket: {port: 8080}}
          volumeMounts: [{name: tmp, mountPath: /tmp}]
          securityContext: {readOnlyRootFilesystem: true}
status:
  replicas: 1
`;
    const result = checkManifests(text);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.objects[0]?.object).not.toHaveProperty('status');
  });

  it('requires apiVersion, kind and an object', () => {
    const { errors } = checkManifests(
      'metadata:\n  name: x\n---\n- a\n- b\n---\nkind: Service\napiVersion: 1\n',
    );
    expect(errors.map((e) => [e.document, e.message, e.line])).toEqual([
      [0, 'apiVersion not set', 1],
      [0, 'kind not set', 1],
      [
        1,
        'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata, got a list',
        4,
      ],
      [2, 'apiVersion must be a string', 8],
    ]);
  });

  it('rejects kinds l4lab does not serve, like kubectl without the CRD', () => {
    const { errors, objects } = checkManifests(
      'apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n',
    );
    expect(objects).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'L4_E_UNSUPPORTED_KIND',
        path: 'kind',
        line: 2,
        column: 7,
        message:
          'no matches for kind "Foo" in version "example.com/v1": l4lab does not serve this kind; it ' +
          'serves ClusterRole (rbac.authorization.k8s.io/v1), ClusterRoleBinding ' +
          '(rbac.authorization.k8s.io/v1), ConfigMap (v1), DaemonSet (apps/v1), Deployment (apps/v1), EndpointSlice ' +
          '(discovery.k8s.io/v1), Endpoints (v1), Job (batch/v1), Namespace (v1), NetworkPolicy (networking.k8s.io/v1), Pod (v1), PodDisruptionBudget (policy/v1), ReplicaSet (apps/v1), ' +
          'Secret (v1), Service (v1), ServiceAccount (v1), StatefulSet (apps/v1)',
      }),
      expect.objectContaining({ code: 'L4_E_READ_ONLY_KIND', document: 1, line: 7 }),
    ]);
  });

  it("reports a type error at the value, with the API server's 400 message", () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: "80"\n';
    const { errors, objects } = checkManifests(text);
    expect(objects).toEqual([]);
    expect(errors).toEqual([
      {
        message:
          'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string ' +
          'into Go struct field ServicePort.spec.ports.port of type int32',
        path: 'spec.ports[0].port',
        line: 7,
        column: 13,
        document: 0,
        severity: 'error',
        code: 'L4_E_DECODE',
      },
    ]);
  });

  it('keeps the later of a repeated key, and says so as a warning on its line', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: old\n' +
      '  ports: [{port: 80}]\n  selector:\n    app: web\n';
    const { errors, objects, warnings } = checkManifests(text);
    expect(errors).toEqual([]);
    expect(objects[0]?.object).toMatchObject({ spec: { selector: { app: 'web' } } });
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'line 10: key "selector" already set in map',
        path: 'spec.selector',
        line: 9,
        severity: 'warning',
        code: 'L4_W_DUPLICATE_KEY',
      }),
    ]);
  });

  it('returns nothing for an empty text', () => {
    expect(checkManifests('')).toEqual({ objects: [], errors: [], warnings: [] });
    expect(checkManifests('# nothing yet\n---\n')).toEqual({
      objects: [],
      errors: [],
      warnings: [],
    });
  });
});

describe('checkManifests ordering', () => {
  it('lists errors by document, syntax errors included', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nfoo: bar: baz\n';
    const { errors } = checkManifests(text);
    expect(errors.map((e) => [e.document, e.code])).toEqual([
      [0, 'L4_E_INVALID'],
      [1, 'L4_E_YAML_SYNTAX'],
    ]);
  });
});
