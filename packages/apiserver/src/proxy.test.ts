// The proxy subresources (pods/x/proxy, services/x/proxy) through the API's router, against an
// HTTP server on 127.0.0.1 (a port the system picks) standing for every pod's port 80; any other
// port is one nothing listens on. Pod addresses are the test cluster's (never dialed as such).
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '@l4lab/protocol';
import {
  makeDeployment,
  makeService,
  newTestCluster,
  runKubelet,
  setPodReady,
} from '@l4lab/cluster/testing';
import { kubernetesApi, type RequestAttributes } from './kubernetesApi.ts';
import { addressDialer } from './podDialer.ts';
import { proxyTarget, splitSchemeNamePort } from './proxy.ts';

let pod: Server;
let podPort = 0;
let closedPort = 0;
let api: Server;
let base = '';
/** The addresses the API server dialed, in order. */
const dialed: string[] = [];
let refuse: ((a: RequestAttributes) => string | undefined) | undefined;

const { cluster } = newTestCluster(3);
cluster.apply([makeDeployment('default', 'web'), makeService('default', 'web')]);
cluster.apply([makeDeployment('default', 'idle'), makeService('default', 'idle')]);
runKubelet(cluster, (p) => !p.metadata.name.startsWith('idle-'));
const webPods = cluster.list('Pod', 'default').filter((p) => p.metadata.name.startsWith('web-'));

beforeAll(async () => {
  pod = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('X-Pod', 'answered');
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  podPort = (pod.address() as { port: number }).port;
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  closedPort = (gone.address() as { port: number }).port;
  await new Promise<void>((r) => gone.close(() => r()));

  const app = express();
  app.use(
    kubernetesApi({
      store: cluster.store,
      now: () => Date.now(),
      version: 'test',
      authorize: () => true,
      admit: (_req, a) => refuse?.(a),
      writer: {} as never,
      streams: {} as never,
      events: cluster.events,
      dial: addressDialer((ip, port) => {
        dialed.push(`${ip}:${port}`);
        return { host: '127.0.0.1', port: port === 80 ? podPort : closedPort };
      }),
      credentialCookies: ['l4lab_token'],
    }),
  );
  api = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => api.once('listening', () => r()));
  base = `http://127.0.0.1:${(api.address() as { port: number }).port}/api/v1/namespaces/default`;
});

