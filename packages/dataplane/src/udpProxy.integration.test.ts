// UDP flows through the proxier over real loopback sockets, with conntrack's idle timeout on a
// FakeClock. Addresses, in ranges no other test uses: services 127.233.0.0/16, the endpoint
// 127.232.1.1:5353 (a Node UDP echo server), nodes from 127.234.0.2, clients 127.235.0.1.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionEvent, NetworkPolicy, Pod } from '@l4lab/protocol';
import { Cluster, DEFAULT_ADDRESS_PLAN, FakeClock, PortMapper } from '@l4lab/cluster';
import { addStaticService, waitFor } from '@l4lab/cluster/testing';
import { UserspaceProxier } from './userspaceProxier.ts';

const ENDPOINT = { ip: '127.232.1.1', port: 5353 };
const CLIENT_IP = '127.235.0.1';
const IDLE_MS = 30_000;

let clock: FakeClock;
let proxier: UserspaceProxier;
let events: ConnectionEvent[];
let warnings: string[];
const sockets: UdpSocket[] = [];

function udp(): UdpSocket {
  const s = createSocket('udp4');
  sockets.push(s);
  return s;
}

/** The endpoint: answers each datagram with "echo:" and the datagram. */
async function echoServer(): Promise<void> {
  const s = udp();
  s.on('message', (msg, r) =>
    s.send(Buffer.concat([Buffer.from('echo:'), msg]), r.port, r.address),
  );
  await new Promise<void>((r) => s.bind(ENDPOINT.port, ENDPOINT.ip, r));
}

/** A client socket on CLIENT_IP (its own port: its own flow), keeping what it receives. */
async function client(): Promise<{
  send: (text: string) => void;
  received: string[];
  port: number;
}> {
  const s = udp();
  const received: string[] = [];
  s.on('message', (msg) => received.push(msg.toString()));
  await new Promise<void>((r) => s.bind(0, CLIENT_IP, r));
  return { send: (text) => s.send(text, 53, serviceIP), received, port: s.address().port };
}

let serviceIP = '';
let cluster: Cluster;

async function startProxier(maxUdpFlows?: number): Promise<void> {
  clock = new FakeClock(Date.now());
  cluster = new Cluster({
    clock,
    plan: {
      ...DEFAULT_ADDRESS_PLAN,
      nodeCount: 1,
      serviceCIDR: '127.233.0.0/16',
      nodeBase: '127.234.0.2',
      podCIDR: '127.232.0.0/16',
    },
  });
  events = [];
  warnings = [];
  proxier = new UserspaceProxier({
    cluster,
    mapper: new PortMapper('native'),
    clock,
    logger: { info() {}, warn: (_obj, msg) => warnings.push(msg) },
    onEvent: (e) => events.push(e),
    udpIdleTimeoutMs: IDLE_MS,
    ...(maxUdpFlows ? { maxUdpFlows } : {}),
  });
  serviceIP = addStaticService(cluster, {
    name: 'dns',
    port: 53,
    protocol: 'UDP',
    endpoint: { ...ENDPOINT, node: 'node-1', pod: 'echo' },
  });
  proxier.start();
  clock.advance(100); // the sync runner's first run
  await waitFor(
    'the UDP frontend',
    () => proxier.state().listening.some((k) => k.includes(serviceIP)) || undefined,
    5000,
    5,
  );
}

const finals = () => events.filter((e) => e.outcome !== 'open');

beforeEach(async () => {
  await echoServer();
});

afterEach(async () => {
  await proxier?.shutdown(true);
  for (const s of sockets.splice(0)) s.close();
});

