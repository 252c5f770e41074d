// The corpus checks a table row cannot say: a graceful deletion, session affinity per client,
// externalTrafficPolicy Local on node ports, a Deployment's minReadySeconds, a canary's two
// versions behind one Service, manual and mirrored EndpointSlices.
import { expect } from 'vitest';
import {
  eventually,
  getObject,
  httpGet,
  listObjects,
  nodeIPs,
  readyPods,
  type CorpusContext,
  type KubeObj,
} from './docsCorpusHarness.ts';

/** Client addresses the tests connect from (native mode: 127/8 is all loopback). */
const clientAddress = (c: CorpusContext, i: number) =>
  c.t.lab.info.addressMode === 'native' ? `127.30.0.${i}` : undefined;

async function onePod(c: CorpusContext, selector: string): Promise<KubeObj> {
  return eventually(15_000, async () => {
    const pods = await readyPods(c, selector);
    expect(pods, `ready pods ${selector}`).toHaveLength(1);
    return pods[0]!;
  });
}

/** The pod's own address answers on `port` (no Service in between), naming the pod. */
export function answersOnPodIP(port: number, body: RegExp) {
  return async (c: CorpusContext): Promise<void> => {
    const pod = await onePod(c, '');
    const target = c.t.target(pod.status!.podIP!, port);
    const got = await eventually(10_000, () => httpGet(target.host, target.port));
    expect(got.pod).toBe(pod.metadata.name);
    expect(got.body).toMatch(body);
  };
}

/**
 * A deleted pod whose preStop hook outlasts the grace period stays Terminating, still serving:
 * its endpoint goes `ready: false, serving: true, terminating: true` (the docs' "Explore
 * Termination Behavior for Pods And Their Endpoints" shows exactly this), and the Deployment's
 * replacement takes the Service's traffic.
 */
export async function gracefulDeletion(c: CorpusContext): Promise<void> {
  const victim = (await onePod(c, 'app=nginx')).metadata.name;
  const deleted = await c.t.api('DELETE', `/api/objects/pods/${c.ns}/${victim}`);
  expect(deleted.status).toBe(200);
  await eventually(5_000, async () => {
    const slices = await listObjects(
      c,
      'EndpointSlice',
      'kubernetes.io/service-name=nginx-service',
    );
    const endpoints = slices.flatMap(
      (s) => (s as unknown as { endpoints?: { targetRef?: { name: string } }[] }).endpoints ?? [],
    );
    expect(endpoints.find((e) => e.targetRef?.name === victim)).toMatchObject({
      conditions: { ready: false, serving: true, terminating: true },
    });
  });
  await new Promise((r) => setTimeout(r, 2_000));
  const still = await getObject(c, 'Pod', victim);
  expect(still?.metadata.deletionTimestamp, `${victim} is gone before its grace period`).toEqual(
    expect.any(String),
  );
  const fresh = await onePod(c, 'app=nginx');
  expect(fresh.metadata.name).not.toBe(victim);
  const svc = await getObject(c, 'Service', 'nginx-service');
  const target = c.t.target(svc!.spec!.clusterIP as string, 80);
  await eventually(10_000, async () => {
    for (let i = 0; i < 10; i++)
      expect((await httpGet(target.host, target.port)).pod).toBe(fresh.metadata.name);
  });
}

/** sessionAffinity ClientIP: each client address keeps getting the same pod. */
export async function stickyPerClient(c: CorpusContext): Promise<void> {
  const svc = await getObject(c, 'Service', 'my-nginx-sticky');
  const target = c.t.target(svc!.spec!.clusterIP as string, 80);
  await eventually(10_000, () => httpGet(target.host, target.port));
  for (let client = 1; client <= 4; client++) {
    const pods = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const localAddress = clientAddress(c, client);
      pods.add((await httpGet(target.host, target.port, localAddress ? { localAddress } : {})).pod);
    }
    expect([...pods], `client ${client}`).toHaveLength(1);
  }
}

/**
 * externalTrafficPolicy Local on a NodePort: the node running the pod answers and the echo shows
 * the client's own address (no SNAT); the other nodes have no local endpoint and drop.
 */