afterAll(async () => {
  await new Promise<void>((r) => api.close(() => r()));
  await new Promise<void>((r) => pod.close(() => r()));
});

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe('the proxy subresources', () => {
  it("send a request to the pod's IP and port 80 (its first container port), path and query kept", async () => {
    const name = webPods[0]!.metadata.name;
    dialed.length = 0;
    const res = await fetch(`${base}/pods/${name}/proxy/some/path?q=1`, {
      headers: { Authorization: 'Bearer secret', Cookie: 'theme=dark; l4lab_token=secret' },
    });
    expect(res.status).toBe(200);
    expect(dialed).toEqual([`${webPods[0]!.status!.podIP}:80`]);
    const echo = (await res.json()) as Echo;
    expect(echo).toMatchObject({ method: 'GET', url: '/some/path?q=1' });
    // The user's credentials stay with the API server; the rest goes on.
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers.cookie).toBe('theme=dark');
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    // The pod's answer, without its CORS headers (the API server removes them).
    expect(res.headers.get('x-pod')).toBe('answered');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stream a request body to the pod, and redirect `.../proxy` to `.../proxy/`', async () => {
    const name = webPods[1]!.metadata.name;
    const body = 'x'.repeat(300_000);
    const res = await fetch(`${base}/pods/${name}:80/proxy/upload`, { method: 'POST', body });
    const echo = (await res.json()) as Echo;
    expect(echo).toMatchObject({ method: 'POST', url: '/upload' });
    expect(echo.body).toBe(body);
    const bare = await fetch(`${base}/pods/${name}/proxy?a=b`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(`/api/v1/namespaces/default/pods/${name}/proxy/?a=b`);
  });

  it("send a Service's request to one of its ready endpoints, at random, never its ClusterIP", async () => {
    const ips = new Set(webPods.map((p) => `${p.status!.podIP}:80`));
    dialed.length = 0;
    for (const path of [
      'services/web/proxy/',
      'services/web:80/proxy/',
      'services/http:web:80/proxy/',
    ])
      for (let i = 0; i < 12; i++) expect((await fetch(`${base}/${path}`)).status).toBe(200);
    expect(new Set(dialed)).toEqual(ips);
  });

  it("say why in the API server's words when there is nowhere to go", async () => {
    const status = async (path: string) => {
      const res = await fetch(`${base}/${path}`);
      const s = (await res.json()) as { code: number; reason: string; message: string };
      expect(s.code).toBe(res.status);
      return `${s.code} ${s.reason}: ${s.message}`;
    };
    const web = webPods[0]!;
    expect(await status(`pods/${web.metadata.name}:81/proxy/`)).toBe(
      `503 ServiceUnavailable: error trying to reach service: dial tcp ${web.status!.podIP}:81: connect: connection refused`,
    );
    expect(await status('services/web:81/proxy/')).toBe(
      '503 ServiceUnavailable: no service port 81 found for service "web"',
    );
    expect(await status('services/idle/proxy/')).toBe(
      '503 ServiceUnavailable: no endpoints available for service "idle"',
    );
    expect(await status('services/web:http/proxy/')).toBe(
      '503 ServiceUnavailable: no endpoints available for service "web:http"',
    );
    expect(await status('pods/nope/proxy/')).toBe('404 NotFound: pods "nope" not found');
    expect(await status('services/nope:80/proxy/')).toBe('404 NotFound: services "nope" not found');
    expect(await status('pods/a:b:c:d/proxy/')).toBe(
      '400 BadRequest: invalid pod request "a:b:c:d"',
    );
  });

  it("reach only pods: hand-written Endpoints' addresses that are not a pod's lead nowhere", async () => {
    cluster.apply([makeService('default', 'manual', (s) => delete s.spec.selector)]);
    const eps: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'manual', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }],
    };
    cluster.store.put(eps);
    dialed.length = 0;
    const res = await fetch(`${base}/services/manual/proxy/`);
    expect(res.status).toBe(503);
    expect(dialed).toEqual([]);
  });

  it("are authorized as RBAC does: the method's verb on pods/proxy or services/proxy", async () => {
    const asked: RequestAttributes[] = [];
    refuse = (a) => {
      asked.push(a);
      return 'services "web" is forbidden: User "bob" cannot create resource "services/proxy"';
    };
    try {
      const res = await fetch(`${base}/services/web:80/proxy/`, { method: 'POST', body: 'x' });
      expect(res.status).toBe(403);
      expect(asked).toEqual([
        {
          verb: 'create',
          resource: 'services',
          group: '',
          subresource: 'proxy',
          namespace: 'default',
          name: 'web',
        },
      ]);
    } finally {
      refuse = undefined;
    }
  });

  it('come back once a pod is ready again, and not before', async () => {
    const idle = cluster.list('Pod', 'default').find((p) => p.metadata.name.startsWith('idle-'))!;
    setPodReady(cluster, 'default', idle.metadata.name, true);
    expect((await fetch(`${base}/services/idle/proxy/`)).status).toBe(200);
  });
});

describe('proxy paths', () => {
  it('split as the API server splits them', () => {
    expect(proxyTarget('/api/v1/namespaces/ns/services/https:web:443/proxy/a/b?c=d')).toEqual({
      namespace: 'ns',
      resource: 'services',
      id: 'https:web:443',
      path: '/a/b',
      query: '?c=d',
    });
    expect(proxyTarget('/api/v1/namespaces/ns/pods/web/proxy')).toMatchObject({ path: '' });
    expect(proxyTarget('/api/v1/namespaces/ns/pods/web/log')).toBeUndefined();
    expect(splitSchemeNamePort('web:8080')).toEqual({ scheme: '', name: 'web', port: '8080' });
    expect(splitSchemeNamePort('ftp:web:21')).toBeUndefined();
    expect(splitSchemeNamePort(':80')).toBeUndefined();
  });
});
