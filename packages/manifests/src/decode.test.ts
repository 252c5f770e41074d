import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { decodeObject } from './decode.ts';
import { goTimeParseError } from './goTime.ts';
import { QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, quantityError } from './quantity.ts';
import { KIND_SCHEMAS } from './schema.ts';

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
  };
}

function container(fields: Record<string, unknown>) {
  return pod({ containers: [{ name: 'c', image: 'nginx', ...fields }] });
}

const decodeError = (o: Record<string, unknown>) =>
  decodeObject(o, KIND_SCHEMAS[String(o.kind)]!).error?.message;

describe('decoding: the fields that were not checked before have their Go types', () => {
  it.each([
    [
      'affinity as a list',
      pod({ affinity: [{ nodeAffinity: {} }] }),
      'json: cannot unmarshal array into Go struct field PodSpec.spec.affinity of type v1.Affinity',
    ],
    [
      'tolerations as an object',
      pod({ tolerations: { key: 'a' } }),
      'json: cannot unmarshal object into Go struct field PodSpec.spec.tolerations of type []v1.Toleration',
    ],
    [
      'tolerationSeconds as a string',
      pod({ tolerations: [{ key: 'a', tolerationSeconds: '60' }] }),
      'json: cannot unmarshal string into Go struct field Toleration.spec.tolerations.tolerationSeconds of type int64',
    ],
    [
      'a node selector term values as a string',
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'k', operator: 'In', values: 'a' }] },
              ],
            },
          },
        },
      }),
      'json: cannot unmarshal string into Go struct field NodeSelectorRequirement.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchExpressions.values of type []string',
    ],
    [
      'resources limits as a list',
      container({ resources: { limits: ['cpu'] } }),
      'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList',
    ],
    [
      'a probe period as a string',
      container({ readinessProbe: { periodSeconds: '10s' } }),
      'json: cannot unmarshal string into Go struct field Probe.spec.containers.readinessProbe.periodSeconds of type int32',
    ],
    [
      'an exec command as a string',
      container({ livenessProbe: { exec: { command: 'cat /tmp/healthy' } } }),
      'json: cannot unmarshal string into Go struct field ExecAction.spec.containers.livenessProbe.exec.command of type []string',
    ],
    [
      'env as a map',
      container({ env: { PORT: '80' } }),
      'json: cannot unmarshal object into Go struct field Container.spec.containers.env of type []v1.EnvVar',
    ],
    [
      'a security context flag as a string',
      container({ securityContext: { runAsNonRoot: 'yes' } }),
      'json: cannot unmarshal string into Go struct field SecurityContext.spec.containers.securityContext.runAsNonRoot of type bool',
    ],
    [
      'capabilities as a string',
      container({ securityContext: { capabilities: { add: 'NET_ADMIN' } } }),
      'json: cannot unmarshal string into Go struct field Capabilities.spec.containers.securityContext.capabilities.add of type []v1.Capability',
    ],
    [
      'a volume source as a string',
      pod({ volumes: [{ name: 'data', emptyDir: '' }] }),
      'json: cannot unmarshal string into Go struct field Volume.spec.volumes.emptyDir of type v1.EmptyDirVolumeSource',
    ],
    [
      'a volume mount read-only flag as a string',
      container({ volumeMounts: [{ name: 'data', mountPath: '/d', readOnly: 'true' }] }),
      'json: cannot unmarshal string into Go struct field VolumeMount.spec.containers.volumeMounts.readOnly of type bool',
    ],
    [
      'a protocol as a number (a named string type)',
      container({ ports: [{ containerPort: 80, protocol: 6 }] }),
      'json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol',
    ],
    [
      'managedFields as an object',
      pod({}, { name: 'p', managedFields: {} }),
      'json: cannot unmarshal object into Go struct field ObjectMeta.metadata.managedFields of type []v1.ManagedFieldsEntry',
    ],
  ])('%s', (_what, object, message) => {
    expect(decodeError(object)).toBe(message);
  });

  it('accepts what real manifests write in those fields', () => {
    const object = pod({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: { app: 'web' } },
                topologyKey: 'kubernetes.io/hostname',
              },
            },
          ],
        },
      },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      volumes: [
        { name: 'cfg', configMap: { name: 'app', items: [{ key: 'a', path: 'a.conf' }] } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      ],
      containers: [
        {
          name: 'c',
          image: 'nginx',
          resources: { requests: { cpu: 0.5, memory: '64Mi' }, limits: { 'nvidia.com/gpu': 1 } },
          livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 3 },
          lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
          envFrom: [{ configMapRef: { name: 'app' } }],
          securityContext: { capabilities: { drop: ['ALL'] }, runAsUser: 1000 },
        },
      ],
    });
    const r = decodeObject(pod({}), KIND_SCHEMAS.Pod!);
    expect(r.error).toBeUndefined();
    const full = decodeObject(object, KIND_SCHEMAS.Pod!);
    expect([full.error, full.unknownFields]).toEqual([undefined, []]);
  });
});

