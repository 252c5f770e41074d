// kube-proxy on a Node.js that lacks the libuv TCP bindings (libuvTcp.ts): selectTcp is given a
// loader without them, as a future Node would give, before anything uses TCP. The proxier must
// say so once, at warn, with what is lost, and still serve every Service through net.Socket
// (netTcp.ts), with no relay process. Addresses, used by no other test: nodes 127.237.0.2-4,
// pods 127.238.0.0/16 (port 8080), Services 127.239.0.0/16; clients connect from 127.0.0.1.
import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import type { ConnectionEvent, Deployment, Service } from '@l4lab/protocol';
import { Cluster, DEFAULT_ADDRESS_PLAN, PortMapper, realClock } from '@l4lab/cluster';
import { waitFor } from '@l4lab/cluster/testing';
import { libuv, processBinding, selectTcp } from './libuvTcp.ts';
import { UserspaceProxier } from './userspaceProxier.ts';

selectTcp((name) => (name === 'uv' ? { UV_EOF: -4095 } : {})); // tcp_wrap and stream_wrap gone
// The integration files after this one run in the same process (isolate: false): give them Node's.
afterAll(() => void selectTcp(processBinding));

const PLAN = {
  ...DEFAULT_ADDRESS_PLAN,
  nodeBase: '127.237.0.2',
  podCIDR: '127.238.0.0/16',
  serviceCIDR: '127.239.0.0/16',
  dnsServiceIP: '127.239.0.10',
  loadBalancerPool: '127.237.200.0/24',
};
const FALLBACK_WARNING =
  "this Node.js lacks the libuv TCP bindings kube-proxy's data path uses: Services are proxied through net.Socket (about 1.7x fewer new connections per second) and no connection goes to a relay process";

let logs: { level: string; obj: object; msg: string }[];
let cluster: Cluster;
let proxier: UserspaceProxier;
let events: ConnectionEvent[];
const servers: Server[] = [];

beforeEach(() => {
  logs = [];
  events = [];
  cluster = new Cluster({ clock: realClock, plan: PLAN });
  proxier = new UserspaceProxier({
    cluster,
    mapper: new PortMapper('native'),
    clock: realClock,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
    relayProcesses: 2,
    onEvent: (e) => events.push(e),
  });
  proxier.start();
});

afterEach(async () => {
  await proxier.shutdown(true);
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An echo Deployment of one pod behind a ClusterIP Service; returns the ClusterIP and pod IP. */
async function echoService(listen: boolean): Promise<{ clusterIP: string; podIP: string }> {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'echo', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'echo' } },
      template: {
        metadata: { labels: { app: 'echo' } },
        spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'echo', namespace: 'default' },
    spec: { selector: { app: 'echo' }, ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }] },
  };
  const out = cluster.apply([d, s]);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
  const [pod] = cluster.list('Pod');
  const podIP = cluster.allocatePodIP(pod!.spec.nodeName!);
  cluster.updatePodStatus('default', pod!.metadata.name, pod!.metadata.uid, {
    phase: 'Running',
    podIP,
    hostIP: cluster.nodeIP(pod!.spec.nodeName!),
    conditions: [{ type: 'Ready', status: 'True' }],
  });
  if (listen) await echoBackend(podIP);
  const clusterIP = cluster.store.get('Service', 'default', 'echo')!.spec.clusterIP!;
  await waitFor('the frontend and its endpoint', () =>
    proxier.state().listening.length === 1 &&
    proxier.state().endpoints.get('default/echo:')?.length === 1
      ? true
      : undefined,
  );
  return { clusterIP, podIP };
}

/** Sends back what it reads (with back-pressure), and its FIN after the client's. */
function echoBackend(ip: string): Promise<Server> {
  const srv = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  servers.push(srv);
  return new Promise((r) => srv.listen(8080, ip, () => r(srv)));
}

/** Connects, writes `body` and a FIN; resolves with what came back, or the error it closed on. */
function exchange(ip: string, body: Buffer): Promise<{ got: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: Error | undefined;
    const c: Socket = connect({ host: ip, port: 8080, allowHalfOpen: true });
    c.on('error', (e) => (error = e));
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('close', () => resolve({ got: Buffer.concat(chunks), ...(error ? { error } : {}) }));
    c.end(body);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const finalEvent = () => waitFor('the final event', () => events.find((e) => e.outcome !== 'open'));

it('says once, at warn, what is lost without the bindings', () => {
  expect(libuv()).toMatchObject({ kind: 'net' });
  expect(logs.filter((l) => l.level === 'warn')).toEqual([
    {
      level: 'warn',
      obj: {
        node: process.version,
        missing: expect.arrayContaining(['tcp_wrap.TCP', 'stream_wrap.WriteWrap']),
      },
      msg: FALLBACK_WARNING,
    },
  ]);
});

it('proxies 8 MiB each way intact through net.Socket, with no relay process', async () => {
  const { clusterIP, podIP } = await echoService(true);
  const body = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < body.length; i += 4) body.writeUInt32BE(i, i);

  const { got, error } = await exchange(clusterIP, body);

  expect(error).toBeUndefined();
  expect(got.length).toBe(body.length);
  expect(sha(got)).toBe(sha(body));
  expect(await finalEvent()).toMatchObject({
    outcome: 'ok',
    endpoint: { ip: podIP, port: 8080 },
    bytesIn: body.length,
    bytesOut: body.length,
  });
  expect(proxier.relays()).toEqual({ pids: [], connections: 0 }); // streamed, never handed off
});

it('resets the client when the endpoint refuses, and the event says why', async () => {
  const { clusterIP, podIP } = await echoService(false);

  const { error } = await exchange(clusterIP, Buffer.from('x'));

  expect(error).toMatchObject({ code: 'ECONNRESET' });
  const ended = await finalEvent();
  expect(ended.outcome).toBe('reset');
  expect(ended.reason).toContain(`ECONNREFUSED connecting to ${podIP}:8080`);
});

it('a port already taken is refused with its code, as libuv says it', async () => {
  const { server, port } = await libuv().listen('127.237.0.9', 0, 16);
  try {
    await expect(libuv().listen('127.237.0.9', port, 16)).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  } finally {
    await new Promise<void>((r) => server.close(r));
  }
});
