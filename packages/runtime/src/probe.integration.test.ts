// Probes against real loopback servers on 127.236.0.1 (no other test uses it).
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpProbe, tcpProbe } from './probe.ts';

const IP = '127.236.0.1';
const servers: Server[] = [];

function listen(srv: Server, port: number): Promise<void> {
  servers.push(srv);
  return new Promise((r) => srv.listen(port, IP, () => r()));
}

/** Keeps the event loop busy, as a slow sync or a loaded machine does. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('probes', () => {
  it('tcp: a listening port passes, a closed one fails at once', async () => {
    await listen(
      createServer((s) => s.destroy()),
      8080,
    );
    expect(await tcpProbe(IP, 8080, 1000)).toBe(true);
    const t0 = Date.now();
    expect(await tcpProbe(IP, 8081, 1000)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('tcp: a handshake that completed while the event loop was busy past the timeout passes', async () => {
    await listen(
      createServer((s) => s.destroy()),
      8082,
    );
    const result = tcpProbe(IP, 8082, 50);
    // The connect is under way; the loop is blocked beyond the timeout, in the check phase, so the
    // next turn starts with the due timer and only then polls the finished handshake.
    setImmediate(() => busy(300));
    expect(await result).toBe(true);
  });

  it('http: 2xx/3xx pass, 4xx/5xx fail, an answer after the timeout fails', async () => {
    const srv = createHttpServer((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 400);
      else {
        res.statusCode = Number(req.url!.slice(1));
        res.end();
      }
    });
    servers.push(srv as unknown as Server);
    await new Promise<void>((r) => srv.listen(8083, IP, r));
    expect(await httpProbe(IP, 8083, '/200')).toBe(true);
    expect(await httpProbe(IP, 8083, '/302')).toBe(true);
    expect(await httpProbe(IP, 8083, '/404')).toBe(false);
    expect(await httpProbe(IP, 8083, '/503')).toBe(false);
    expect(await httpProbe(IP, 8083, '/slow', 100)).toBe(false);
  });

  it('http with scheme HTTPS: TLS, a self-signed certificate taken unchecked, as the kubelet does', async () => {
    const pair = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f));
    const tls = createHttpsServer(
      { cert: pair('my-nginx.crt'), key: pair('my-nginx.key') },
      (req, res) => {
        res.statusCode = req.url === '/ok' ? 200 : 500;
        res.end();
      },
    );
    servers.push(tls as unknown as Server);
    await new Promise<void>((r) => tls.listen(8086, IP, r));
    expect(await httpProbe(IP, 8086, '/ok', 1000, undefined, true)).toBe(true);
    expect(await httpProbe(IP, 8086, '/bad', 1000, undefined, true)).toBe(false);
    // The scheme must match the port: plain HTTP to TLS fails, and TLS to plain HTTP.
    expect(await httpProbe(IP, 8086, '/ok', 1000)).toBe(false);
    const plain = createHttpServer((_req, res) => res.end('ok'));
    servers.push(plain as unknown as Server);
    await new Promise<void>((r) => plain.listen(8087, IP, r));
    expect(await httpProbe(IP, 8087, '/', 1000, undefined, true)).toBe(false);
  });

  it('http: a response that arrived while the event loop was busy past the timeout passes', async () => {
    const srv = createHttpServer((_req, res) => res.end('ok'));
    servers.push(srv as unknown as Server);
    await new Promise<void>((r) => srv.listen(8084, IP, r));
    // Both ends live in this process: busy after the request is out and served, before the
    // client has read the response.
    srv.once('request', (_req, res) => res.once('finish', () => setImmediate(() => busy(300))));
    expect(await httpProbe(IP, 8084, '/', 100)).toBe(true);
  });

  it('http: a pod that answers once the blocked event loop runs again passes', async () => {
    const srv = createHttpServer((_req, res) => res.end('ok'));
    servers.push(srv as unknown as Server);
    await new Promise<void>((r) => srv.listen(8085, IP, r));
    // Blocked past the whole timeout before the request is even sent: connect, send and read each
    // need the loop, so one more poll is not enough; the blocked time must not count.
    const result = httpProbe(IP, 8085, '/', 200);
    busy(400);
    expect(await result).toBe(true);
  });
});