describe('decoding: quantities as the API server stores them', () => {
  it('writes numbers and non-canonical quantities in canonical form', () => {
    const object = container({
      resources: {
        requests: { cpu: 0.5, memory: '1.5Gi' },
        limits: { cpu: '1000m', memory: '64Mi', 'nvidia.com/gpu': 1 },
      },
    });
    const r = decodeObject(object, KIND_SCHEMAS.Pod!);
    const spec = r.value.spec as { containers: { resources: unknown }[] };
    expect(spec.containers[0]!.resources).toEqual({
      requests: { cpu: '500m', memory: '1536Mi' },
      limits: { cpu: '1', memory: '64Mi', 'nvidia.com/gpu': '1' },
    });
  });
});

describe("decoding: values with their own decoders stop at once, without Go's field context", () => {
  it('an int-or-string that is neither', () => {
    const s = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80, targetPort: true }] },
    };
    expect(decodeError(s)).toBe('json: cannot unmarshal bool into Go value of type int32');
  });

  it('a quantity that does not parse, even after an earlier type mismatch', () => {
    const object = container({
      resources: { limits: { cpu: 'lots' } },
      image: 5,
    });
    expect(decodeError(object)).toBe(QUANTITY_FORMAT_ERROR);
  });

  it('a timestamp that is not RFC 3339', () => {
    expect(decodeError(pod({}, { name: 'p', creationTimestamp: 'yesterday' }))).toBe(
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    );
    expect(decodeError(pod({}, { name: 'p', creationTimestamp: null }))).toBeUndefined();
  });
});

describe('quantityError: resource.ParseQuantity', () => {
  it.each([['100m'], ['64Mi'], ['1'], ['0.5'], ['1e3'], ['2E'], ['+1.5Gi'], [0.25], [2]])(
    'accepts %s',
    (q) => expect(quantityError(q)).toBeUndefined(),
  );

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['lots', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    [true, QUANTITY_FORMAT_ERROR],
    [['1'], QUANTITY_FORMAT_ERROR],
    ['500mi', QUANTITY_SUFFIX_ERROR],
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['2KB', QUANTITY_FORMAT_ERROR],
  ])('refuses %j', (q, message) => expect(quantityError(q)).toBe(message));

  it('names the regular expression as Kubernetes does', () => {
    expect(QUANTITY_FORMAT_ERROR).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});

describe('goTimeParseError: time.Parse(time.RFC3339)', () => {
  it.each([['2024-01-02T03:04:05Z'], ['2024-01-02T03:04:05.123+02:00']])('accepts %s', (t) =>
    expect(goTimeParseError(t)).toBeUndefined(),
  );

  it.each([
    [
      '2024-01-02',
      'parsing time "2024-01-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
    ],
    ['2024-13-02T03:04:05Z', 'parsing time "2024-13-02T03:04:05Z": month out of range'],
    [
      '2024-01-02T03:04:05',
      'parsing time "2024-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
    ],
    ['2024-01-02T03:04:05Zoo', 'parsing time "2024-01-02T03:04:05Zoo": extra text: "oo"'],
  ])('refuses %s', (t, message) => expect(goTimeParseError(t)).toBe(message));
});

describe('checkManifests: a value the API server cannot decode', () => {
  it('is answered as the API server answers it, on the line of the value', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      affinity:',
      '      - nodeAffinity: {}',
      '      containers: [{name: web, image: nginx}]',
      '',
    ].join('\n');
    expect(checkManifests(text).errors).toEqual([
      expect.objectContaining({
        message:
          'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal ' +
          'array into Go struct field PodSpec.spec.template.spec.affinity of type v1.Affinity',
        path: 'spec.template.spec.affinity',
        line: 9,
        code: 'L4_E_DECODE',
      }),
    ]);
  });
});
