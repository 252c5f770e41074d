// The agent's HTTP face: `GET /events` (the token required: Kubernetes' own 401 Status
// otherwise) streams application/x-ndjson; `GET /healthz` answers `ok` (the DaemonSet's probes,
// no token: it says nothing of the node).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AGENT_EVENTS_CONTENT_TYPE, AGENT_TOKEN_HEADER, type AgentHello } from '@l4lab/agent';
import type { AgentLogger } from './logger.ts';
import type { EventStream } from './stream.ts';

export interface AgentServerOptions {
  stream: EventStream;
  /** The hello a new client gets (kube-proxy's mode as last read). */
  hello: () => AgentHello;
  /** Whether the token sent (the header's value, if any) is the agent's. */
  authorized: (token: string | undefined) => boolean;
  logger: AgentLogger;
}

/** What the API server answers an unauthenticated request (a metav1.Status). */
const UNAUTHORIZED = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
});

export function createAgentServer(o: AgentServerOptions): Server {
  const server = createServer(function route(req, res) {
    res.on('error', () => {}); // a client gone mid-write: its 'close' cleans up
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (path !== '/events' && path !== '/healthz') return text(res, 404, '404 page not found');
    if (req.method !== 'GET') return text(res, 405, 'Method Not Allowed');
    if (path === '/healthz') return text(res, 200, 'ok');
    events(o, req, res);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}

function events(o: AgentServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const header = req.headers[AGENT_TOKEN_HEADER.toLowerCase()];
  if (!o.authorized(Array.isArray(header) ? header[0] : header)) {
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end(UNAUTHORIZED);
    return;
  }
  res.writeHead(200, {
    'Content-Type': AGENT_EVENTS_CONTENT_TYPE,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  res.socket?.setNoDelay(true);
  const client = o.stream.add(res, o.hello());
  res.on('drain', function flushHeldBack() {
    client.flush();
  });
  res.on('close', function clientGone() {
    o.stream.remove(client);
    o.logger.info({ clients: o.stream.clients }, 'events: client gone');
  });
  o.logger.info({ from: req.socket.remoteAddress, clients: o.stream.clients }, 'events: client');
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
