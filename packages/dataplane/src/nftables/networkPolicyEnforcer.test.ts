// When the NetworkPolicy table is written, against a stand-in for `nft -f -` (a shell script that
// keeps each transaction it is sent, and fails while told to), on a fake clock: nothing reaches
// a kernel. Pods 127.244.<n>.0/24 on the cluster's nodes.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkPolicy, Pod } from '@l4lab/protocol';
import { Cluster, FakeClock } from '@l4lab/cluster';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NetworkPolicyEnforcer } from './networkPolicyEnforcer.ts';
import { POLICY_TABLE } from './policyTable.ts';

const SEPARATOR = '--- end of transaction ---';
const DELETE_ONLY = `add table ip ${POLICY_TABLE}\ndelete table ip ${POLICY_TABLE}\n`;

describe('NetworkPolicyEnforcer', () => {
  let dir: string;
  let nft: string;
  let log: string;
  let failFlag: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'l4lab-policy-enforcer-'));
    nft = join(dir, 'nft');
    log = join(dir, 'transactions');
    failFlag = join(dir, 'fail');
    await writeFile(
      nft,
      `#!/bin/sh
[ "$1 $2" = "-f -" ] || { echo "usage" >&2; exit 2; }
if [ -e '${failFlag}' ]; then cat >/dev/null; echo 'Error: Could not process rule: Operation not permitted' >&2; exit 1; fi
cat >> '${log}'
echo '${SEPARATOR}' >> '${log}'
`,
    );
    await chmod(nft, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    await rm(log, { force: true });
    await rm(failFlag, { force: true });
  });

  async function transactions(): Promise<string[]> {
    if (!existsSync(log)) return [];
    return (await readFile(log, 'utf8')).split(`${SEPARATOR}\n`).slice(0, -1);
  }

  function setup() {
    const clock = new FakeClock();
    const cluster = new Cluster({ clock });
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (_: object, msg: string) => warnings.push(msg) };
    const enforcer = new NetworkPolicyEnforcer({ cluster, clock, logger, nft, retryMs: 1000 });
    /** Lets the runner's timers fire, then waits for the transaction they started. */
    const settle = async (ms: number) => {
      clock.advance(ms);
      await enforcer.idle();
    };
    return { clock, cluster, enforcer, warnings, settle };
  }

  function runPod(cluster: Cluster, name: string, labels: Record<string, string>): string {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
    };
    const out = cluster.apply([pod]);
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    const stored = cluster.store.get('Pod', 'default', name)!;
    const ip = cluster.allocatePodIP('node-1');
    cluster.updatePodStatus('default', name, stored.metadata.uid, { phase: 'Running', podIP: ip });
    return ip;
  }

  const denyIngress = (name: string): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
  });

  it('replaces what a run before left, then writes only when the table would change', async () => {
    const { cluster, enforcer, settle } = setup();
    enforcer.start();
    await settle(0);
    // The first run deletes any table left behind, even with no policy.
    expect(await transactions()).toEqual([DELETE_ONLY]);
    const ip = runPod(cluster, 'web-1', { app: 'web' });
    await settle(100);
    expect(await transactions()).toHaveLength(1); // a pod, no policy: the same (no) table
    // The first change after a quiet time is written at once; those that follow within
    // minSyncPeriodMs (50) wait for it to pass and go in one transaction.
    cluster.apply([denyIngress('deny-a')]);
    await settle(0);
    expect(await transactions()).toHaveLength(2);
    cluster.apply([denyIngress('deny-b')]);
    await settle(20);
    cluster.apply([denyIngress('deny-c')]);
    await settle(20);
    expect(await transactions()).toHaveLength(2);
    await settle(10);
    const written = await transactions();
    expect(written).toHaveLength(3);
    expect(written[1]).toContain(`ip daddr vmap { ${ip} : jump ingress-default/web-1 }`);
    expect(written[1]).toContain('comment "NetworkPolicy deny-a: no ingress rule allows"');
    expect(written[2]).toContain(
      'comment "NetworkPolicies deny-a, deny-b, deny-c: no ingress rule allows"',
    );
    expect(enforcer.inForce()).toBe(written[2]);
    // A label no policy reads: the pod changed, the table would not.
    const pod = cluster.store.get('Pod', 'default', 'web-1')!;
    cluster.store.put<Pod>({
      ...pod,
      metadata: { ...pod.metadata, labels: { app: 'web', tier: 'x' } },
    });
    await settle(100);
    expect(await transactions()).toHaveLength(3);
    expect(enforcer.writes).toBe(3);
    await enforcer.stop();
  });

  it('says a failed write and writes again after retryMs, with no change in between', async () => {
    const { cluster, enforcer, warnings, settle } = setup();
    const ip = runPod(cluster, 'web-1', { app: 'web' });
    cluster.apply([denyIngress('deny')]);
    const flow = { srcIP: '127.0.0.1', dstIP: ip, port: 80, protocol: 'TCP' as const };
    await writeFile(failFlag, '');
    enforcer.start();
    await settle(0);
    expect(warnings).toEqual(['writing the NetworkPolicy table failed']);
    expect(enforcer.inForce()).toBeUndefined();
    // The events judge as the kernel does: by the table in force, which denies nothing yet.
    expect(enforcer.check(flow).allowed).toBe(true);
    await rm(failFlag);
    await settle(500);
    expect(await transactions()).toEqual([]); // not yet
    await settle(500);
    const written = await transactions();
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('chain ingress-default/web-1 {');
    expect(enforcer.inForce()).toBe(written[0]);
    expect(enforcer.check(flow).allowed).toBe(false);
    await enforcer.stop();
    expect(enforcer.check(flow).allowed).toBe(true);
  });

  it('stop deletes the table and stops watching', async () => {
    const { cluster, clock, enforcer, settle } = setup();
    runPod(cluster, 'web-1', { app: 'web' });
    cluster.apply([denyIngress('deny')]);
    enforcer.start();
    await settle(0);
    await enforcer.stop();
    const written = await transactions();
    expect(written).toHaveLength(2);
    expect(written[1]).toBe(DELETE_ONLY);
    expect(enforcer.inForce()).toBeUndefined();
    cluster.apply([denyIngress('another')]);
    clock.advance(60_000);
    await enforcer.idle();
    expect(await transactions()).toHaveLength(2);
  });

  it('stopped before it wrote anything, it writes nothing', async () => {
    const { enforcer } = setup();
    enforcer.start();
    await enforcer.stop();
    expect(await transactions()).toEqual([]);
  });
});
