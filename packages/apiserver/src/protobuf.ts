// The Kubernetes protobuf envelope (`application/vnd.kubernetes.protobuf`: the magic `k8s\0`, then a
// runtime.Unknown holding the object's own protobuf), read for the bodies `kubectl create namespace`,
// `create deployment`, `create service` and `debug node/NAME` send: the fields their generators fill
// in (field numbers from k8s.io/api's generated.proto). Other kinds are refused with a clear 415.

import { resourceTypeOfKind } from '@l4lab/protocol';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** A protobuf body l4lab cannot read (answered 415, saying what to use instead). */
export class ProtobufError extends Error {}

interface Field {
  no: number;
  /** Wire type 2 (bytes, strings, messages). */
  bytes?: Uint8Array;
  /** Wire type 0 (ints, bools, enums). */
  value?: number;
}

/** A varint, read as an int64 (a negative one is ten bytes of two's complement). */
function varint(buf: Uint8Array, at: { i: number }): number {
  let out = 0n;
  let shift = 0n;
  for (;;) {
    if (at.i >= buf.length) throw new ProtobufError('truncated protobuf');
    const b = buf[at.i++]!;
    out |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return Number(BigInt.asIntN(64, out));
    shift += 7n;
    if (shift > 63n) throw new ProtobufError('protobuf varint too long');
  }
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = varint(buf, at);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ no, value: varint(buf, at) });
    else if (wire === 1) at.i += 8;
    else if (wire === 5) at.i += 4;
    else if (wire === 2) {
      const len = varint(buf, at);
      if (at.i + len > buf.length) throw new ProtobufError('truncated protobuf');
      out.push({ no, bytes: buf.subarray(at.i, at.i + len) });
      at.i += len;
    } else throw new ProtobufError(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '');

/**
 * The part of a message l4lab reads: field number -> [JSON name, how]. Proto2 writes every field,
 * empty ones too: an empty string, a zero number and an empty message are left out of the JSON
 * (except where zero means something: `int0`; a `flag` is written only when true, as JSON leaves
 * an unset bool out).
 */
type How =
  'string' | 'int' | 'int0' | 'bool' | 'flag' | 'strings' | 'map' | 'bytesMap' | Schema | [Schema];
/** A message whose fields JSON holds in its parent's (a Volume's VolumeSource). */
const INLINE = '...';
interface Schema {
  [no: number]: [string, How];
}

const INT_OR_STRING: Schema = { 1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'string'] };
/** An IntOrString where 0 is a value (a budget's `--max-unavailable=0`), not an unset field. */
const INT_OR_STRING_0: Schema = {
  1: ['type', 'int0'],
  2: ['intVal', 'int0'],
  3: ['strVal', 'string'],
};
const META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
};
const CONTAINER: Schema = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'strings'],
  4: ['args', 'strings'],
  5: ['workingDir', 'string'],
  6: [
    'ports',
    [
      {
        1: ['name', 'string'],
        2: ['hostPort', 'int'],
        3: ['containerPort', 'int'],
        4: ['protocol', 'string'],
        5: ['hostIP', 'string'],
      },
    ],
  ],
  7: ['env', [{ 1: ['name', 'string'], 2: ['value', 'string'] }]],
  9: [
    'volumeMounts',
    [
      {
        1: ['name', 'string'],
        2: ['readOnly', 'flag'],
        3: ['mountPath', 'string'],
        4: ['subPath', 'string'],
      },
    ],
  ],
  13: ['terminationMessagePath', 'string'],
  14: ['imagePullPolicy', 'string'],
  15: ['securityContext', { 2: ['privileged', 'flag'] }],
  // `kubectl debug` and `kubectl run -i`: the container reads stdin, once, with a terminal.
  16: ['stdin', 'flag'],
  17: ['stdinOnce', 'flag'],
  18: ['tty', 'flag'],
  20: ['terminationMessagePolicy', 'string'],
};
/** What `kubectl debug node/NAME` and `kubectl create` fill in of a PodSpec. */
const POD_SPEC: Schema = {
  1: [
    'volumes',
    [
      {
        1: ['name', 'string'],
        2: [
          INLINE,
          {
            1: ['hostPath', { 1: ['path', 'string'], 2: ['type', 'string'] }],
            2: ['emptyDir', { 1: ['medium', 'string'] }],
          },
        ],
      },
    ],
  ],
  2: ['containers', [CONTAINER]],
  3: ['restartPolicy', 'string'],
  6: ['dnsPolicy', 'string'],
  7: ['nodeSelector', 'map'],
  8: ['serviceAccountName', 'string'],
  10: ['nodeName', 'string'],
  11: ['hostNetwork', 'flag'],
  12: ['hostPID', 'flag'],
  13: ['hostIPC', 'flag'],
  // Optional bools whose false says something (a 'bool': false is kept).
  21: ['automountServiceAccountToken', 'bool'],
  30: ['enableServiceLinks', 'bool'],
  22: [
    'tolerations',
    [
      {
        1: ['key', 'string'],
        2: ['operator', 'string'],
        3: ['value', 'string'],
        4: ['effect', 'string'],
        5: ['tolerationSeconds', 'int'],
      },
    ],
  ],
};
const SELECTOR: Schema = { 1: ['matchLabels', 'map'] };
/** meta/v1 DeleteOptions: what `kubectl delete` and `kubectl drain` say of a deletion. */
const DELETE_OPTIONS: Schema = {
  1: ['gracePeriodSeconds', 'int0'],
  2: ['preconditions', { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] }],
  3: ['orphanDependents', 'bool'],
  4: ['propagationPolicy', 'string'],
  5: ['dryRun', 'strings'],
};

