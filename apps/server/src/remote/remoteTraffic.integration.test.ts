// Remote mode's traffic generator, end to end on one machine: lab A (the embedded lab, its own
// dataplane, builtin runtime) stands in for a real cluster; lab B runs with A's kubeconfig. A
// Deployment and a NodePort Service are applied through B (they land in A); B's generator sends
// real connections from this machine to a node address:nodePort, which A's dataplane serves.
// B's /api/connections has them as client-side events (no agent runs: the frontend and Service
// from B's mirror, outcome, bytes, and the reason saying the endpoint needs the agent), and A's
// own /api/connections has the same connections, matched by the client's port. A ClusterIP and
// a Service's DNS name are refused, saying why.
// Addresses: A on random test ranges (testRanges.ts): its nodes are 127.19.x.y loopback
// addresses, so the connections stay on this machine; A and B serve on 127.0.0.1.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent, Node, Service, TrafficStatus } from '@l4lab/protocol';
import { createLogger } from '../logger.ts';
import { startTestLab, waitFor, type TestLab } from '../testLab.ts';
import { testLabConfig } from '../testRanges.ts';
import { runOnlyIf } from '../testSkip.ts';
import { CLIENT_SIDE_REASON } from './clientEvents.ts';
import { type RemoteLab, startRemoteLab } from './remoteLab.ts';

const COUNT = 12;
let a: TestLab;
let b: RemoteLab;
let wsB: string;

beforeAll(async () => {
  a = await startTestLab({ runtime: 'builtin' });
  wsB = await mkdtemp(join(tmpdir(), 'l4lab-remote-traffic-'));
  b = await startRemoteLab(
    testLabConfig(wsB, { remote: { kubeconfig: a.lab.kubeconfig } }),
    createLogger('silent'),
  );
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  if (wsB) await rm(wsB, { recursive: true, force: true });
});