describe('UDP flows (conntrack-like)', () => {
  it('ends a flow after the idle timeout counted from its last datagram, on the proxier clock', async () => {
    await startProxier();
    const c = await client();
    c.send('a');
    await waitFor('the first reply', () => c.received[0], 5000, 5);
    expect(c.received).toEqual(['echo:a']);
    const open = events.find((e) => e.outcome === 'open')!;
    expect(open).toMatchObject({
      protocol: 'UDP',
      client: { ip: CLIENT_IP },
      endpoint: { ip: ENDPOINT.ip, port: ENDPOINT.port },
    });

    clock.advance(IDLE_MS - 1000);
    expect(finals()).toEqual([]);
    c.send('bb'); // the flow is alive again: 30 s from now
    await waitFor('the second reply', () => c.received[1], 5000, 5);
    clock.advance(1000); // the first deadline passes: not idle for 30 s yet
    expect(finals()).toEqual([]);
    clock.advance(IDLE_MS - 1001);
    expect(finals()).toEqual([]);
    clock.advance(1);
    expect(finals()).toHaveLength(1);
    expect(finals()[0]).toMatchObject({
      id: open.id,
      outcome: 'ok',
      bytesIn: 3, // 'a' + 'bb'
      bytesOut: 13, // 'echo:a' + 'echo:bb'
      durationMs: 2 * IDLE_MS - 1000,
    });

    // The same client address and port after the flow ended: a new flow, a new event.
    c.send('c');
    await waitFor('a reply on a new flow', () => c.received[2], 5000, 5);
    expect(events.filter((e) => e.outcome === 'open').map((e) => e.id)).toHaveLength(2);
  });

  it('a full flow table drops the datagrams of new flows, warns once, and takes them again when a flow ends', async () => {
    await startProxier(2);
    const [a, b, c] = [await client(), await client(), await client()];
    a.send('a');
    b.send('b');
    await waitFor('replies to a and b', () => a.received[0] && b.received[0], 5000, 5);
    clock.advance(IDLE_MS / 2);
    b.send('b2'); // b stays busy; a goes idle first
    await waitFor('b2', () => b.received[1], 5000, 5);

    c.send('c1');
    c.send('c2');
    // Nothing comes back, and nothing is tracked: the table is full.
    await waitFor('the datagrams to reach the proxier', () => warnings[0], 5000, 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.received).toEqual([]);
    expect(warnings).toEqual([
      'UDP flow table full, dropping datagrams of new flows (nf_conntrack: table full, dropping packet)',
    ]);
    expect(events.filter((e) => e.outcome === 'open')).toHaveLength(2);

    clock.advance(IDLE_MS / 2); // a's flow ends: room for one
    expect(finals().map((e) => e.client.port)).toEqual([a.port]);
    c.send('c3');
    await waitFor('c3 answered', () => c.received[0], 5000, 5);
    expect(c.received).toEqual(['echo:c3']);
    expect(events.filter((e) => e.outcome === 'open')).toHaveLength(3);
  });

  it('a flow a NetworkPolicy drops is one drop, however many datagrams; each is judged again', async () => {
    await startProxier();
    // The endpoint as a pod a policy isolates (no rule: nothing from outside gets in).
    cluster.store.put<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'echo', namespace: 'default', labels: { app: 'echo' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'echo', image: 'echo' }] },
      status: { phase: 'Running', podIP: ENDPOINT.ip },
    });
    const policy: NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'default' },
      spec: { podSelector: { matchLabels: { app: 'echo' } }, policyTypes: ['Ingress'] },
    };
    cluster.store.put<NetworkPolicy>(policy);
    const c = await client();
    for (const text of ['a', 'b', 'c']) c.send(text);
    await waitFor('the drop', () => events.find((e) => e.outcome === 'dropped'), 5000, 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(events.map((e) => e.outcome)).toEqual(['dropped']);
    expect(events[0]!.reason).toMatch(/ingress to echo denied: NetworkPolicy deny selects it/);
    expect(c.received).toEqual([]);
    // The policy gone, the flow's next datagram goes through (it was never tracked).
    cluster.store.remove('NetworkPolicy', 'default', 'deny');
    c.send('d');
    await waitFor('the answer', () => c.received[0], 5000, 5);
    expect(c.received).toEqual(['echo:d']);
    expect(events.map((e) => e.outcome)).toEqual(['dropped', 'open']);
  });
});
