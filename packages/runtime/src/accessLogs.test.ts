import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextAccessLog } from './accessLogs.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function podDir(files: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-logs-'));
  dirs.push(dir);
  for (const f of files) await writeFile(join(dir, f), 'GET /\n');
  return dir;
}

describe('nextAccessLog', () => {
  it("starts at run 1 in a new pod's directory, and in one not made yet", async () => {
    expect(await nextAccessLog(await podDir([]))).toBe('access-1.log');
    expect(await nextAccessLog('/nonexistent/l4lab-pod')).toBe('access-1.log');
  });

  it('gives the next run its own file and keeps only the run before it', async () => {
    const dir = await podDir(['access-1.log', 'access-2.log', 'access-10.log', 'nginx.conf']);
    expect(await nextAccessLog(dir)).toBe('access-11.log');
    expect((await readdir(dir)).sort()).toEqual(['access-10.log', 'nginx.conf']);
  });
});