async function call<T>(base: string, method: string, path: string, body?: string, type?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined
      ? { body, headers: { 'Content-Type': type ?? 'application/json' } }
      : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: { name: np-web, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: np-web } }
  template:
    metadata: { labels: { app: np-web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: np-web, namespace: default }
spec:
  type: NodePort
  selector: { app: np-web }
  ports: [{ name: http, port: 80, targetPort: 80 }]
`;

describe("remote mode's traffic generator (from this machine to A's NodePort)", () => {
  it('sends to a node address:nodePort; B has client-side events, A the same connections', async (ctx) => {
    runOnlyIf(
      ctx,
      a.lab.info.addressMode === 'native',
      "lab A runs in mapped mode (not root): its nodes' addresses are not real, so no NodePort is reachable at them",
    );
    const applied = await call<unknown>(b.url, 'POST', '/api/apply', MANIFEST, 'application/yaml');
    expect(applied.status).toBe(200);
    await waitFor('two ready np-web pods in A', async () =>
      (await a.readyPods('np-web-')).length === 2 ? true : undefined,
    );
    // What B's mirror says: a node's address and the nodePort the API server allocated.
    const svc = await waitFor('the Service in B with its nodePort', async () => {
      const s = b.mirror.store.get('Service', 'default', 'np-web') as Service | undefined;
      return s?.spec.ports?.[0]?.nodePort ? s : undefined;
    });
    const nodePort = svc.spec.ports![0]!.nodePort!;
    const node = b.mirror.store.list('Node')[0] as Node;
    const nodeIP = node.status.addresses.find((x) => x.type === 'InternalIP')!.address;
    await waitFor("B's mirror has np-web's endpoints", async () =>
      b.mirror.store
        .list('EndpointSlice', 'default')
        .some(
          (s) =>
            s.metadata.labels?.['kubernetes.io/service-name'] === 'np-web' &&
            s.endpoints.length === 2,
        )
        ? true
        : undefined,
    );

    const started = await call<{ id: string }>(
      b.url,
      'POST',
      '/api/traffic',
      JSON.stringify({ target: `${nodeIP}:${nodePort}`, protocol: 'http', rate: 20, count: COUNT }),
    );
    expect(started.status).toBe(201);
    const done = await waitFor('the generator to finish', async () => {
      const { body } = await call<{ items: TrafficStatus[] }>(b.url, 'GET', '/api/traffic');
      const g = body.items.find((x) => x.id === started.body.id);
      return g?.state === 'finished' ? g : undefined;
    });
    expect(done).toMatchObject({ sent: COUNT, ok: COUNT, errors: 0 });

    // B: one open and one ended event per connection, client-side.
    const ended = await waitFor(`${COUNT} ended client-side events in B`, async () => {
      const { body } = await call<{ items: ConnectionEvent[] }>(
        b.url,
        'GET',
        '/api/connections?limit=1000',
      );
      const list = body.items.filter(
        (e) => e.reason === CLIENT_SIDE_REASON && e.outcome !== 'open',
      );
      return list.length >= COUNT ? list : undefined;
    });
    expect(ended).toHaveLength(COUNT);
    for (const e of ended) {
      expect(e).toMatchObject({
        protocol: 'TCP',
        frontend: { kind: 'NodePort', ip: nodeIP, port: nodePort, node: node.metadata.name },
        service: { namespace: 'default', name: 'np-web', port: 'http' },
        outcome: 'ok',
        reason: CLIENT_SIDE_REASON,
      });
      expect(e.endpoint).toBeUndefined();
      expect(e.bytesIn).toBeGreaterThan(0);
      expect(e.bytesOut).toBeGreaterThan(0);
      expect(e.client.port).toBeGreaterThan(0);
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
    }
    const { body: all } = await call<{ items: ConnectionEvent[] }>(
      b.url,
      'GET',
      '/api/connections?limit=1000',
    );
    const opens = all.items.filter((e) => e.reason === CLIENT_SIDE_REASON && e.outcome === 'open');
    expect(opens.map((e) => e.id).sort()).toEqual(ended.map((e) => e.id).sort());

    // A: the same connections (its dataplane saw them arrive at the NodePort), by client port.
    const ports = new Set(ended.map((e) => e.client.port));
    const inA = await waitFor("the same connections in A's events", async () => {
      const { body } = await a.api<{ items: ConnectionEvent[] }>(
        'GET',
        '/api/connections?limit=1000',
      );
      const list = body.items.filter((e) => e.outcome === 'ok' && ports.has(e.client.port));
      return list.length >= COUNT ? list : undefined;
    });
    expect(new Set(inA.map((e) => e.client.port))).toEqual(ports);
    for (const e of inA) {
      expect(e).toMatchObject({
        frontend: { kind: 'NodePort', port: nodePort },
        service: { namespace: 'default', name: 'np-web' },
      });
      expect(e.endpoint?.pod).toMatch(/^np-web-/);
    }
  });

  it('refuses a ClusterIP, a pod IP and a DNS name: reachable only inside the cluster', async () => {
    const svc = await waitFor('a ClusterIP Service in B', async () =>
      b.mirror.store
        .list('Service', 'default')
        .find((s) => s.spec.clusterIP && s.spec.clusterIP !== 'None'),
    );
    const port = svc.spec.ports?.[0]?.port ?? 443;
    const byIP = await call<{ error: { code: string; message: string } }>(
      b.url,
      'POST',
      '/api/traffic',
      JSON.stringify({ target: `${svc.spec.clusterIP}:${port}`, rate: 1, count: 1 }),
    );
    expect(byIP.status).toBe(422);
    expect(byIP.body.error.code).toBe('L4_E_INSIDE_CLUSTER_ONLY');
    expect(byIP.body.error.message).toContain(
      `is Service default/${svc.metadata.name}'s ClusterIP, reachable only inside the cluster: use a NodePort or LoadBalancer Service`,
    );
    expect(byIP.body.error.message).toContain('kubectl run');
    const pod = await waitFor('a pod with an IP in B', async () =>
      b.mirror.store.list('Pod').find((p) => p.status?.podIP && !p.spec.hostNetwork),
    );
    const byPod = await call<{ error: { code: string; message: string } }>(
      b.url,
      'POST',
      '/api/traffic',
      JSON.stringify({ target: `${pod.status!.podIP}:80`, rate: 1, count: 1 }),
    );
    expect(byPod.status).toBe(422);
    expect(byPod.body.error.message).toContain(
      `is pod ${pod.metadata.namespace}/${pod.metadata.name}'s IP, reachable only inside the cluster`,
    );
    const byName = await call<{ error: { code: string; message: string } }>(
      b.url,
      'POST',
      '/api/traffic',
      JSON.stringify({ target: `${svc.metadata.name}.default.svc.cluster.local:${port}`, rate: 1 }),
    );
    expect(byName.status).toBe(422);
    expect(byName.body.error.message).toContain('cluster DNS name');
    const { body } = await call<{ items: TrafficStatus[] }>(b.url, 'GET', '/api/traffic');
    expect(body.items.filter((g) => g.state === 'running')).toEqual([]);
  });
});