/** The kinds `kubectl create` sends as protobuf, as far as its generators fill them in. */
const KINDS: Record<string, Schema> = {
  Namespace: { 1: ['metadata', META] },
  Deployment: {
    1: ['metadata', META],
    2: [
      'spec',
      {
        1: ['replicas', 'int0'],
        2: ['selector', SELECTOR],
        3: ['template', { 1: ['metadata', META], 2: ['spec', POD_SPEC] }],
        4: ['strategy', { 1: ['type', 'string'] }],
        5: ['minReadySeconds', 'int'],
      },
    ],
  },
  Service: {
    1: ['metadata', META],
    2: [
      'spec',
      {
        1: [
          'ports',
          [
            {
              1: ['name', 'string'],
              2: ['protocol', 'string'],
              3: ['port', 'int'],
              4: ['targetPort', INT_OR_STRING],
              5: ['nodePort', 'int'],
            },
          ],
        ],
        2: ['selector', 'map'],
        3: ['clusterIP', 'string'],
        4: ['type', 'string'],
        10: ['externalName', 'string'],
      },
    ],
  },
  Pod: { 1: ['metadata', META], 2: ['spec', POD_SPEC] },
  // `kubectl create job NAME --image=IMAGE -- COMMAND` (k8s.io/api/batch/v1).
  Job: {
    1: ['metadata', META],
    2: [
      'spec',
      {
        1: ['parallelism', 'int0'],
        2: ['completions', 'int0'],
        3: ['activeDeadlineSeconds', 'int0'],
        4: ['selector', SELECTOR],
        5: ['manualSelector', 'bool'],
        6: ['template', { 1: ['metadata', META], 2: ['spec', POD_SPEC] }],
        7: ['backoffLimit', 'int0'],
        8: ['ttlSecondsAfterFinished', 'int0'],
        9: ['completionMode', 'string'],
        10: ['suspend', 'bool'],
        14: ['podReplacementPolicy', 'string'],
      },
    ],
  },
  // `kubectl create poddisruptionbudget NAME --selector=... --min-available=N` (k8s.io/api/policy/v1).
  PodDisruptionBudget: {
    1: ['metadata', META],
    2: [
      'spec',
      {
        1: ['minAvailable', INT_OR_STRING_0],
        2: ['selector', SELECTOR],
        3: ['maxUnavailable', INT_OR_STRING_0],
        4: ['unhealthyPodEvictionPolicy', 'string'],
      },
    ],
  },
  // `kubectl create secret generic|tls|docker-registry` and `kubectl create serviceaccount`.
  Secret: {
    1: ['metadata', META],
    2: ['data', 'bytesMap'],
    3: ['type', 'string'],
    4: ['stringData', 'map'],
  },
  // `kubectl create configmap --from-literal / --from-file / --from-env-file`.
  ConfigMap: {
    1: ['metadata', META],
    2: ['data', 'map'],
    3: ['binaryData', 'bytesMap'],
    4: ['immutable', 'bool'],
  },
  ServiceAccount: { 1: ['metadata', META] },
  // A DELETE's body (`kubectl drain` without evictions, `kubectl delete` of a pod).
  DeleteOptions: DELETE_OPTIONS,
  // `kubectl drain` (k8s.io/api/policy/v1).
  Eviction: { 1: ['metadata', META], 2: ['deleteOptions', DELETE_OPTIONS] },
  // `kubectl auth whoami` (k8s.io/api/authentication/v1): nothing to read but its metadata.
  SelfSubjectReview: { 1: ['metadata', META] },
  // `kubectl auth can-i --list` (k8s.io/api/authorization/v1).
  SelfSubjectRulesReview: { 1: ['metadata', META], 2: ['spec', { 1: ['namespace', 'string'] }] },
  // `kubectl auth can-i` (k8s.io/api/authorization/v1).
  SelfSubjectAccessReview: {
    1: ['metadata', META],
    2: [
      'spec',
      {
        1: [
          'resourceAttributes',
          {
            1: ['namespace', 'string'],
            2: ['verb', 'string'],
            3: ['group', 'string'],
            4: ['version', 'string'],
            5: ['resource', 'string'],
            6: ['subresource', 'string'],
            7: ['name', 'string'],
          },
        ],
        2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }],
      },
    ],
  },
};
/** What the 415 says l4lab reads: the kinds a client creates (not reviews, options, evictions). */
const CREATED_KINDS = Object.keys(KINDS).filter(
  (k) => !k.endsWith('Review') && !['DeleteOptions', 'Eviction'].includes(k),
);

