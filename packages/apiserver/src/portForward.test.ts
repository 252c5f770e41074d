// The kubelet's side of port-forward over a SPDY session, against a TCP echo server on loopback
// (127.0.0.1, a port the system picks) standing for the pod's port.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { podDialer, type PodDialer } from './podDialer.ts';
import { servePortForward } from './portForward.ts';
import { requestedPorts } from './portForwardChannels.ts';
import { RST_REFUSED_STREAM } from './spdy.ts';
import { TestSpdyClient } from './spdyTestClient.ts';

let echo: Server;
let echoPort = 0;
const served = new Set<Socket>();

beforeAll(async () => {
  echo = createServer({ allowHalfOpen: true }, (s) => {
    served.add(s);
    s.on('close', () => served.delete(s));
    s.pipe(s); // echoes, and ends when the client's side ends
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});

const clients: TestSpdyClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.session.closed();
  await expect.poll(() => served.size).toBe(0);
});

afterAll(() => new Promise<void>((r) => echo.close(() => r())));

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u-1' },
  spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
  status: { phase: 'Running', podIP: '127.0.0.1' },
} as Pod;

/** Every port of the pod is the echo server (the lab maps a pod's port to where it listens). */
const toEcho: PodDialer = podDialer(() => ({ host: '127.0.0.1', port: echoPort }));

function forwarded(dial: PodDialer = toEcho): TestSpdyClient {
  const c = new TestSpdyClient();
  servePortForward(c.session, pod, dial);
  clients.push(c);
  return c;
}

const ERROR = (id: string, port = '80') => ({ streamtype: 'error', port, requestid: id });
const DATA = (id: string, port = '80') => ({ streamtype: 'data', port, requestid: id });

describe('kubectl port-forward, the kubelet side (servePortForward)', () => {
  it("forwards a data stream to the pod's port once its error stream is there; ends both at the end", async () => {
    const c = forwarded();
    await c.synStream(1, ERROR('0'));
    c.data(1, '', true); // kubectl closes its side of the error stream at once
    await c.synStream(3, DATA('0'));
    await expect.poll(() => served.size).toBe(1);
    c.data(3, 'GET / HTTP/1.1\r\n\r\n');
    c.data(3, '', true);
    await expect.poll(async () => (await c.streamData(3)).fin).toBe(true);
    expect((await c.streamData(3)).data.toString()).toBe('GET / HTTP/1.1\r\n\r\n');
    await expect.poll(async () => (await c.streamData(1)).fin).toBe(true);
    expect((await c.streamData(1)).data.length).toBe(0); // no error
    await expect.poll(() => served.size).toBe(0);
    // Both streams ended on both sides: the session holds nothing for them.
    expect(c.session.openStreams).toBe(0);
  });

  it('carries 4 MiB each way intact', async () => {
    const c = forwarded();
    await c.synStream(1, ERROR('7'));
    await c.synStream(3, DATA('7'));
    const big = Buffer.alloc(4 << 20);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32BE(i, i);
    for (let at = 0; at < big.length; at += 32 * 1024) c.data(3, big.subarray(at, at + 32 * 1024));
    c.data(3, '', true);
    await expect.poll(async () => (await c.streamData(3)).fin, { timeout: 10_000 }).toBe(true);
    expect((await c.streamData(3)).data.equals(big)).toBe(true);
  });

  it("says in the error stream why the pod's port could not be reached, in the kubelet's words", async () => {
    const refused = podDialer(() => ({ host: '127.0.0.1', port: 1 }));
    const c = forwarded(refused);
    await c.synStream(1, ERROR('0', '81'));
    await c.synStream(3, DATA('0', '81'));
    await expect.poll(async () => (await c.streamData(1)).fin).toBe(true);
    expect((await c.streamData(1)).data.toString()).toBe(
      "error forwarding port 81 to pod default/web, uid u-1: failed to connect to localhost:81 inside the pod's network: dial tcp4 127.0.0.1:81: connect: connection refused",
    );
    expect((await c.streamData(3)).fin).toBe(true);
  });

  it("pairs an old client's streams (no requestID) by their ids: error N, data N+2", async () => {
    const c = forwarded();
    await c.synStream(1, { streamtype: 'error', port: '80' });
    await c.synStream(3, { streamtype: 'data', port: '80' });
    c.data(3, 'ping', true);
    await expect.poll(async () => (await c.streamData(3)).fin).toBe(true);
    expect((await c.streamData(3)).data.toString()).toBe('ping');
  });

  it('refuses streams whose headers the kubelet refuses (port, streamType)', async () => {
    const c = forwarded();
    const refused: string[] = [];
    c.session.onRefused = (_h, why) => refused.push(why);
    await c.synStream(1, { streamtype: 'data' });
    await c.synStream(3, DATA('0', 'http'));
    await c.synStream(5, DATA('0', '0'));
    await c.synStream(7, DATA('0', '70000'));
    await c.synStream(9, { streamtype: 'stdin', port: '80', requestid: '0' });
    await c.synStream(11, { port: '80' });
    await expect.poll(async () => (await c.frames()).length).toBe(6);
    expect((await c.frames()).map((f) => f.kind === 'rst' && f.status)).toEqual(
      Array(6).fill(RST_REFUSED_STREAM),
    );
    expect(refused).toEqual([
      '"port" header is required',
      'unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax',
      'port "0" must be > 0',
      'unable to parse "70000" as a port: strconv.ParseUint: parsing "70000": invalid syntax',
      'invalid stream type "stdin"',
      '"streamType" header is required',
    ]);
  });

  it('a second data stream for a request still waiting for its error stream is reset', async () => {
    const c = forwarded();
    await c.synStream(1, DATA('4'));
    await c.synStream(3, DATA('4'));
    await expect.poll(async () => (await c.frames()).some((f) => f.kind === 'rst')).toBe(true);
    expect((await c.frames()).find((f) => f.kind === 'rst')).toMatchObject({ id: 3 });
  });

  it("the client's reset, or the session's end, closes the pod's connection", async () => {
    const c = forwarded();
    await c.synStream(1, ERROR('0'));
    await c.synStream(3, DATA('0'));
    await expect.poll(() => served.size).toBe(1);
    c.rst(3);
    await expect.poll(() => served.size).toBe(0);
    await c.synStream(5, ERROR('1'));
    await c.synStream(7, DATA('1'));
    await expect.poll(() => served.size).toBe(1);
    c.session.closed();
    await expect.poll(() => served.size).toBe(0);
  });
});

