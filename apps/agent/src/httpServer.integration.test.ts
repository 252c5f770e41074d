// The agent's HTTP face and its read of kube-proxy's mode, over real sockets on 127.0.0.1 (no
// namespace needed: no conntrack here; agent.integration.test.ts runs the whole agent in one).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AGENT_TOKEN_HEADER, AgentStreamDecoder, type AgentMessage } from '@l4lab/agent';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentServer } from './httpServer.ts';
import { readKubeProxyMode } from './kubeProxyMode.ts';
import { jsonLogger } from './logger.ts';
import { EventStream } from './stream.ts';
import { tokenMatches } from './token.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(s: Server): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

function agentServer() {
  const stream = new EventStream();
  const server = createAgentServer({
    stream,
    hello: () => ({
      type: 'hello',
      version: 1,
      node: 'node-1',
      agentVersion: '0.1.0',
      kubeProxyMode: 'nftables',
      conntrack: { acct: true, timeWaitSeconds: 120, closeSeconds: 10 },
      reader: 'native',
    }),
    authorized: (t) => tokenMatches(t, 's3cret'),
    logger: jsonLogger(() => {}),
  });
  return { stream, server };
}

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the agent's HTTP server", () => {
  it('answers /healthz without a token, /events only with it (401 as the API server words it)', async () => {
    const { server } = agentServer();
    const port = await listen(server);
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: 'ok' });
    const cases: Record<string, string>[] = [{}, { [AGENT_TOKEN_HEADER]: 'wrong' }];
    for (const headers of cases) {
      const a = await get(port, '/events', headers);
      expect(a.status).toBe(401);
      expect(JSON.parse(a.body)).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    expect(await get(port, '/metrics')).toMatchObject({ status: 404, body: '404 page not found' });
  });

  it('streams ndjson to a client with the token, from when it connected', async () => {
    const { stream, server } = agentServer();
    const port = await listen(server);
    const got: AgentMessage[] = [];
    const decoder = new AgentStreamDecoder(
      (m) => got.push(m),
      (e) => got.push({ type: 'mode', kubeProxyMode: 'unknown', kubeProxyModeReason: e }),
    );
    const type = await new Promise<string | undefined>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/events', headers: { [AGENT_TOKEN_HEADER]: 's3cret' } },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (d: string) => decoder.write(d));
          resolve(res.headers['content-type']);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(type).toBe('application/x-ndjson');
    const until = async (n: number) => {
      for (let i = 0; i < 100 && got.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await until(1);
    expect(stream.clients).toBe(1);
    stream.loss('enobufs');
    stream.stats();
    await until(3);
    expect(got).toEqual([
      expect.objectContaining({ type: 'hello', node: 'node-1' }),
      { type: 'lost', count: 1, cause: 'enobufs' },
      { type: 'stats', events: 0, lost: 1, clients: 1, dropped: 0 },
    ]);
  });
});

describe("kube-proxy's mode, read from its metrics server", () => {
  it('reads the answer, and says why it is unknown otherwise (refused, 404, no answer in time)', async () => {
    const kubeProxy = createServer((req, res) => {
      if (req.url === '/proxyMode') res.end('nftables');
      else if (req.url === '/slow/proxyMode')
        return; // never answers (closed after the test)
      else res.writeHead(404).end('404 page not found');
    });
    const port = await listen(kubeProxy);
    const base = `http://127.0.0.1:${port}`;
    expect(await readKubeProxyMode(base)).toEqual({ kubeProxyMode: 'nftables' });
    expect(await readKubeProxyMode(`${base}/other`)).toEqual({
      kubeProxyMode: 'unknown',
      kubeProxyModeReason: `${base}/other/proxyMode answered HTTP 404`,
    });
    expect(await readKubeProxyMode(`${base}/slow`, 200)).toEqual({
      kubeProxyMode: 'unknown',
      kubeProxyModeReason: `kube-proxy did not answer ${base}/slow/proxyMode within 200 ms`,
    });
    // A port nothing listens on: the one just closed.
    const closed = createServer();
    const free = await listen(closed);
    servers.pop();
    await new Promise((r) => closed.close(r));
    const refused = await readKubeProxyMode(`http://127.0.0.1:${free}`);
    expect(refused.kubeProxyMode).toBe('unknown');
    expect(refused.kubeProxyModeReason).toMatch(/^cannot reach kube-proxy at .* \(ECONNREFUSED\)/);
  });
});
