// A WebSocket viewer for the fuzzer: sends any frame, waits for the next `apply_result`, and
// checks that the server still answers (a WebSocket ping) after frames it does not answer.
import { WebSocket } from 'ws';

export type Wait<T> = { ok: true; value: T; ms: number } | { ok: false; why: string; ms: number };

export class FuzzSocket {
  readonly #ws: WebSocket;
  readonly #results: unknown[] = [];
  #waiter: (() => void) | undefined;
  #closed: { code: number; reason: string } | undefined;
  #pongs = 0;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data, isBinary) => this.#onMessage(String(data), isBinary));
    ws.on('close', (code, reason) => {
      this.#closed = { code, reason: String(reason) };
      this.#wake();
    });
    ws.on('pong', () => {
      this.#pongs++;
      this.#wake();
    });
  }

  /** Connects as a same-origin browser would (no Origin header: a script, allowed on loopback). */
  static open(url: string): Promise<FuzzSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { maxPayload: 256 * 1024 * 1024 });
    ws.on('error', () => {}); // a refused or reset socket shows as its close
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new FuzzSocket(ws)));
      ws.once('close', (code) => reject(new Error(`WebSocket closed before it opened (${code})`)));
    });
  }

  get closed(): { code: number; reason: string } | undefined {
    return this.#closed;
  }

  send(frame: string | Uint8Array): void {
    this.#ws.send(frame, { binary: typeof frame !== 'string' });
  }

  /** The next `apply_result` frame. */
  nextApplyResult(timeoutMs: number): Promise<Wait<Record<string, unknown>>> {
    return this.#until(timeoutMs, () =>
      this.#results.length > 0 ? (this.#results.shift() as Record<string, unknown>) : undefined,
    );
  }

  /** Round trip of a WebSocket ping: the server's loop answered. */
  ping(timeoutMs: number): Promise<Wait<true>> {
    const before = this.#pongs;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.ping();
    return this.#until(timeoutMs, () => (this.#pongs > before ? (true as const) : undefined));
  }

  close(): void {
    this.#ws.terminate();
  }

  #onMessage(text: string, isBinary: boolean): void {
    if (isBinary) return;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if ((msg as { type?: unknown })?.type !== 'apply_result') return;
    this.#results.push(msg);
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  async #until<T>(timeoutMs: number, take: () => T | undefined): Promise<Wait<T>> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    for (;;) {
      const value = take();
      const ms = performance.now() - started;
      if (value !== undefined) return { ok: true, value, ms };
      if (this.#closed)
        return { ok: false, why: `closed (${this.#closed.code} ${this.#closed.reason})`, ms };
      if (ms >= timeoutMs) return { ok: false, why: `no answer in ${timeoutMs} ms`, ms };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - performance.now());
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
