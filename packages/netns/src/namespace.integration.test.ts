// Real namespaces, both ways (a named `ip netns` as root, `unshare -Urn` for everyone): made,
// entered, isolated from the host, destroyed with what ran inside, and a crash's leftovers
// removed by the next start. Each test makes its own namespace (named with this pid) and removes
// it in a finally; nothing touches the host's namespace. Addresses: 127.77.0.0/16, only inside the
// test namespaces and the host's loopback; ports 7470-7479.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { assertLabNamespace, HostNamespaceError, inNamespace } from './identity.ts';
import {
  type NamespaceRef,
  createNamespace,
  destroyNamespace,
  namespaceExists,
  namespaceName,
  processesIn,
  runInNamespace,
  spawnInNamespace,
} from './namespace.ts';
import { type NamespaceMethod, probe } from './probe.ts';
import { cleanStaleNamespace, readRecord, writeRecord } from './record.ts';

const verdict = await probe();
const methods: NamespaceMethod[] =
  verdict.ok && verdict.method === 'netns' ? ['netns', 'userns'] : ['userns'];
const ENTRY = resolve(import.meta.dirname, 'index.ts');
const started: ChildProcess[] = [];

afterAll(() => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Skips visibly where namespaces cannot be made; under CI (root there) that fails instead. */
function requireNamespaces(ctx: TestContext): void {
  if (verdict.ok) return;
  const why = `the kernel dataplane cannot run here: ${verdict.missing.join(', ')} (${verdict.hint})`;
  if (process.env.CI) throw new Error(`this test must run under CI, but ${why}`);
  ctx.skip(why);
}

/** A node program run inside: prepares the namespace, says if it sees itself inside, serves. */
function insideServer(ref: NamespaceRef, ip: string, port: number): ChildProcess {
  const script = `
    const ns = await import(${JSON.stringify(ENTRY)});
    const warnings = await ns.prepareNamespace();
    const net = await import('node:net');
    net.createServer((s) => s.end('inside\\n')).listen(${port}, '${ip}', () =>
      console.log(JSON.stringify({ inside: ns.inNamespace(), warnings })));`;
  const child = spawnInNamespace(
    ref,
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolveLine(out.split('\n')[0]!);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

/** A TCP client run inside the namespace: what it read, or the error's code. */
async function connectInside(ref: NamespaceRef, ip: string, port: number): Promise<string> {
  const script = `require('node:net').connect(${port}, '${ip}')
    .on('data', (d) => process.stdout.write(d)).on('error', (e) => console.log(e.code));`;
  const r = await runInNamespace(ref, process.execPath, ['-e', script]);
  return r.stdout.trim();
}

function connectHere(ip: string, port: number): Promise<string> {
  return new Promise((done) => {
    connect(port, ip)
      .on('data', (d) => done(d.toString().trim()))
      .on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

describe.each(methods)('a namespace made with %s', (method) => {
  it('runs a process inside, isolated from the host, and is gone with it', async (ctx) => {
    requireNamespaces(ctx);
    const ref = await createNamespace(method, `l4lab-test-${process.pid}-${method}`);
    try {
      expect(namespaceExists(ref)).toBe(true);
      const server = insideServer(ref, '127.77.0.5', 7470);
      const report = JSON.parse(await firstLine(server)) as { inside: boolean; warnings: [] };
      expect(report).toEqual({ inside: true, warnings: [] });
      // Inside, all of 127/8 is local: the lab's plan works there, and only there.
      expect(await connectInside(ref, '127.77.0.5', 7470)).toBe('inside');
      expect(await connectHere('127.77.0.5', 7470)).toBe('ECONNREFUSED');
      expect(processesIn(ref)).toContain(server.pid);
    } finally {
      const killed = await destroyNamespace(ref);
      expect(killed.length).toBeGreaterThan(0);
    }
    expect(namespaceExists(ref)).toBe(false);
    expect(processesIn(ref)).toEqual([]);
  });

  it('is removed by the next start after its launcher and server died by kill -9', async (ctx) => {
    requireNamespaces(ctx);
    const workspace = await mkdtemp(join(tmpdir(), 'l4lab-netns-'));
    const ref = await createNamespace(method, namespaceName(workspace));
    try {
      const leftover = spawnInNamespace(ref, 'sleep', ['60'], { stdio: 'ignore' });
      started.push(leftover);
      const dead = spawn('true');
      await new Promise((r) => dead.once('exit', r));
      await writeRecord({
        ...ref,
        workspace,
        launcherPid: dead.pid!,
        createdAt: new Date().toISOString(),
      });
      for (const end = Date.now() + 3000; !processesIn(ref).includes(leftover.pid!);) {
        if (Date.now() > end) throw new Error('sleep never entered the namespace');
        await new Promise((r) => setTimeout(r, 10));
      }
      if (ref.holderPid) process.kill(ref.holderPid, 'SIGKILL'); // the crash took it too
      const removed = await cleanStaleNamespace(workspace);
      expect(removed).toEqual([
        expect.stringMatching(`network namespace ${ref.name} of an earlier run`),
      ]);
      expect(removed[0]).toContain(`${leftover.pid} sleep`);
      expect(namespaceExists(ref)).toBe(false);
      expect(await readRecord(workspace)).toBeUndefined();
      expect(await cleanStaleNamespace(workspace)).toEqual([]); // nothing left the second time
    } finally {
      await destroyNamespace(ref);
      await rm(workspace, { recursive: true, force: true });
    }
  });
});

describe('the host guard', () => {
  it('refuses nft and conntrack -D in the host namespace', (ctx) => {
    requireNamespaces(ctx);
    // The test runner itself runs in the host's namespace (a CI container's own counts as host).
    expect(inNamespace()).toBe(false);
    expect(() => assertLabNamespace('nft -f')).toThrow(HostNamespaceError);
  });
});
