import { describe, expect, it } from 'vitest';
import { decodeProtobuf, ProtobufError } from './protobuf.ts';

/** A length-delimited field (wire type 2). */
function field(no: number, bytes: Uint8Array | string): Uint8Array {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return new Uint8Array([(no << 3) | 2, b.length, ...b]);
}
const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

/** What `kubectl create namespace nginx-ns --dry-run` style clients send: k8s magic + Unknown. */
function envelope(kind: string, raw: Uint8Array): Uint8Array {
  const typeMeta = cat(field(1, 'v1'), field(2, kind));
  return cat(new Uint8Array([0x6b, 0x38, 0x73, 0]), field(1, typeMeta), field(2, raw));
}

describe('decodeProtobuf', () => {
  it('reads a Namespace: its name and labels', () => {
    const meta = cat(field(1, 'nginx-ns'), field(11, cat(field(1, 'team'), field(2, 'a'))));
    expect(decodeProtobuf(envelope('Namespace', field(1, meta)))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'nginx-ns', labels: { team: 'a' } },
    });
  });

  it('refuses other kinds and bodies without the magic, saying what to do', () => {
    expect(() => decodeProtobuf(envelope('Deployment', new Uint8Array()))).toThrow(
      'l4lab reads protobuf bodies of Namespaces only, not Deployment: write it in YAML and use kubectl apply -f',
    );
    expect(() => decodeProtobuf(new TextEncoder().encode('{"kind":"Namespace"}'))).toThrow(
      ProtobufError,
    );
  });
});
