import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  parseClientMessage,
  type ServerMessage,
  type WatchEvent,
  type WorkshopUser,
} from '@l4lab/protocol';
import { deliver } from './deliver.ts';
import { unwrapTokenPath } from './kubeconfig.ts';
import type { Logger } from './logger.ts';
import { isSameOrigin } from './origin.ts';

export interface WsHubOptions {
  server: Server;
  logger: Logger;
  hello: () => Extract<ServerMessage, { type: 'hello' }>;
  snapshot: () => Extract<ServerMessage, { type: 'cluster_snapshot' }>;
  resourceVersion: () => string;
  /** Live mode: a client's `apply` (answered to that client only, as `apply_result`). */
  apply: (
    yaml: string,
    user: WorkshopUser | undefined,
  ) => Promise<{ status: number; body: object }>;
  /** Upgrades to paths other than /ws; true when it took the socket. */
  otherUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Whether an upgrade request carries the access token (beyond loopback). */
  allows: (req: IncomingMessage) => boolean;
  /**
   * Who a viewer is (workshop mode): a student's frames are narrowed to their namespace by
   * `scope`; everyone else gets every frame.
   */
  userOf?: (req: IncomingMessage) => WorkshopUser | undefined;
  scope?: (msg: ServerMessage, student: WorkshopUser) => ServerMessage;
}

/**
 * The `/ws` endpoint: each browser gets `hello`, then a `cluster_snapshot`, then deltas. Object
 * changes are coalesced into one `object_changes` frame per 50 ms. Frames chain by resourceVersion
 * (each starts where the previous one, or the viewer's snapshot, ended), so a viewer can tell
 * when it missed one and resync instead of keeping a wrong cluster.
 */
export class WsHub {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #o: WsHubOptions;
  #changes: WatchEvent[] = [];
  /** Where the last `object_changes` frame ended: the next one starts from it. */
  #sentResourceVersion: string;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #alive = new WeakSet<WebSocket>();
  readonly #users = new WeakMap<WebSocket, WorkshopUser>();

  constructor(opts: WsHubOptions) {
    this.#o = opts;
    this.#sentResourceVersion = opts.resourceVersion();
    opts.server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
    this.#wss.on('connection', (ws) => this.#onConnection(ws));
    this.#timer = setInterval(() => this.#flushChanges(), 50);
    this.#heartbeat = setInterval(() => this.#ping(), 15_000);
  }

  get clients(): number {
    return this.#wss.clients.size;
  }

  objectChanged(e: WatchEvent): void {
    this.#changes.push(e);
  }

  broadcast(msg: ServerMessage): void {
    this.#broadcast(msg, undefined);
  }

  /** Browsers connected now, by user (`role` or the student's name). */
  connectedUsers(): WorkshopUser[] {
    const users: WorkshopUser[] = [];
    for (const ws of this.#wss.clients) {
      const u = this.#users.get(ws);
      if (u) users.push(u);
    }
    return users;
  }

  /** The frame as this viewer sees it: a student's narrowed to their namespace. */
  #scoped(msg: ServerMessage, ws: WebSocket): ServerMessage {
    const user = this.#users.get(ws);
    return user?.role === 'student' && this.#o.scope ? this.#o.scope(msg, user) : msg;
  }

  /** Sends to every viewer but `except` (one that has not had its snapshot yet). */
  #broadcast(msg: ServerMessage, except: WebSocket | undefined): void {
    if (this.#wss.clients.size === 0) return;
    // Serialized once per audience: the whole frame, and once per student namespace.
    const byAudience = new Map<string, string>();
    const dataFor = (ws: WebSocket) => {
      const u = this.#users.get(ws);
      const key = u?.role === 'student' ? `ns:${u.namespace}` : '*';
      let data = byAudience.get(key);
      if (data === undefined) {
        data = JSON.stringify(this.#scoped(msg, ws));
        byAudience.set(key, data);
      }
      return data;
    };
    for (const ws of this.#wss.clients) {
      if (ws === except) continue;
      if (ws.readyState === WebSocket.OPEN && !deliver(ws, dataFor(ws))) {
        this.#o.logger.info(
          { buffered: ws.bufferedAmount },
          'viewer too slow: disconnected (it reconnects and gets a snapshot)',
        );
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    clearInterval(this.#heartbeat);
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    unwrapTokenPath(req); // a kubeconfig's /k8s/<token>/... (kubectl exec)
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/ws') {
      // Another WebSocket of this port (the Kubernetes API's exec), or none.
      if (!this.#o.otherUpgrade?.(req, socket, head)) socket.destroy();
      return;
    }
    if (!this.#o.allows(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isSameOrigin(req.headers.origin, req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const user = this.#o.userOf?.(req);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if (user) this.#users.set(ws, user);
      this.#wss.emit('connection', ws, req);
    });
  }

  #onConnection(ws: WebSocket): void {
    this.#alive.add(ws);
    ws.on('error', (err) => this.#o.logger.debug({ err: String(err) }, 'websocket error'));
    ws.on('pong', () => this.#alive.add(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const msg = parseClientMessage(String(data));
      if (msg?.type !== 'apply') return;
      void this.#o.apply(msg.yaml, this.#users.get(ws)).then(
        (answer) => {
          const reply: ServerMessage = {
            type: 'apply_result',
            id: msg.id,
            status: answer.status,
            ...answer.body,
          };
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply));
        },
        (err: unknown) => this.#o.logger.error({ err: String(err) }, 'live apply failed'),
      );
    });
    // The others get what changed since the last frame first, so that this viewer's snapshot
    // and its first frame meet at one resourceVersion: no gap, no overlap.
    this.#flushChanges(ws);
    ws.send(JSON.stringify(this.#o.hello()));
    ws.send(JSON.stringify(this.#scoped(this.#o.snapshot(), ws)));
  }

  /**
   * Sends the changes since the last frame, from the resourceVersion that frame ended at. A
   * resourceVersion that moved with no change told here still gets its (empty) frame, so the
   * chain never breaks.
   */
  #flushChanges(newcomer?: WebSocket): void {
    const resourceVersion = this.#o.resourceVersion();
    if (this.#changes.length === 0 && resourceVersion === this.#sentResourceVersion) return;
    const frame: ServerMessage = {
      type: 'object_changes',
      fromResourceVersion: this.#sentResourceVersion,
      resourceVersion,
      changes: this.#changes,
    };
    this.#changes = [];
    this.#sentResourceVersion = resourceVersion;
    this.#broadcast(frame, newcomer);
  }

  #ping(): void {
    for (const ws of this.#wss.clients) {
      if (!this.#alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  }
}