export async function sourceIPPreserved(c: CorpusContext): Promise<void> {
  const pod = await onePod(c, 'app=source-ip-app');
  const svc = await getObject(c, 'Service', 'nodeport');
  const nodePort = (svc!.spec!.ports as { nodePort: number }[])[0]!.nodePort;
  const ips = await nodeIPs(c);
  const local = c.t.target(ips.get(pod.spec!.nodeName!)!, nodePort);
  const client = clientAddress(c, 9);
  const got = await eventually(10_000, () =>
    httpGet(local.host, local.port, client ? { localAddress: client } : {}),
  );
  expect(got.pod).toBe(pod.metadata.name);
  if (client) expect(got.body).toContain(`client_address=${client}`);
  for (const [node, ip] of ips) {
    if (node === pod.spec!.nodeName) continue;
    const other = c.t.target(ip, nodePort);
    const code = await httpGet(other.host, other.port, { timeoutMs: 1500 }).then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(code, `${node} has no local endpoint: kube-proxy drops`).toBe('ETIMEDOUT');
  }
}

/** minReadySeconds 5: the pod is Ready first, available only 5 s later. */
export async function availableAfterMinReady(c: CorpusContext): Promise<void> {
  const status = async () =>
    ((await getObject(c, 'Deployment', 'nginx-deployment'))?.status ?? {}) as {
      readyReplicas?: number;
      availableReplicas?: number;
    };
  const readyAt = await eventually(15_000, async () => {
    const s = await status();
    expect(s.readyReplicas).toBe(1);
    return Date.now();
  });
  expect((await status()).availableReplicas ?? 0, 'available before minReadySeconds').toBe(0);
  await eventually(10_000, async () => expect((await status()).availableReplicas).toBe(1));
  expect(Date.now() - readyAt).toBeGreaterThanOrEqual(4_000);
}

/** The canary Service balances both tracks: hello-app 1.0 and 2.0 both answer. */
export async function bothVersionsAnswer(c: CorpusContext): Promise<void> {
  const svc = await getObject(c, 'Service', 'rollout-demo-service');
  const target = c.t.target(svc!.spec!.clusterIP as string, 80);
  const versions = new Set<string>();
  await eventually(10_000, async () => {
    for (let i = 0; i < 20; i++) {
      const body = (await httpGet(target.host, target.port)).body;
      versions.add(/Version: (\S+)/.exec(body)?.[1] ?? body);
    }
    expect([...versions].sort()).toEqual(['1.0.0', '2.0.0']);
  });
}

/** Connections to every node's `nodePort` are refused: the Service has no endpoints. */
export function nodePortRefuses(nodePort: number) {
  return async (c: CorpusContext): Promise<void> => {
    for (const ip of (await nodeIPs(c)).values()) {
      const target = c.t.target(ip, nodePort);
      await eventually(10_000, async () => {
        const code = await httpGet(target.host, target.port).then(
          () => 'answered',
          (err: NodeJS.ErrnoException) => err.code,
        );
        expect(code, `${ip}:${nodePort}`).toBe('ECONNRESET');
      });
    }
  };
}

/** The EndpointSlices of a Service (by the kubernetes.io/service-name label). */
export function slicesOf(c: CorpusContext, service: string): Promise<KubeObj[]> {
  return listObjects(c, 'EndpointSlice', `kubernetes.io/service-name=${service}`);
}

/** A selector-less Service keeps only the slice written for it: no controller adds one. */
export async function onlyTheManualSlice(c: CorpusContext): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  const names = (await slicesOf(c, 'my-service')).map((s) => s.metadata.name);
  expect(names).toEqual(['my-service-1']);
}

/** The Endpoints written by hand come back as an EndpointSlice from the mirroring controller. */
export async function mirroredSlice(c: CorpusContext): Promise<void> {
  await eventually(10_000, async () => {
    const slices = await slicesOf(c, 'my-service');
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({
      metadata: {
        name: expect.stringMatching(/^my-service-/),
        labels: {
          'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
          'kubernetes.io/service-name': 'my-service',
        },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.42'] }],
      ports: [{ port: 9376, protocol: 'TCP' }],
    });
  });
}
