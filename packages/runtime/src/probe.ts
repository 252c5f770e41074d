import { connect } from 'node:net';
import { request } from 'node:http';

/**
 * A timeout that is declared only after the event loop has looked at the I/O once more: when the
 * loop was busy (a slow sync, a loaded CI machine), an answer that arrived in time is waiting in
 * the poll phase, and the timers phase would otherwise run first and fail a healthy pod.
 */
function afterPendingIO(fn: () => void): () => void {
  return () => void setImmediate(fn);
}

/** A TCP connect probe: succeeds when the handshake completes within timeoutMs. */
export function tcpProbe(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(
      afterPendingIO(() => done(false)),
      timeoutMs,
    );
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** An httpGet probe: success is a status in 200-399 (kubelet's rule). */
export function httpProbe(
  host: string,
  port: number,
  path: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(ok);
    };
    const req = request({ host, port, path, method: 'GET', agent: false }, (res) => {
      res.resume();
      done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    // The whole probe (connect, request, status line) within timeoutMs, like the kubelet's.
    const timer = setTimeout(
      afterPendingIO(() => done(false)),
      timeoutMs,
    );
    req.once('error', () => done(false));
    req.end();
  });
}
