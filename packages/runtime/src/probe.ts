import { connect } from 'node:net';
import { type IncomingMessage, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type Clock, type TimerHandle, realClock } from '@l4lab/cluster';

/** A probe's deadline moves in this many steps: a blocked loop costs it one step at most. */
const TIMEOUT_STEPS = 10;

/**
 * A probe's timeout that counts only the time the event loop could run the probe. The server's
 * one loop also carries every proxied connection, so it is sometimes blocked (a slow sync, a busy
 * CPU on a shared CI machine); a plain timer would count that time too and fail a pod whose answer
 * sat unread in the socket (an httpGet needs the loop three times: connect, send, read). So the
 * deadline moves in tenths of the timeout, and a step whose timer fired late counts for its own
 * length, not for the time the loop was blocked. `expire` runs once timeoutMs has been counted.
 */
export function probeTimeout(clock: Clock, timeoutMs: number, expire: () => void): TimerHandle {
  const stepMs = Math.max(1, Math.ceil(timeoutMs / TIMEOUT_STEPS));
  let counted = 0;
  let timer: TimerHandle;
  const step = () => {
    const ms = Math.max(1, Math.min(stepMs, timeoutMs - counted));
    timer = clock.setTimeout(function timeoutStep() {
      counted += ms;
      if (counted >= timeoutMs) expire();
      else step();
    }, ms);
  };
  step();
  return { cancel: () => timer.cancel() };
}

/**
 * One probe's result, settled once: by its I/O (`done`), or by the timeout, which is declared only
 * after the event loop has looked at the I/O once more (an answer that came in while the last step
 * waited is read first). `close` releases the probe's socket.
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
    deadline.cancel();
    close();
    resolve(ok);
  };
  const deadline = probeTimeout(realClock, timeoutMs, () => void setImmediate(() => done(false)));
  return done;
}

/** A TCP connect probe: succeeds when the handshake completes within timeoutMs. */
export function tcpProbe(
  host: string,
  port: number,
  timeoutMs = 1000,
  localAddress?: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const done = probeResult(timeoutMs, () => s.destroy(), resolve);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * An httpGet probe: success is a status in 200-399 (kubelet's rule), all within timeoutMs. With
 * `scheme: HTTPS` it speaks TLS and does not check the certificate, as the kubelet's prober.
 */
export function httpProbe(
  host: string,
  port: number,
  path: string,
  timeoutMs = 1000,
  localAddress?: string,
  https = false,
): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host, port, path, method: 'GET', agent: false, localAddress };
    const send = (cb: (res: IncomingMessage) => void) =>
      https ? httpsRequest({ ...options, rejectUnauthorized: false }, cb) : request(options, cb);
    const req = send((res) => {
      res.resume();
      done((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    const done = probeResult(timeoutMs, () => req.destroy(), resolve);
    req.once('error', () => done(false));
    req.end();
  });
}
