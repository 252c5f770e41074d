// POST /api/pods/{ns}/{name}/exec runs at most so many commands at once: past it, 429 in the
// API's error shape, and a slot frees when a command ends.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecResponse, Pod } from '@l4lab/protocol';
import { ObjectStore } from '@l4lab/cluster';
import type { PodExecutor } from '@l4lab/traffic';
import { execRoutes } from './execRoutes.ts';

/** An executor whose commands end when the test says so. */
class HeldExecutor implements PodExecutor {
  readonly #waiting: (() => void)[] = [];
  started = 0;
  exec(): Promise<ExecResponse> {
    this.started++;
    return new Promise((resolve) =>
      this.#waiting.push(() => resolve({ stdout: 'ok\n', stderr: '', exitCode: 0, trace: [] })),
    );
  }
  endOne(): void {
    this.#waiting.shift()?.();
  }
}

let close: (() => void) | undefined;
afterEach(() => close?.());

async function serve(executor: PodExecutor, maxSessions: number): Promise<string> {
  const store = new ObjectStore();
  store.put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'busybox', namespace: 'default' },
    spec: { containers: [{ name: 'busybox', image: 'busybox' }] },
  } as Pod);
  const app = express().use('/api', execRoutes({ store } as never, executor, maxSessions));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pods/default/busybox/exec`;
}

const exec = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ command: 'wget -q -O - my-nginx' }),
  });

describe('exec sessions', () => {
  it('answers 429 past the most sessions at once, and runs again once one ends', async () => {
    const executor = new HeldExecutor();
    const url = await serve(executor, 2);
    const first = exec(url);
    const second = exec(url);
    await expect.poll(() => executor.started).toBe(2);
    const third = await exec(url);
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({
      error: {
        code: 'L4_E_TOO_MANY_REQUESTS',
        message:
          'Too many requests: 2 exec sessions are running, the most l4lab runs at once; wait for one to end',
      },
    });
    executor.endOne();
    expect((await first).status).toBe(200);
    const fourth = exec(url);
    await expect.poll(() => executor.started).toBe(3);
    executor.endOne();
    executor.endOne();
    expect((await second).status).toBe(200);
    expect((await fourth).status).toBe(200);
  });
});
