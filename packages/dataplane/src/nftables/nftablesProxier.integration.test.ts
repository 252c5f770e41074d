// The nftables dataplane against the real kernel. The work runs in nftablesScenario.ts, started
// in a network namespace of its own that goes away with it: `unshare -n` as root, else
// `unshare -Urn` (an unprivileged user namespace). Nothing touches the host's namespace: the
// proxier refuses to run there. Addresses (inside that namespace): pods 127.244.<n>.10 on
// node-n, nodes 127.18.0.2-4, Services from 127.96.0.0/16.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  THROWAWAY_NAMESPACE_MISSING,
  runOnlyIf,
  runScenario,
  scenarioNamespaceArgs,
} from './testNamespace.ts';

const SCENARIO = fileURLToPath(new URL('./nftablesScenario.ts', import.meta.url));

interface Findings {
  clusterIP: Record<string, number>;
  nodePortSources: string[];
  afterRemoval: Record<string, number>;
  rules: {
    chains: { name: string; text: string }[];
    elements: { map: string; element: string }[];
  };
  unsupportedModes: Record<string, string>;
  warnings: string[];
  noEndpoints: string;
  udp: { first: string; again: string; after: string };
  bench: {
    services: number;
    bulkMs: number;
    bulkSyncs: number;
    endpointChangeMs: { p50: number; p95: number; max: number };
    syncStats: { count: number; p50Ms: number; p95Ms: number; lastMs: number };
  };
  tableAfterShutdown: string | null;
  fullTransaction: {
    scriptBytes: number;
    single: { ms?: number; failed?: string };
    split: { ms: number; transactions: number };
  };
  health: {
    healthy: boolean;
    last: { servicePorts: number; endpoints: number; elapsedMs: number };
  };
}

describe('NftablesProxier in a network namespace of its own', () => {
  it('programs kube-proxy’s table: every Service path, endpoint changes, UDP conntrack, 200 Services', async (ctx) => {
    const args = scenarioNamespaceArgs();
    runOnlyIf(ctx, args !== undefined, `${THROWAWAY_NAMESPACE_MISSING}, conntrack and iproute2`);
    // Bounded: killed by its PID after 100 s.
    const r = await runScenario(args!, SCENARIO, 100_000);
    expect(r.code, r.err).toBe(0);
    const f = JSON.parse(r.out.trim().split('\n').at(-1)!) as Findings;

    // 60 connections over 3 endpoints: each is missed with probability (2/3)^60 < 1e-10.
    expect(Object.keys(f.clusterIP).sort()).toEqual(['web-a', 'web-b', 'web-c']);
    expect(Object.values(f.clusterIP).reduce((a, b) => a + b)).toBe(60);
    // NodePort on node-2, externalTrafficPolicy Cluster: SNAT to node-2's address.
    expect(f.nodePortSources).toEqual(['127.18.0.3']);
    // web-b left: none of 30 new connections reaches it.
    expect(Object.keys(f.afterRemoval).every((p) => p !== 'web-b')).toBe(true);
    expect(Object.values(f.afterRemoval).reduce((a, b) => a + b)).toBe(30);
    const service = f.rules.chains.find((c) =>
      /^service-[A-Z2-7]{8}-default\/web\/tcp\/p$/.test(c.name),
    );
    expect(service?.text).toMatch(/counter packets \d+ bytes \d+ numgen random mod 2 vmap/);
    expect(service?.text).not.toContain('mod 3'); // the rule it replaced waits below, unseen
    expect(f.rules.chains.filter((c) => c.name.startsWith('endpoint-'))).toHaveLength(2);
    expect(f.rules.elements.map((e) => e.map).sort()).toEqual([
      'service-ips',
      ...Array<string>(3).fill('service-nodeports'),
    ]);

    // Told to the kube-proxy pods: the syncs that changed the table, with what was in it.
    expect(f.health.healthy).toBe(true);
    expect(f.health.last).toMatchObject({ servicePorts: 1, endpoints: 2 });
    expect(f.health.last.elapsedMs).toBeGreaterThanOrEqual(0);

    expect(f.unsupportedModes).toEqual({ 'default/lc': 'ipvs:lc' });
    expect(f.warnings).toContain(
      `lc ProxyModeNotAvailable: proxy mode "ipvs:lc" is not available in the nftables dataplane: served as kube-proxy's nftables mode (random)`,
    );
    expect(f.noEndpoints).toBe('ECONNREFUSED');
    // The UDP flow stays on its endpoint, and moves at once when that endpoint leaves.
    expect(f.udp.again).toBe(f.udp.first);
    expect(f.udp.after).not.toBe(f.udp.first);

    expect(f.bench.services).toBe(200);
    expect(f.tableAfterShutdown).toBeNull();
    if (f.fullTransaction.single.failed)
      expect(f.fullTransaction.single.failed).toMatch(/Message too long/); // unprivileged only
    process.stdout.write(
      `nftables dataplane (${args!.join(' ')}): 200 Services x 3 endpoints in one transaction ${
        f.fullTransaction.single.ms ?? '(too large for an unprivileged nft)'
      } ms, split in ${f.fullTransaction.split.transactions}: ${f.fullTransaction.split.ms} ms; ` +
        `endpoint change to rules in force p50 ${f.bench.syncStats.p50Ms} ms, p95 ${f.bench.syncStats.p95Ms} ms\n`,
    );
  }, 120_000);
});
