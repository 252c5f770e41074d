// `l4lab agent install|uninstall` against lab A (l4lab's own Kubernetes API, in this process),
// read back with the real kubectl: every object of agent.yaml and the token Secret exist after
// install, a second install keeps the token (--rotate-token replaces it), uninstall removes them
// all, and a context the kubeconfig lacks fails with kubectl's message. Addresses: random test
// ranges (testRanges.ts), loopback only.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { agentCommand } from './agentCommand.ts';
import { runKubectl } from './testKubectl.ts';
import { startTestLab, type TestLab } from './testLab.ts';

let t: TestLab;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-agent-command-home-'));
  t = await startTestLab({ runtime: 'builtin' });
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const kubectl = (ctx: TestContext, ...args: string[]) =>
  runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, undefined, args);

async function agent(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await agentCommand(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
    { HOME: home, KUBECONFIG: t.lab.kubeconfig },
  );
  return { code, out, err };
}

const token = async (ctx: TestContext) =>
  (
    await kubectl(
      ctx,
      ...['get', 'secret', '-n', 'l4lab-system', 'l4lab-agent-token'],
      ...['-o', 'jsonpath={.data.token}'],
    )
  ).stdout;

/** A loopback port nobody listens on: one the system gave, closed again. */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

const OBJECTS = [
  'namespace/l4lab-system',
  'serviceaccount/l4lab-agent',
  'clusterrole.rbac.authorization.k8s.io/l4lab-agent',
  'clusterrolebinding.rbac.authorization.k8s.io/l4lab-agent',
  'daemonset.apps/l4lab-agent',
];

