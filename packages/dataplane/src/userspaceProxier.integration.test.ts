// kube-proxy behaviour over real TCP on loopback. Addresses: pods 127.244.1.0/24 (port 8080),
// services 127.96.0.0/16 (port 8080), clients 127.0.0.1. Backends are plain Node TCP servers.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionEvent, Deployment, Pod, Service } from '@l4lab/protocol';
import { Cluster, PortMapper, realClock } from '@l4lab/cluster';
import { FdReserve } from './fdReserve.ts';
import { UserspaceProxier } from './userspaceProxier.ts';

let logs: string[];
const logger = {
  info: (_: object, msg: string) => logs.push(msg),
  warn: (_: object, msg: string) => logs.push(msg),
};
let cluster: Cluster;
let proxier: UserspaceProxier;
let events: ConnectionEvent[];
let mapper: PortMapper;
const servers: Server[] = [];

function echoServer(ip: string, name: string): Promise<Server> {
  const srv = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.on('data', (d) => s.write(`${name}:${d}`));
    s.on('end', () => s.end(`${name}:bye`));
  });
  servers.push(srv);
  return new Promise((r) => srv.listen(8080, ip, () => r(srv)));
}

/** A fake kubelet: gives every scheduled pod an IP and sets its readiness. */
function runPods(ready: (pod: Pod) => boolean = () => true): Pod[] {
  for (const pod of cluster.list('Pod')) {
    if (!pod.spec.nodeName || pod.metadata.deletionTimestamp) continue;
    const ip = pod.status?.podIP ?? cluster.allocatePodIP(pod.spec.nodeName);
    const r = ready(pod) ? 'True' : 'False';
    cluster.updatePodStatus(pod.metadata.namespace!, pod.metadata.name, pod.metadata.uid, {
      phase: 'Running',
      podIP: ip,
      hostIP: cluster.nodeIP(pod.spec.nodeName),
      conditions: [{ type: 'Ready', status: r }],
    });
  }
  return cluster.list('Pod');
}

function apply(replicas: number, clusterIP?: string): Service {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'echo', namespace: 'default' },
    spec: {
      replicas,
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
    spec: {
      type: 'ClusterIP',
      ...(clusterIP ? { clusterIP } : {}),
      selector: { app: 'echo' },
      ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
  };
  const out = cluster.apply([d, s]);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
  return cluster.store.get('Service', 'default', 'echo')!;
}

function talk(
  ip: string,
  lines: string[],
  endAfter = true,
  port = 8080,
): Promise<{ socket: Socket; received: () => string; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = connect({ host: ip, port, allowHalfOpen: true });
    const closed = new Promise<string>((r, rej) => {
      s.on('close', () => r(got));
      s.on('error', (e) => rej(e));
    });
    closed.catch(() => {});
    s.on('data', (d) => (got += d));
    s.once('error', reject);
    s.once('connect', () => {
      for (const l of lines) s.write(l);
      if (endAfter) s.end();
      resolve({ socket: s, received: () => got, closed });
    });
  });
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(() => {
  cluster = new Cluster({ clock: realClock });
  events = [];
  logs = [];
  mapper = new PortMapper('native');
  proxier = new UserspaceProxier({
    cluster,
    mapper,
    clock: realClock,
    logger,
    relayProcesses: 1,
    onEvent: (e) => events.push(e),
  });
  proxier.start();
});

