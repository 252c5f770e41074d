// The soak kills a pod's nginx by the pid in its pid file: only when that process's command line
// names the pod's directory (a recycled pid, or another process, is never killed).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { runOnlyIf } from '../testSkip.ts';
import { nginxPid } from './podKiller.ts';

describe('nginxPid', () => {
  it("trusts a pid file only when that process's command line names the pod directory", async (ctx) => {
    runOnlyIf(ctx, existsSync('/proc/self/cmdline'), 'command lines are read from /proc (Linux)');
    const workspace = await mkdtemp(join(tmpdir(), 'l4lab-soak-'));
    const pod = { metadata: { namespace: 'default', name: 'web-1', uid: 'abcdef012345' } } as Pod;
    const dir = join(workspace, 'pods', 'default_web-1_abcdef01');
    await mkdir(dir, { recursive: true });
    // This test's own process: alive, but not the pod's nginx.
    await writeFile(join(dir, 'l4lab.pid'), String(process.pid));
    expect(await nginxPid(workspace, pod)).toBeUndefined();
    // A process whose command line names the directory, as the pod's nginx does (`-p <dir>`).
    const stand = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', '--', '-p', dir], {
      stdio: 'ignore',
    });
    try {
      await writeFile(join(dir, 'l4lab.pid'), String(stand.pid));
      await new Promise((r) => setTimeout(r, 200)); // its /proc entry is complete after exec
      expect(await nginxPid(workspace, pod)).toBe(stand.pid);
      await rm(join(dir, 'l4lab.pid'));
      expect(await nginxPid(workspace, pod)).toBeUndefined();
    } finally {
      stand.kill('SIGKILL');
      await rm(workspace, { recursive: true, force: true });
    }
  });
});