describe('l4lab agent install|uninstall against lab A', () => {
  it('install: the namespace, the token Secret, every object server-side applied; kubectl reads them back', async (ctx) => {
    const r = await agent('install');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^cluster: http.* \(context ".+"\)$/);
    expect(r.out.filter((l) => / (serverside-applied|created)$/.test(l))).toEqual([
      'namespace/l4lab-system serverside-applied',
      'secret/l4lab-agent-token created',
      ...OBJECTS.slice(1).map((o) => `${o} serverside-applied`),
    ]);
    const next = r.out.join('\n');
    expect(next).toContain('kind load docker-image l4lab/agent:0.1.0');
    expect(next).toContain('minikube image load l4lab/agent:0.1.0');
    expect(next).toContain('watch: kubectl -n l4lab-system get pods -o wide');

    const got = await kubectl(ctx, 'get', ...OBJECTS, '-n', 'l4lab-system', '-o', 'name');
    expect(got.stderr).toBe('');
    expect(got.stdout.trim().split('\n')).toEqual(OBJECTS);
    const managers = await kubectl(
      ctx,
      ...['get', 'daemonset', '-n', 'l4lab-system', 'l4lab-agent', '--show-managed-fields'],
      ...[
        '-o',
        'jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}',
      ],
    );
    expect(managers.stdout).toBe('l4lab/Apply');
    // 32 random bytes, base64 (44 characters), stored base64 again as Secret data is.
    const value = Buffer.from(await token(ctx), 'base64').toString();
    expect(value).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(value, 'base64')).toHaveLength(32);
  });

  it('a second install keeps the token; --rotate-token replaces it', async (ctx) => {
    const before = await token(ctx);
    const again = await agent('install');
    expect(again.code).toBe(0);
    expect(again.out).toContain(
      'secret/l4lab-agent-token unchanged (it exists: its token is kept; --rotate-token replaces it)',
    );
    expect(again.out).toContain('daemonset.apps/l4lab-agent serverside-applied');
    expect(await token(ctx)).toBe(before);

    const rotated = await agent('install', '--rotate-token');
    expect(rotated.err).toEqual([]);
    expect(rotated.code).toBe(0);
    expect(rotated.out.some((l) => l.startsWith('secret/l4lab-agent-token replaced'))).toBe(true);
    const after = await token(ctx);
    expect(after).not.toBe(before);
    expect(Buffer.from(Buffer.from(after, 'base64').toString(), 'base64')).toHaveLength(32);
  });

  it("--image: the DaemonSet runs that image; a field another manager owns now is refused in the API server's words", async (ctx) => {
    const image = 'registry.example/l4lab/agent:0.1.0';
    const r = await agent('install', '--image', image);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `next: the DaemonSet runs ${image}: the nodes pull it (imagePullPolicy IfNotPresent)`,
    );
    const jsonpath = '-o=jsonpath={.spec.template.spec.containers[0].image}';
    const ds = ['daemonset', 'l4lab-agent', '-n', 'l4lab-system'];
    expect((await kubectl(ctx, 'get', ...ds, jsonpath)).stdout).toBe(image);

    const set = await kubectl(ctx, 'set', 'image', ...ds, 'agent=other.example/agent:9');
    expect(set.stderr).toBe('');
    const conflict = await agent('install', '--image', image);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toHaveLength(1);
    expect(conflict.err[0]).toMatch(
      /^Error from server \(Conflict\): error when applying daemonset\.apps\/l4lab-agent: Apply failed with 1 conflict: conflict with "kubectl-set".*\.image/,
    );
    expect((await kubectl(ctx, 'get', ...ds, jsonpath)).stdout).toBe('other.example/agent:9');
    const back = await kubectl(ctx, 'set', 'image', ...ds, 'agent=l4lab/agent:0.1.0');
    expect(back.stderr).toBe('');
  });

  it('uninstall removes every object and the Secret; a second one says they are gone, once', async (ctx) => {
    const r = await agent('uninstall');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.slice(1)).toEqual([
      'daemonset.apps "l4lab-agent" deleted',
      'clusterrolebinding.rbac.authorization.k8s.io "l4lab-agent" deleted',
      'clusterrole.rbac.authorization.k8s.io "l4lab-agent" deleted',
      'serviceaccount "l4lab-agent" deleted',
      'secret "l4lab-agent-token" deleted',
      'namespace "l4lab-system" deleted',
    ]);
    for (const o of [...OBJECTS, 'secret/l4lab-agent-token']) {
      const got = await kubectl(
        ctx,
        'get',
        o,
        '-n',
        'l4lab-system',
        '--ignore-not-found',
        '-o',
        'name',
      );
      expect(got.stdout, o).toBe('');
    }
    const twice = await agent('uninstall');
    expect(twice.code).toBe(0);
    expect(twice.out.slice(1)).toEqual(['the agent is not installed: nothing to delete']);
  });

  it("a context the kubeconfig does not have: kubectl's message, one line, exit 1, nothing applied", async (ctx) => {
    const kubeconfig = join(home, 'config');
    await copyFile(t.lab.kubeconfig, kubeconfig);
    const r = await agent('install', '--kubeconfig', kubeconfig, '--context', 'no-such-context');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(
      /^error: context "no-such-context" does not exist \(the kubeconfig has: .+; --context NAME\)$/,
    );
    const ns = await kubectl(
      ctx,
      'get',
      'namespace',
      'l4lab-system',
      '--ignore-not-found',
      '-o',
      'name',
    );
    expect(ns.stdout).toBe('');
  });

  it('a missing kubeconfig and an unreachable server: one line each, exit 1', async () => {
    const missing = await agent('install', '--kubeconfig', join(home, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([
      `error: stat ${join(home, 'nope')}: no such file or directory (--kubeconfig: pass the path of a kubeconfig, e.g. ~/.kube/config)`,
    ]);
    // The lab's kubeconfig pointed at a loopback port that was just closed.
    const port = await closedPort();
    const text = await readFile(t.lab.kubeconfig, 'utf8');
    const closed = join(home, 'closed');
    const moved = text.replace(/(server: "?http:\/\/127\.0\.0\.1):\d+/, `$1:${port}`);
    expect(moved).not.toBe(text);
    await writeFile(closed, moved);
    const refused = await agent('uninstall', '--kubeconfig', closed);
    expect(refused.code).toBe(1);
    expect(refused.err).toHaveLength(1);
    expect(refused.err[0]).toMatch(
      new RegExp(`^The connection to the server 127\\.0\\.0\\.1:${port} was refused`),
    );
  });
});