function message(buf: Uint8Array, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    const known = schema[f.no];
    if (!known) continue;
    const [name, how] = known;
    if (how === 'string') {
      const v = text(f.bytes);
      if (v) out[name] = v;
    } else if (how === 'int' || how === 'int0') {
      if (f.value || how === 'int0') out[name] = f.value ?? 0;
    } else if (how === 'bool') {
      out[name] = f.value === 1;
    } else if (how === 'flag') {
      if (f.value === 1) out[name] = true;
    } else if (how === 'strings') {
      out[name] = [...((out[name] as string[] | undefined) ?? []), text(f.bytes)];
    } else if (how === 'map' || how === 'bytesMap') {
      const kv = fields(f.bytes ?? new Uint8Array());
      const key = text(kv.find((x) => x.no === 1)?.bytes);
      const raw = kv.find((x) => x.no === 2)?.bytes;
      // map<string, bytes> (a Secret's data) is base64 in JSON.
      const value =
        how === 'bytesMap' ? Buffer.from(raw ?? new Uint8Array()).toString('base64') : text(raw);
      out[name] = { ...((out[name] as object | undefined) ?? {}), [key]: value };
    } else if (Array.isArray(how)) {
      out[name] = [
        ...((out[name] as unknown[] | undefined) ?? []),
        message(f.bytes ?? new Uint8Array(), how[0]!),
      ];
    } else {
      const sub = message(f.bytes ?? new Uint8Array(), how);
      if (name === INLINE) Object.assign(out, sub);
      else if (Object.keys(sub).length > 0) out[name] = sub;
    }
  }
  return out;
}

/** IntOrString's three fields back to what JSON holds: a number or a string. */
function intOrString(o: Record<string, unknown>, key: string): void {
  const t = o[key] as { type?: number; intVal?: number; strVal?: string } | undefined;
  if (!t) return;
  o[key] = t.type === 1 ? (t.strVal ?? '') : (t.intVal ?? 0);
}

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((m, i) => body[i] !== m))
    throw new ProtobufError('the body is not a Kubernetes protobuf message (no k8s magic)');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.find((f) => f.no === 1)?.bytes ?? new Uint8Array());
  const apiVersion = text(typeMeta.find((f) => f.no === 1)?.bytes);
  const kind = text(typeMeta.find((f) => f.no === 2)?.bytes);
  const raw = unknown.find((f) => f.no === 2)?.bytes ?? new Uint8Array();
  const schema = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!schema) {
    throw new ProtobufError(
      resourceTypeOfKind(kind)
        ? `l4lab reads ${kind} as JSON only (kubectl apply -f, kubectl create -f), not as protobuf: it reads protobuf bodies of ${CREATED_KINDS.join(', ')}`
        : `l4lab does not serve ${kind || 'this kind'}: it serves ${CREATED_KINDS.join(', ')} (and reads them from kubectl create or kubectl apply -f)`,
    );
  }
  const object: Record<string, unknown> = { apiVersion, kind, ...message(raw, schema) };
  const spec = object.spec as Record<string, unknown> | undefined;
  if (kind === 'Service')
    for (const p of (spec?.ports as Record<string, unknown>[] | undefined) ?? [])
      intOrString(p, 'targetPort');
  if (kind === 'PodDisruptionBudget' && spec)
    for (const key of ['minAvailable', 'maxUnavailable']) intOrString(spec, key);
  return object;
}
