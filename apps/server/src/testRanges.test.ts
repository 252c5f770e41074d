import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { testRanges } from './testRanges.ts';
import { runOnlyIf } from './testSkip.ts';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

it('never picks ranges another lab on this machine listens in', async (ctx) => {
  runOnlyIf(ctx, process.platform === 'linux', 'it reads /proc/net (Linux)');
  // Hold 48 of the 50 service ranges: the pick must be one of the two left.
  for (let s = 0; s < 48; s++) {
    const srv = createServer();
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, `127.${100 + s}.0.10`, r));
  }
  for (let i = 0; i < 20; i++) {
    expect(['127.148.0.0/16', '127.149.0.0/16']).toContain(testRanges().serviceCIDR);
  }
});
