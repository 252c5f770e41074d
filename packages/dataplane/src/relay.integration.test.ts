// RelayPool's start-up failure paths: a relay module that exits at once, a native relay that cannot
// be spawned (a broken install). The hand-offs themselves are in tcpProxy.integration.test.ts; no
// sockets here.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '@l4lab/cluster/testing';
import { RELAY_RETRY_MS, RelayPool } from './relay.ts';
import type { TcpFlow } from './tcpProxy.ts';

let dir: string | undefined;
let pool: RelayPool | undefined;

afterEach(async () => {
  await pool?.stop(true);
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a relay that exits before it is ready: warned once, and no new one for a while', async () => {
  dir = await mkdtemp(join(tmpdir(), 'l4lab-relay-'));
  const entry = join(dir, 'broken.mjs');
  await writeFile(entry, 'process.exit(3);\n');
  const logs: { obj: object; msg: string }[] = [];
  const log = (obj: object, msg: string) => void logs.push({ obj, msg });
  pool = new RelayPool(2, { info: log, warn: log }, { entry, native: false });
  // Never handed off (no relay is ready): adopt() does not touch it.
  const stream = {} as TcpFlow;

  pool.adopt(stream, true);
  const [pid] = pool.pids;
  expect(pid).toBeGreaterThan(0);
  await waitFor('the relay to exit', () => (pool!.pids.length === 0 ? true : undefined), 10_000);
  for (let i = 0; i < 5; i++) pool.adopt(stream, true);

  expect(pool.pids).toEqual([]); // no fork per full read
  expect(logs).toEqual([
    {
      msg: 'relay process exited (code 3) before it was ready: streams stay in the proxier',
      obj: { pid, retryInSeconds: RELAY_RETRY_MS / 1000 },
    },
  ]);
});

it('a native relay that cannot be spawned: Node relays from then on, and stop() still returns', async () => {
  const logs: { obj: object; msg: string }[] = [];
  const log = (obj: object, msg: string) => void logs.push({ obj, msg });
  pool = new RelayPool(1, { info: log, warn: log }, { nativeBinary: '/nonexistent/l4lab-relay' });
  expect(pool.kind).toBe('native');

  expect(pool.adopt({} as TcpFlow, false)).toBe('later'); // starting
  await waitFor('the fall-back', () => (pool!.kind === 'node' ? true : undefined), 10_000);
  expect(logs[0]).toEqual({
    msg: 'relay process did not start (spawn /nonexistent/l4lab-relay ENOENT) before it was ready: relay processes run on Node',
    obj: { pid: undefined },
  });
  expect(pool.pids).toEqual([]);
  // Long-lived connections are not Node relays' job; streams are.
  expect(pool.adopt({} as TcpFlow, false)).toBe('never');
  await pool.prestart();
  expect(pool.pids).toHaveLength(1);
  await pool.stop(true);
  expect(pool.pids).toEqual([]);
});
