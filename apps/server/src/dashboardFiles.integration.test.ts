// The built dashboard's files as a browser gets them: compressed copies where accepted, hashed
// assets cached for good, index.html never. A throwaway build in a temporary directory, served by
// an Express app on 127.0.0.1.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickEncoding, serveDashboard } from './dashboardFiles.ts';

const script = Buffer.from(`console.log(${JSON.stringify('l4lab '.repeat(2000))});\n`);
let dir: string;
let servers: Server[] = [];

async function serve(dist: string): Promise<string> {
  const app = express();
  serveDashboard(app, dist);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Raw bytes and headers: no client-side decoding, so the test sees what the server sent. */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let base: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l4lab-dashboard-'));
  await mkdir(join(dir, 'dist', 'assets'), { recursive: true });
  await writeFile(join(dir, 'dist', 'index.html'), '<!doctype html><title>l4lab</title>');
  const asset = join(dir, 'dist', 'assets', 'index-AbC123.js');
  await writeFile(asset, script);
  await writeFile(`${asset}.br`, brotliCompressSync(script));
  await writeFile(`${asset}.gz`, gzipSync(script));
  // Small files get no copies from the build.
  await writeFile(join(dir, 'dist', 'assets', 'yaml-Small1.js'), 'export {};\n');
  base = await serve(join(dir, 'dist'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
  await rm(dir, { recursive: true, force: true });
});

describe('the dashboard files', () => {
  it('sends an asset in brotli to a browser that accepts it, typed as the asset, cached for good', async () => {
    const r = await get(`${base}/assets/index-AbC123.js`, {
      'Accept-Encoding': 'gzip, deflate, br, zstd',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.headers['accept-ranges']).toBeUndefined();
    expect(r.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(r.body).equals(script)).toBe(true);
  });

  it('sends gzip where brotli is not accepted, and the file itself where neither is', async () => {
    const g = await get(`${base}/assets/index-AbC123.js`, { 'Accept-Encoding': 'gzip' });
    expect(g.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(g.body).equals(script)).toBe(true);

    const refused = await get(`${base}/assets/index-AbC123.js`, {
      'Accept-Encoding': 'br;q=0, gzip;q=0',
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(script)).toBe(true);

    const plain = await get(`${base}/assets/index-AbC123.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.equals(script)).toBe(true);
  });

  it('reads Accept-Encoding as RFC 9110 does: weights, a wildcard, brotli on a tie', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0.8')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*;q=0.5, gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0, *')).toBe('gzip');
    expect(pickEncoding('identity')).toBeUndefined();
    expect(pickEncoding('gzip;q=0')).toBeUndefined();
    expect(pickEncoding('')).toBeUndefined();
    expect(pickEncoding(undefined)).toBeUndefined();
  });

  it('prefers what the browser ranks higher', async () => {
    const r = await get(`${base}/assets/index-AbC123.js`, { 'Accept-Encoding': 'br;q=0.5, gzip' });
    expect(r.headers['content-encoding']).toBe('gzip');
  });

  it('answers HEAD with the encoded copy`s headers and no body', async () => {
    const r = await get(`${base}/assets/index-AbC123.js`, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.body.length).toBe(0);
  });

  it('sends a file the build did not compress as it is', async () => {
    const r = await get(`${base}/assets/yaml-Small1.js`, { 'Accept-Encoding': 'br, gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.toString()).toBe('export {};\n');
  });

  it('never caches the page, at / or at a route of its own', async () => {
    for (const path of ['/', '/index.html', '/join']) {
      const r = await get(`${base}${path}`, { 'Accept-Encoding': 'br, gzip' });
      expect(r.status, path).toBe(200);
      expect(r.headers['cache-control'], path).toBe('no-cache');
      expect(r.body.toString(), path).toContain('<title>l4lab</title>');
    }
  });

  it('serves nothing outside the build, and a missing asset is the page (the browser`s route)', async () => {
    const outside = await get(`${base}/assets/..%2f..%2fpackage.json`, {
      'Accept-Encoding': 'br, gzip',
    });
    expect(outside.body.toString()).toContain('<title>l4lab</title>');
    const missing = await get(`${base}/assets/gone-Zz9.js`, { 'Accept-Encoding': 'br' });
    expect(missing.headers['content-encoding']).toBeUndefined();
  });

  it('says how to build the dashboard when there is no build', async () => {
    const bare = await serve(join(dir, 'no-dist'));
    const r = await get(`${bare}/`);
    expect(r.status).toBe(503);
    expect(r.body.toString()).toContain('npm run build:web');
  });
});
