// The Kubernetes protobuf envelope (`application/vnd.kubernetes.protobuf`: the magic `k8s\0`, then a
// runtime.Unknown holding the object's own protobuf), read for the one body kubectl sends that way
// in the tutorial: `kubectl create namespace`. Other kinds are refused with a clear 415.

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** A protobuf body l4lab cannot read (answered 415, saying what to use instead). */
export class ProtobufError extends Error {}

interface Field {
  no: number;
  /** Wire type 2 (bytes, strings, messages) only: the others are skipped. */
  bytes?: Uint8Array;
}

function varint(buf: Uint8Array, at: { i: number }): number {
  let out = 0;
  let shift = 0;
  for (;;) {
    if (at.i >= buf.length) throw new ProtobufError('truncated protobuf');
    const b = buf[at.i++]!;
    out += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return out;
    shift += 7;
    if (shift > 63) throw new ProtobufError('protobuf varint too long');
  }
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = varint(buf, at);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) varint(buf, at);
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

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const first = (fs: Field[], no: number) => fs.find((f) => f.no === no)?.bytes;

/** A map<string,string> field: repeated entries of {key = 1, value = 2}. */
function stringMap(fs: Field[], no: number): Record<string, string> | undefined {
  const entries = fs.filter((f) => f.no === no);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map((e) => {
      const kv = fields(e.bytes!);
      return [text(first(kv, 1)) ?? '', text(first(kv, 2)) ?? ''];
    }),
  );
}

/** ObjectMeta: name 1, generateName 2, namespace 3, labels 11, annotations 12. */
function objectMeta(b: Uint8Array | undefined): Record<string, unknown> {
  if (!b) return {};
  const fs = fields(b);
  const labels = stringMap(fs, 11);
  const annotations = stringMap(fs, 12);
  return {
    ...(first(fs, 1) ? { name: text(first(fs, 1)) } : {}),
    ...(first(fs, 2) ? { generateName: text(first(fs, 2)) } : {}),
    ...(first(fs, 3) ? { namespace: text(first(fs, 3)) } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((m, i) => body[i] !== m))
    throw new ProtobufError('the body is not a Kubernetes protobuf message (no k8s magic)');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(first(unknown, 1) ?? new Uint8Array());
  const apiVersion = text(first(typeMeta, 1)) ?? '';
  const kind = text(first(typeMeta, 2)) ?? '';
  const raw = first(unknown, 2) ?? new Uint8Array();
  if (kind !== 'Namespace') {
    throw new ProtobufError(
      `l4lab reads protobuf bodies of Namespaces only, not ${kind || 'this object'}: write it in YAML and use kubectl apply -f`,
    );
  }
  const ns = fields(raw);
  return { apiVersion, kind, metadata: objectMeta(first(ns, 1)) };
}
