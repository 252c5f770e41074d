import { connect } from 'node:net';
import { request } from 'node:http';

/**
 * One probe's result, settled once: by its I/O (`done`), or by the timeout, which is declared only
 * after the event loop has looked at the I/O once more. When the loop was busy (a slow sync, a
 * loaded CI machine), an answer that arrived in time is waiting in the poll phase, and the timers
 * phase would otherwise run first and fail a healthy pod. `close` releases the probe's socket.
 */
function probeResult(
  timeoutMs: number,
  close: () => void,
  resolve: (ok: boolean) => void,
): (ok: boolean) => void {
  let settled = false;
  const done = (ok: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    close();
    resolve(ok);
  };
  const timer = setTimeout(() => void setImmediate(() => done(false)), timeoutMs);
  return done;
}

/** A TCP connect probe: succeeds when the handshake completes within timeoutMs. */
export function tcpProbe(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = probeResult(timeoutMs, () => s.destroy(), resolve);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** An httpGet probe: success is a status in 200-399 (kubelet's rule), all within timeoutMs. */
export function httpProbe(
  host: string,
  port: number,
  path: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', agent: false }, (res) => {
      res.resume();
      done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    const done = probeResult(timeoutMs, () => req.destroy(), resolve);
    req.once('error', () => done(false));
    req.end();
  });
}