/** A server standing for a pod's port, with what it does to each connection. */
async function podServer(handle: (s: Socket) => void): Promise<{ dial: PodDialer; close(): void }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    handle(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    dial: podDialer(() => ({ host: '127.0.0.1', port })),
    close: () => server.close(),
  };
}

describe('port-forward under load and early ends', () => {
  it('a pod that stops reading stops the session reading, until it reads again', async () => {
    const held: Socket[] = [];
    const pod = await podServer((s) => {
      s.pause();
      held.push(s);
    });
    try {
      const c = forwarded(pod.dial);
      await c.synStream(1, ERROR('0'));
      await c.synStream(3, DATA('0'));
      await expect.poll(() => held.length).toBe(1);
      const chunk = Buffer.alloc(32 * 1024, 1);
      for (let i = 0; i < 256 && !c.paused; i++) {
        c.data(3, chunk);
        await new Promise((r) => setImmediate(r));
      }
      expect(c.paused).toBe(true);
      held[0]!.resume();
      await expect.poll(() => c.paused).toBe(false);
    } finally {
      pod.close();
    }
  });

  it('a pod that closes while the client still sends: the pair ends, the session reads on', async () => {
    const pod = await podServer((s) => s.once('data', () => s.destroy()));
    try {
      const c = forwarded(pod.dial);
      await c.synStream(1, ERROR('0'));
      await c.synStream(3, DATA('0'));
      const chunk = Buffer.alloc(64 * 1024, 2);
      for (let i = 0; i < 64; i++) {
        c.data(3, chunk);
        await new Promise((r) => setImmediate(r));
      }
      await expect.poll(async () => (await c.streamData(1)).fin).toBe(true);
      expect((await c.streamData(3)).fin).toBe(true);
      expect(c.paused).toBe(false);
      await expect.poll(() => c.session.openStreams).toBe(0);
      // The next connection of the same session is served.
      await c.synStream(5, ERROR('1'));
      await c.synStream(7, DATA('1'));
      await expect.poll(() => c.session.openStreams).toBe(2);
    } finally {
      pod.close();
    }
  });

  it("a pod that ends its side first: data, then the error stream, end within the kubelet's second", async () => {
    const pod = await podServer((s) => s.end('bye'));
    try {
      const c = forwarded(pod.dial);
      await c.synStream(1, ERROR('0'));
      await c.synStream(3, DATA('0'));
      await expect.poll(async () => (await c.streamData(3)).fin).toBe(true);
      expect((await c.streamData(3)).data.toString()).toBe('bye');
      await expect.poll(async () => (await c.streamData(1)).fin, { timeout: 3000 }).toBe(true);
      expect(c.session.openStreams).toBe(0);
    } finally {
      pod.close();
    }
  });
});

describe("the WebSocket channel protocol's ports (requestedPorts)", () => {
  it("reads ports (or port), repeated or comma-separated, with the kubelet's words for bad ones", () => {
    expect(requestedPorts('/x?ports=80')).toEqual([80]);
    expect(requestedPorts('/x?ports=80,8080&port=53')).toEqual([80, 8080, 53]);
    expect(requestedPorts('/x')).toBe('query parameter "port" is required');
    expect(requestedPorts('/x?ports=')).toBe('query parameter "port" cannot be empty');
    expect(requestedPorts('/x?ports=0')).toBe('port "0" must be > 0');
    expect(requestedPorts('/x?ports=80,x')).toBe(
      'unable to parse "80,x" as a port: strconv.ParseUint: parsing "x": invalid syntax',
    );
  });
});
