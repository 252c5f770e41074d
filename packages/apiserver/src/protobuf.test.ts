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

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
/** `kubectl create deployment hello --image=nginx --replicas=2 --port=80` (kubectl 1.32). */
const CREATE_DEPLOYMENT =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c0010a230a0568656c6c6f12001a0022002a003200380042005a0c0a03617070120568656c6c6f128a010802120e0a0c0a03617070120568656c6c6f1a6e0a1e0a0012001a0022002a003200380042005a0c0a03617070120568656c6c6f124c122e0a056e67696e7812056e67696e782a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200';
/** `kubectl create service nodeport foo --tcp=80:8080 --node-port=30999` (kubectl 1.32). */
const CREATE_SERVICE_NODEPORT =
  '6b3873000a0d0a027631120753657276696365126a0a1f0a03666f6f12001a0022002a003200380042005a0a0a036170701203666f6f12430a1d0a0738302d38303830120354435018502207080010903f1a002897f201120a0a036170701203666f6f1a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200';

/** `kubectl debug node/node-1 --image=busybox --profile=sysadmin -- sleep 5` (kubectl 1.32). */
const DEBUG_NODE =
  '6b3873000a090a0276311203506f6412e2010a2a0a1a6e6f64652d64656275676765722d6e6f64652d312d626e68726712001a0022002a0032003800420012a1010a120a09686f73742d726f6f7412050a030a012f12530a086465627567676572120762757379626f781a05736c6565701a01352a0042004a180a09686f73742d726f6f7410001a052f686f7374220032006a0072007a021001800100880100900100a2010446696c651a054e65766572320042004a0052066e6f64652d315801600168018201008a01009a0100b2010e0a0012064578697374731a002200c201001a100a001a0022002a0032004a005a0072001a002200';

describe('decodeProtobuf', () => {
  it('reads a Namespace: its name and labels', () => {
    const meta = cat(field(1, 'nginx-ns'), field(11, cat(field(1, 'team'), field(2, 'a'))));
    expect(decodeProtobuf(envelope('Namespace', field(1, meta)))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'nginx-ns', labels: { team: 'a' } },
    });
  });

  it('reads what kubectl create deployment and create service send (bytes kubectl 1.32 sent)', () => {
    expect(decodeProtobuf(hex(CREATE_DEPLOYMENT))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hello', labels: { app: 'hello' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'hello' } },
        template: {
          metadata: { labels: { app: 'hello' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] },
        },
      },
    });
    expect(decodeProtobuf(hex(CREATE_SERVICE_NODEPORT))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'foo', labels: { app: 'foo' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30999 }],
        selector: { app: 'foo' },
        type: 'NodePort',
      },
    });
  });

  it("reads a Secret (kubectl create secret generic): data's bytes become base64", () => {
    const meta = cat(field(1, 'l4lab-agent-token'), field(3, 'l4lab-system'));
    const data = field(2, cat(field(1, 'token'), field(2, 's3cret')));
    expect(
      decodeProtobuf(envelope('Secret', cat(field(1, meta), data, field(3, 'Opaque')))),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'l4lab-agent-token', namespace: 'l4lab-system' },
      data: { token: 'czNjcmV0' },
      type: 'Opaque',
    });
  });

  it("reads DeleteOptions and an Eviction's (kubectl drain): a grace period of 0, a negative one, dryRun", () => {
    // Varint fields (wire type 0): gracePeriodSeconds 0, orphanDependents true.
    const options = cat(new Uint8Array([1 << 3, 0]), field(4, 'Foreground'), field(5, 'All'));
    expect(decodeProtobuf(envelope('DeleteOptions', options))).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
    // -1, an int64 in ten bytes of two's complement.
    const minusOne = new Uint8Array([1 << 3, ...Array(9).fill(0xff), 0x01, 3 << 3, 1]);
    const eviction = cat(field(1, field(1, 'web-1')), field(2, minusOne));
    expect(decodeProtobuf(envelope('Eviction', eviction))).toEqual({
      apiVersion: 'v1',
      kind: 'Eviction',
      metadata: { name: 'web-1' },
      deleteOptions: { gracePeriodSeconds: -1, orphanDependents: true },
    });
  });

  it("reads a PodDisruptionBudget's IntOrString bounds, a zero kept (kubectl create pdb --max-unavailable=0)", () => {
    const varint0 = (no: number) => new Uint8Array([no << 3, 0]);
    const zero = cat(varint0(1), varint0(2), field(3, ''));
    const selector = field(1, cat(field(1, 'app'), field(2, 'web')));
    const spec = cat(field(2, selector), field(3, zero));
    const body = envelope(
      'PodDisruptionBudget',
      cat(field(1, field(1, 'web-pdb')), field(2, spec)),
    );
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web-pdb' },
      spec: { selector: { matchLabels: { app: 'web' } }, maxUnavailable: 0 },
    });
    const percent = cat(new Uint8Array([0x08, 1]), varint0(2), field(3, '50%'));
    const half = envelope('PodDisruptionBudget', field(2, field(1, percent)));
    expect(decodeProtobuf(half)).toMatchObject({ spec: { minAvailable: '50%' } });
  });

  it('refuses other kinds and bodies without the magic, saying what to do', () => {
    expect(() => decodeProtobuf(envelope('Ingress', new Uint8Array()))).toThrow(
      'l4lab does not serve Ingress: it serves Namespace, Deployment, Service, Pod, Job, PodDisruptionBudget, Secret, ConfigMap, ServiceAccount (and reads them from kubectl create or kubectl apply -f)',
    );
    expect(() => decodeProtobuf(envelope('ClusterRole', new Uint8Array()))).toThrow(
      'l4lab reads ClusterRole as JSON only (kubectl apply -f, kubectl create -f), not as protobuf',
    );
    expect(() => decodeProtobuf(new TextEncoder().encode('{"kind":"Namespace"}'))).toThrow(
      ProtobufError,
    );
  });

  it('reads the pod kubectl debug node/NAME makes: its node, the host namespaces, volumes and stdin', () => {
    expect(decodeProtobuf(hex(DEBUG_NODE))).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'node-debugger-node-1-bnhrg' },
      spec: {
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        containers: [
          {
            name: 'debugger',
            image: 'busybox',
            command: ['sleep', '5'],
            volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
            securityContext: { privileged: true },
            terminationMessagePolicy: 'File',
          },
        ],
        restartPolicy: 'Never',
        nodeName: 'node-1',
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        tolerations: [{ operator: 'Exists' }],
      },
    });
  });
});
