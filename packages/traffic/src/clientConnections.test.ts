// Loopback only: servers on 127.0.0.1 with ports of the kernel's choosing.
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrafficRequest } from '@l4lab/protocol';
import type { ClientConnection } from './clientConnections.ts';
import { TrafficGenerator } from './generator.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function listen(s: Server): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** Runs a generator of `count` requests to 127.0.0.1:port; the connections it reported. */
async function run(port: number, over: Partial<TrafficRequest>, count = 3) {
  const seen: ClientConnection[] = [];
  const spec = {
    target: `127.0.0.1:${port}`,
    from: 'external',
    protocol: 'http',
    rate: 100,
    duration: 0,
    count,
    keepAlive: false,
    clients: 1,
    ...over,
  } as TrafficRequest;
  const finished = new Promise<void>((resolve) => {
    const g = new TrafficGenerator({
      id: 'gen-1',
      spec,
      target: { ip: '127.0.0.1', port, hostIp: '127.0.0.1', hostPort: port, name: 'x' },
      sources: [],
      onUpdate: (s) => s.state === 'finished' && resolve(),
      onConnection: (c) => seen.push(c),
    });
    g.start();
  });
  await finished;
  return seen;
}

describe("a generator's connections as this side saw them", () => {
  it('http: open with the local port, then ok with bytes each way', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end('hello')));
    const seen = await run(port, {});
    const opens = seen.filter((c) => c.outcome === 'open');
    const ends = seen.filter((c) => c.outcome !== 'open');
    expect(opens).toHaveLength(3);
    expect(ends.map((c) => c.id).sort()).toEqual(opens.map((c) => c.id).sort());
    for (const c of ends) {
      expect(c).toMatchObject({
        protocol: 'TCP',
        outcome: 'ok',
        remote: { ip: '127.0.0.1', port },
      });
      expect(c.local.ip).toBe('127.0.0.1');
      expect(c.local.port).toBe(opens.find((o) => o.id === c.id)!.local.port);
      expect(c.bytesIn).toBeGreaterThan(5);
      expect(c.bytesOut).toBeGreaterThan(0);
      expect(c.endedAt).toBeGreaterThanOrEqual(c.startedAt);
    }
  });

  it('tcp: a refused connection is one ended event, refused', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    servers.splice(servers.indexOf(closed), 1);
    const seen = await run(port, { protocol: 'tcp' }, 2);
    expect(seen).toHaveLength(2);
    for (const c of seen) expect(c).toMatchObject({ outcome: 'refused', local: { port: 0 } });
  });

  it('tcp: a connection the server resets ends reset', async () => {
    const port = await listen(createServer((s) => s.resetAndDestroy()));
    const seen = await run(port, { protocol: 'tcp' }, 2);
    const ends = seen.filter((c) => c.outcome !== 'open');
    expect(ends).toHaveLength(2);
    for (const c of ends) expect(c.outcome).toBe('reset');
  });
});
