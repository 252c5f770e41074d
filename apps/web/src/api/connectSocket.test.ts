import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '@l4lab/protocol';
import { connectSocket } from './connectSocket.ts';

/** Just enough of the browser's WebSocket: the test opens, feeds and closes it by hand. */
class FakeWebSocket {
  static readonly OPEN = 1;
  static all: FakeWebSocket[] = [];
  readyState = 0;
  closed = false;
  readonly #listeners = new Map<string, ((e: unknown) => void)[]>();
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
  }
  fire(type: string, e: unknown = {}) {
    for (const fn of this.#listeners.get(type) ?? []) fn(e);
  }
  open() {
    this.readyState = 1;
    this.fire('open');
  }
  receive(msg: ServerMessage) {
    this.fire('message', { data: JSON.stringify(msg) });
  }
  close() {
    this.closed = true;
    this.readyState = 3;
    queueMicrotask(() => this.fire('close'));
  }
}

const snapshot: ServerMessage = {
  type: 'cluster_snapshot',
  resourceVersion: '1',
  objects: [],
  mappings: [],
  traffic: [],
  counters: [],
};

beforeEach(() => {
  FakeWebSocket.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('connectSocket resync', () => {
  it('drops the connection and opens a new one at once; the old one is ignored', async () => {
    const received: ServerMessage[] = [];
    const c = connectSocket({ onMessage: (m) => received.push(m), onLink: () => {} }, 'ws://t/ws');
    const first = FakeWebSocket.all[0]!;
    first.open();
    c.resync();
    expect(first.closed).toBe(true);
    expect(FakeWebSocket.all).toHaveLength(2);

    first.receive(snapshot); // a late frame of the dropped connection
    await vi.runAllTimersAsync(); // its close schedules no extra reconnect
    expect(received).toEqual([]);
    expect(FakeWebSocket.all).toHaveLength(2);

    FakeWebSocket.all[1]!.open();
    FakeWebSocket.all[1]!.receive(snapshot);
    expect(received).toEqual([snapshot]);
    c.destroy();
  });

  it('backs off when gaps come again and again, instead of reconnecting in a loop', async () => {
    const c = connectSocket({ onMessage: () => {}, onLink: () => {} }, 'ws://t/ws');
    FakeWebSocket.all[0]!.open();
    c.resync();
    FakeWebSocket.all[1]!.open();
    c.resync(); // a second gap right away
    expect(FakeWebSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeWebSocket.all).toHaveLength(3);
    c.destroy();
  });
});
