import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { podDir, removePodDir } from './orphans.ts';

describe('removePodDir', () => {
  it("deletes a pod's directory and nothing beside it", async () => {
    const pods = await mkdtemp(join(tmpdir(), 'l4lab-pods-'));
    try {
      const a = { namespace: 'default', name: 'web-1', uid: 'aaaaaaaa-1' };
      const b = { namespace: 'default', name: 'web-2', uid: 'bbbbbbbb-2' };
      for (const p of [a, b]) {
        await mkdir(join(podDir(pods, p), 'html'), { recursive: true });
        await writeFile(join(podDir(pods, p), 'access.log'), 'GET /\n');
      }
      await removePodDir(pods, a);
      await removePodDir(pods, a); // twice: already gone is fine
      expect(await readdir(pods)).toEqual(['default_web-2_bbbbbbbb']);
    } finally {
      await rm(pods, { recursive: true, force: true });
    }
  });
});
