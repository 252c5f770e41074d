// The agent's manifests against lab A (l4lab's own Kubernetes API), with the real kubectl: a
// server-side dry run stores nothing, a real apply stores every object (the DaemonSet runs a pod on
// each node: the lab's stand-in for the agent's image, which says so in the pods' events), and a
// broken copy is refused in Kubernetes' words.
// Addresses: random test ranges (testRanges.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';
import { runKubectl } from './testKubectl.ts';

const MANIFESTS = resolve(import.meta.dirname, '../../../packages/agent/manifests/agent.yaml');

let t: TestLab;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-agent-manifests-home-'));
  t = await startTestLab({ runtime: 'builtin' });
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const kubectl = (ctx: TestContext, input: string | undefined, ...args: string[]) =>
  runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, input, args);

const lines = (s: string) => s.trimEnd().split('\n');

describe("the agent's manifests against lab A", () => {
  it('kubectl apply --dry-run=server: checked, nothing stored; namespaced objects need the namespace first, as on any cluster', async (ctx) => {
    // Each object is its own request: the Namespace's dry run does not create it, so the objects
    // in it are NotFound (kubernetes/kubernetes#83562), exactly as a real API server answers.
    const first = await kubectl(ctx, undefined, 'apply', '--dry-run=server', '-f', MANIFESTS);
    expect(first.code).toBe(1);
    expect(lines(first.stdout)).toEqual([
      'namespace/l4lab-system created (server dry run)',
      'clusterrole.rbac.authorization.k8s.io/l4lab-agent created (server dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/l4lab-agent created (server dry run)',
    ]);
    const notFound = `Error from server (NotFound): error when creating "${MANIFESTS}": namespaces "l4lab-system" not found`;
    expect(lines(first.stderr)).toEqual([notFound, notFound]);
    const ns = await kubectl(ctx, undefined, 'get', 'namespace', 'l4lab-system');
    expect(ns.stderr).toContain(
      'Error from server (NotFound): namespaces "l4lab-system" not found',
    );
    const role = await kubectl(ctx, undefined, 'get', 'clusterrole', 'l4lab-agent');
    expect(role.stderr).toContain(
      'Error from server (NotFound): clusterroles.rbac.authorization.k8s.io "l4lab-agent" not found',
    );

    const created = await kubectl(ctx, undefined, 'create', 'namespace', 'l4lab-system');
    expect(created.stdout).toBe('namespace/l4lab-system created\n');
    const dry = await kubectl(ctx, undefined, 'apply', '--dry-run=server', '-f', MANIFESTS);
    expect(dry.code).toBe(0);
    expect(lines(dry.stdout)).toEqual([
      'namespace/l4lab-system configured (server dry run)',
      'serviceaccount/l4lab-agent created (server dry run)',
      'clusterrole.rbac.authorization.k8s.io/l4lab-agent created (server dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/l4lab-agent created (server dry run)',
      'daemonset.apps/l4lab-agent created (server dry run)',
    ]);
    const ssa = await kubectl(
      ctx,
      undefined,
      'apply',
      '--server-side',
      '--dry-run=server',
      '-f',
      MANIFESTS,
    );
    expect(ssa.stderr).toBe('');
    expect(lines(ssa.stdout)).toContain(
      'daemonset.apps/l4lab-agent serverside-applied (server dry run)',
    );
    const ds = await kubectl(ctx, undefined, 'get', 'ds', '-n', 'l4lab-system');
    expect(ds.stdout).toBe('');
    expect(ds.stderr).toBe('No resources found in l4lab-system namespace.\n');
    const sa = await kubectl(
      ctx,
      undefined,
      'get',
      'serviceaccount',
      '-n',
      'l4lab-system',
      'l4lab-agent',
    );
    expect(sa.stderr).toContain('serviceaccounts "l4lab-agent" not found');
  });

  it('kubectl apply: every object stored; the pods wait for the token Secret, then run on each node', async (ctx) => {
    const applied = await kubectl(ctx, undefined, 'apply', '-f', MANIFESTS);
    expect(applied.code).toBe(0);
    expect(lines(applied.stdout).slice(1)).toEqual([
      'serviceaccount/l4lab-agent created',
      'clusterrole.rbac.authorization.k8s.io/l4lab-agent created',
      'clusterrolebinding.rbac.authorization.k8s.io/l4lab-agent created',
      'daemonset.apps/l4lab-agent created',
    ]);
    // As the file says: without the Secret (`l4lab agent install` makes it), its volume cannot
    // mount and the pods wait in ContainerCreating.
    const waiting = await waitFor('a FailedMount event', async () => {
      const r = await kubectl(ctx, undefined, 'get', 'events', '-n', 'l4lab-system');
      return r.stdout.includes('FailedMount') ? r.stdout : undefined;
    });
    expect(waiting).toContain(
      'MountVolume.SetUp failed for volume "token" : secret "l4lab-agent-token" not found',
    );
    const creating = await kubectl(ctx, undefined, 'get', 'pods', '-n', 'l4lab-system');
    expect(creating.stdout).toContain('ContainerCreating');
    const made = await kubectl(
      ctx,
      undefined,
      ...['create', 'secret', 'generic', 'l4lab-agent-token', '-n', 'l4lab-system'],
      '--from-literal=token=test-token',
    );
    expect(made.stdout).toBe('secret/l4lab-agent-token created\n');
    const rollout = await kubectl(
      ctx,
      undefined,
      ...['rollout', 'status', 'daemonset/l4lab-agent', '-n', 'l4lab-system', '--timeout=60s'],
    );
    expect(rollout.stdout).toContain('daemon set "l4lab-agent" successfully rolled out');
    const ds = await kubectl(
      ctx,
      undefined,
      'get',
      'daemonset',
      '-n',
      'l4lab-system',
      'l4lab-agent',
    );
    expect(ds.stderr).toBe('');
    const [header, row] = lines(ds.stdout);
    expect(header!.split(/\s{2,}/)).toEqual([
      'NAME',
      'DESIRED',
      'CURRENT',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'NODE SELECTOR',
      'AGE',
    ]);
    expect(row!.split(/\s+/).slice(0, 7)).toEqual([
      'l4lab-agent',
      '3',
      '3',
      '3',
      '3',
      '3',
      '<none>',
    ]);
    const described = await kubectl(
      ctx,
      undefined,
      'describe',
      'daemonset',
      '-n',
      'l4lab-system',
      'l4lab-agent',
    );
    expect(described.stdout).toMatch(
      /Normal\s+SuccessfulCreate\s+.*daemonset-controller\s+Created pod: l4lab-agent-\w{5}/,
    );
    // One pod a node.
    const pods = await kubectl(
      ctx,
      undefined,
      ...['get', 'pods', '-n', 'l4lab-system', '-o', 'wide', '--no-headers'],
    );
    const rows = lines(pods.stdout).map((l) => l.split(/\s+/));
    expect(rows.map((r) => r[6]).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    for (const r of rows) expect(r[2]).toBe('Running');
    // The pods keep the token they mounted; the Secrets test below makes it again.
    await kubectl(ctx, undefined, 'delete', 'secret', 'l4lab-agent-token', '-n', 'l4lab-system');
    const binding = await kubectl(
      ctx,
      undefined,
      'get',
      'clusterrolebinding',
      'l4lab-agent',
      '-o',
      'wide',
    );
    expect(lines(binding.stdout)[1]!.split(/\s{2,}/)).toEqual(
      expect.arrayContaining([
        'l4lab-agent',
        'ClusterRole/l4lab-agent',
        'l4lab-system/l4lab-agent',
      ]),
    );
    // What `l4lab agent install` creates beside the manifests: the token Secret.
    const secret = await kubectl(
      ctx,
      undefined,
      ...['create', 'secret', 'generic', 'l4lab-agent-token', '-n', 'l4lab-system'],
      '--from-literal=token=s3cret',
    );
    expect(secret.stderr + secret.stdout).toBe('secret/l4lab-agent-token created\n');
    const secrets = await kubectl(ctx, undefined, 'get', 'secrets', '-n', 'l4lab-system');
    expect(lines(secrets.stdout)[1]!.split(/\s+/).slice(0, 3)).toEqual([
      'l4lab-agent-token',
      'Opaque',
      '1',
    ]);
    const token = await kubectl(
      ctx,
      undefined,
      ...['get', 'secret', '-n', 'l4lab-system', 'l4lab-agent-token'],
      ...['-o', 'jsonpath={.data.token}'],
    );
    expect(Buffer.from(token.stdout, 'base64').toString()).toBe('s3cret');
    const dryDelete = await kubectl(
      ctx,
      undefined,
      ...['delete', 'daemonset', '-n', 'l4lab-system', 'l4lab-agent', '--dry-run=server'],
    );
    expect(dryDelete.stdout).toBe('daemonset.apps "l4lab-agent" deleted (server dry run)\n');
    const again = await kubectl(ctx, undefined, 'apply', '-f', MANIFESTS);
    expect(lines(again.stdout)).toContain('daemonset.apps/l4lab-agent unchanged');
  });

  it("a copy whose selector does not match its template is refused with Kubernetes' message", async (ctx) => {
    const text = await readFile(MANIFESTS, 'utf8');
    const daemonSet = text.slice(text.indexOf('apiVersion: apps/v1'));
    const broken = daemonSet
      .replace('name: l4lab-agent\n  namespace', 'name: l4lab-agent-broken\n  namespace')
      .replace(
        'matchLabels:\n      app.kubernetes.io/name: l4lab-agent',
        'matchLabels:\n      app.kubernetes.io/name: l4lab-agent-v2',
      );
    expect(broken).toContain('l4lab-agent-v2');
    const r = await kubectl(ctx, broken, 'apply', '-f', '-');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The DaemonSet "l4lab-agent-broken" is invalid: spec.template.metadata.labels: Invalid value: ' +
        'map[string]string{"app.kubernetes.io/name":"l4lab-agent", "app.kubernetes.io/part-of":"l4lab"}: ' +
        '`selector` does not match template `labels`',
    );
    const dry = await kubectl(ctx, broken, 'apply', '--dry-run=server', '-f', '-');
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('`selector` does not match template `labels`');
  });
});
