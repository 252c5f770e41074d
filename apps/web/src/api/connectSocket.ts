import { parseServerMessage, type ClientMessage, type ServerMessage } from '@l4lab/protocol';
import type { LinkState } from '../store/uiSlice.ts';

export interface SocketHandlers {
  onMessage(msg: ServerMessage): void;
  onLink(link: LinkState): void;
}

export interface SocketConnection {
  /** Sends a message when the socket is open; false when it is not. */
  send(msg: ClientMessage): boolean;
  /**
   * Drops this connection and opens a new one, which starts with a fresh `cluster_snapshot`: the
   * way back from a gap in `object_changes`. Frames of the dropped connection are ignored.
   */
  resync(): void;
  destroy(): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
/** A resync this soon after the last one waits like a lost link (a gap every frame: no storm). */
const RESYNC_QUIET_MS = 10_000;

/** The server's `/ws` on this page's host, reconnecting with exponential back-off. */
export function connectSocket(handlers: SocketHandlers, url = socketUrl()): SocketConnection {
  let socket: WebSocket | undefined;
  let retryMs = FIRST_RETRY_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;
  let lastResyncAt = -Infinity;

  function open() {
    handlers.onLink('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', function onOpen() {
      retryMs = FIRST_RETRY_MS;
      handlers.onLink('online');
    });
    ws.addEventListener('message', function onMessage(e: MessageEvent<unknown>) {
      if (socket !== ws || typeof e.data !== 'string') return;
      const msg = parseServerMessage(e.data);
      if (msg) handlers.onMessage(msg);
    });
    ws.addEventListener('close', function onClose() {
      if (destroyed || socket !== ws) return;
      handlers.onLink('offline');
      timer = setTimeout(open, retryMs);
      retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    });
    // A failed socket also fires `close`, which schedules the retry.
    ws.addEventListener('error', function onError() {});
  }

  function resync() {
    if (destroyed) return;
    const now = Date.now();
    const delay = now - lastResyncAt < RESYNC_QUIET_MS ? retryMs : 0;
    lastResyncAt = now;
    const old = socket;
    socket = undefined; // its close and late frames are ignored from now on
    old?.close();
    clearTimeout(timer);
    if (delay === 0) {
      open();
      return;
    }
    handlers.onLink('offline');
    timer = setTimeout(open, delay);
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }

  open();
  return {
    resync,
    send(msg) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(msg));
      return true;
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}

function socketUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}