afterEach(async () => {
  await proxier.shutdown(true);
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('UserspaceProxier over real TCP', () => {
  it('forwards both ways with half-close, and reports bytes and the endpoint', async () => {
    const svc = apply(1);
    const [pod] = runPods();
    await echoServer(pod!.status!.podIP!, 'a');
    await until('listener', () => proxier.state().listening.length === 1);
    await until(
      'endpoint',
      () => (proxier.state().endpoints.get('default/echo:')?.length ?? 0) === 1,
    );
    const c = await talk(svc.spec.clusterIP!, ['hello']);
    expect(await c.closed).toBe('a:helloa:bye');
    await until('close event', () => events.some((e) => e.outcome === 'ok'));
    const done = events.find((e) => e.outcome === 'ok')!;
    expect(done).toMatchObject({
      frontend: { kind: 'ClusterIP', ip: svc.spec.clusterIP, port: 8080 },
      service: { namespace: 'default', name: 'echo', port: 8080 },
      endpoint: { pod: pod!.metadata.name, ip: pod!.status!.podIP, port: 8080 },
      reason: 'random 1 of 1',
      bytesIn: 5,
      bytesOut: 12,
    });
    expect(events.filter((e) => e.id === done.id).map((e) => e.outcome)).toEqual(['open', 'ok']);
  });

  it('keeps an established connection when its endpoint is removed; new ones go elsewhere', async () => {
    const svc = apply(2);
    const pods = runPods();
    for (const p of pods) await echoServer(p.status!.podIP!, p.metadata.name);
    await until(
      '2 endpoints',
      () =>
        (proxier
          .state()
          .endpoints.get('default/echo:')
          ?.filter((e) => e.ready).length ?? 0) === 2,
    );
    const c = await talk(svc.spec.clusterIP!, ['one'], false);
    await until('first reply', () => c.received().length > 0);
    const served = c.received().split(':')[0]!;
    runPods((p) => p.metadata.name !== served); // the serving pod becomes unready
    await until(
      '1 ready endpoint',
      () =>
        (proxier
          .state()
          .endpoints.get('default/echo:')
          ?.filter((e) => e.ready).length ?? 0) === 1,
    );
    c.socket.write('two');
    await until('second reply', () => c.received().includes('two'));
    expect(c.received()).toBe(`${served}:one${served}:two`);
    for (let i = 0; i < 5; i++) {
      const n = await talk(svc.spec.clusterIP!, ['x']);
      expect((await n.closed).startsWith(served)).toBe(false);
    }
    c.socket.end();
    await c.closed;
  });

  it('resets the client when the chosen backend refuses, and says so', async () => {
    const svc = apply(1);
    runPods(); // ready, but nothing listens: the pod crashed between probes
    await until(
      'endpoint',
      () => (proxier.state().endpoints.get('default/echo:')?.length ?? 0) === 1,
    );
    const c = await talk(svc.spec.clusterIP!, ['x'], false);
    await expect(c.closed).rejects.toMatchObject({ code: 'ECONNRESET' });
    await until('reset event', () => events.some((e) => e.outcome === 'reset'));
    expect(events.find((e) => e.outcome === 'reset')!.reason).toMatch(
      /^random 1 of 1; ECONNREFUSED connecting to 127\.244\./,
    );
  });

  it('serves a frontend whose address another process holds at a mapped port, says so on the Service, and moves back once free', async () => {
    // Something else on this host holds the ClusterIP's port (as a process on 0.0.0.0:port would).
    const squatter = await echoServer('127.96.0.77', 'squatter');
    apply(1, '127.96.0.77');
    const [pod] = runPods();
    await echoServer(pod!.status!.podIP!, 'pod');
    for (let i = 0; i < 20; i++) await proxier.syncProxyRules();
    expect(logs.filter((m) => m.startsWith('Service frontend address held'))).toHaveLength(1);
    expect(proxier.state().listening).toEqual(['TCP/127.96.0.77:8080']);
    const mapped = mapper.resolve('127.96.0.77', 8080, 'TCP');
    expect(mapped.ip).toBe('127.0.0.1');
    const condition = () =>
      cluster.store
        .get('Service', 'default', 'echo')
        ?.status?.conditions?.find((c) => c.type === 'FrontendsListening');
    expect(condition()).toMatchObject({ status: 'False', reason: 'AddressInUse' });
    expect(condition()!.message).toBe(
      `ClusterIP 127.96.0.77:8080/TCP: address already in use by another process on this host (from this host, that process answers there); l4lab's own clients reach this port at 127.0.0.1:${mapped.port} until the address is free`,
    );
    // The lab's clients reach the pod through the mapped port.
    await until(
      'endpoint',
      () => (proxier.state().endpoints.get('default/echo:')?.length ?? 0) === 1,
    );
    const c = await talk(mapped.ip, ['hi'], true, mapped.port);
    expect(await c.closed).toMatch(/^pod:hi/);
    // Once the address is free, the frontend moves back to it and the condition goes.
    await new Promise((r) => squatter.close(r));
    servers.splice(servers.indexOf(squatter), 1);
    await until('back at its address', () => mapper.resolve('127.96.0.77', 8080).port === 8080);
    await until('condition cleared', () => condition() === undefined);
    expect(proxier.state().listening).toEqual(['TCP/127.96.0.77:8080']);
  });

  it('backs off a frontend it cannot open: one warning, one condition, no retry per sync', async () => {
    await proxier.shutdown(true);
    let open = 1_000_000;
    proxier = new UserspaceProxier({
      cluster,
      mapper,
      clock: realClock,
      logger,
      relayProcesses: 0,
      onEvent: (e) => events.push(e),
      fds: new FdReserve({ limit: 1000, reserve: 100, count: () => open, recountMs: 0 }),
    });
    proxier.start();
    apply(1);
    for (let i = 0; i < 20; i++) await proxier.syncProxyRules();
    expect(logs.filter((m) => m.startsWith('cannot listen'))).toHaveLength(1);
    expect(proxier.state().listening).toEqual([]);
    const svc = cluster.store.get('Service', 'default', 'echo')!;
    expect(svc.status?.conditions).toEqual([
      expect.objectContaining({
        type: 'FrontendsListening',
        status: 'False',
        reason: 'TooManyOpenFiles',
        message: `ClusterIP ${svc.spec.clusterIP}:8080/TCP: too many open files: 1000000 of 1000 file descriptors open, the last 100 kept for the lab's API; retrying every 1 s, doubling up to 60 s`,
      }),
    ]);
    open = 10;
    await until(
      'listener once descriptors are free',
      () => proxier.state().listening.length === 1,
      5000,
    );
    await until(
      'condition cleared',
      () => !cluster.store.get('Service', 'default', 'echo')?.status?.conditions,
    );
  });

  it('stops listening when the Service is deleted', async () => {
    const svc = apply(1);
    await until('listener', () => proxier.state().listening.length === 1);
    cluster.delete('Service', 'default', 'echo');
    await until('no listener', () => proxier.state().listening.length === 0);
    await expect(talk(svc.spec.clusterIP!, ['x'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('hands a download to a relay process, which reports its end; shutdown stops the relay', async () => {
    const svc = apply(1);
    const [pod] = runPods();
    // A backend that streams until told to finish (at most 2 GiB).
    const chunk = Buffer.alloc(256 * 1024, 'd');
    let sent = 0;
    let finish = false;
    const srv = createServer((s) => {
      s.on('error', () => {});
      const pump = (): void => {
        while (!finish && sent < 2 ** 31) {
          sent += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(8080, pod!.status!.podIP!, r));
    await until(
      'endpoint',
      () => (proxier.state().endpoints.get('default/echo:')?.length ?? 0) === 1,
    );

    const c = connect({ host: svc.spec.clusterIP!, port: 8080 });
    let got = 0;
    c.on('data', (d: Buffer) => (got += d.length));
    const closed = new Promise<void>((r) => c.on('close', () => r()));
    // The first full read starts the relay (the flow streams on here meanwhile), a later one moves it.
    await until('the relay to start', () => logs.includes('relay process started'), 10_000);
    await until('the hand-off', () => proxier.relays().connections === 1);
    const [pid] = proxier.relays().pids;
    finish = true;
    await closed;

    await until('the final event', () => events.some((e) => e.outcome === 'ok'));
    expect(events.find((e) => e.outcome === 'ok')).toMatchObject({
      endpoint: { pod: pod!.metadata.name },
      bytesIn: 0,
      bytesOut: sent,
    });
    expect(got).toBe(sent);
    expect(proxier.relays().connections).toBe(0);
    await proxier.shutdown(true);
    expect(proxier.relays().pids).toEqual([]);
    expect(() => process.kill(pid!, 0)).toThrow(/ESRCH/);
  });
});
