// The nft transactions: text for each kind of change, and the kernel's own check (each script
// really loaded, in order, in a throwaway `unshare -Urn` namespace). Test addresses: nodes
// 127.18.0.2-3, pods 127.244.<n>.0/24, Services 127.96.0.0/16, LB 127.200.0.0/24.
import { describe, expect, it } from 'vitest';
import { desiredFrontends } from '../frontends.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../types.ts';
import { servicePortChains } from './chainNames.ts';
import { parseTableListing } from './listing.ts';
import type { Ruleset } from './model.ts';
import { buildRuleset } from './ruleset.ts';
import {
  cleanupPlan,
  needsCleanup,
  fullPlan,
  fullScript,
  planScript,
  planScripts,
  tableState,
  updatePlan,
} from './script.ts';
import {
  THROWAWAY_NAMESPACE_MISSING,
  canUseThrowawayNamespace,
  loadInThrowawayNamespace,
  runOnlyIf,
  ThrowawayNamespace,
} from './testNamespace.ts';
import { makeService } from '../conntrack/testRules.ts';

const nodes: NodeInfo[] = [1, 2].map((i) => ({
  name: `node-${i}`,
  ip: `127.18.0.${i + 1}`,
  podCIDR: { base: ((127 << 24) | (244 << 16) | (i << 8)) >>> 0, size: 256 },
  ready: true,
}));

function svc(name: string, ip: string, over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return makeService(name, { name: `default/${name}:`, portName: 80, clusterIP: ip, ...over });
}

function ep(ip: string, node: string): EndpointInfo {
  return {
    ip,
    port: 8080,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: node,
    pod: ip,
    namespace: 'default',
  };
}

function build(list: [ServicePortInfo, EndpointInfo[]][]): Ruleset {
  const serviceMap = new Map(list.map(([s]) => [s.name, s]));
  const endpointsMap = new Map(list.map(([s, e]) => [s.name, e]));
  const frontends = desiredFrontends(serviceMap.values(), nodes).values();
  return buildRuleset({ routing: { serviceMap, endpointsMap, nodes }, frontends });
}

const web = svc('web', '127.96.0.20', { affinityTimeoutSeconds: 30 });
const api = svc('api', '127.96.0.21', {
  type: 'LoadBalancer',
  nodePort: 30081,
  loadBalancerIPs: ['127.200.0.3'],
  loadBalancerSourceRanges: [{ base: 0x7f000000, mask: 0xff000000, text: '127.0.0.0/8' }],
  externalTrafficPolicy: 'Local',
  internalTrafficPolicy: 'Local',
});
const dns = svc('dns', '127.96.0.10', {
  protocol: 'UDP',
  type: 'NodePort',
  nodePort: 30053,
  externalIPs: ['127.201.0.7'],
});
const e1 = ep('127.244.1.5', 'node-1');
const e2 = ep('127.244.2.5', 'node-2');
const e3 = ep('127.244.2.6', 'node-2');

const v1 = build([
  [web, [e1, e2]],
  [api, [e1, e2]],
  [dns, []],
]);
const v2 = build([
  [web, [e1, e2, e3]],
  [api, [e1, e2]],
  [dns, [e3]],
]);
const v3 = build([
  [{ ...web, affinityTimeoutSeconds: 60 }, [e1, e3]],
  [dns, [e3]],
]);

describe('fullScript', () => {
  it('replaces any table of that name in the same transaction', () => {
    const text = fullScript(v1);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'add table ip kube-proxy',
      'delete table ip kube-proxy',
      'table ip kube-proxy {',
    ]);
    expect(text).toContain('\tchain nat-output {\n\t\ttype nat hook output priority -100;');
  });
});

const update = (prev: Ruleset, next: Ruleset) => updatePlan(tableState(prev), next);

describe('updatePlan', () => {
  it('is nothing at all when nothing changed', () => {
    const same = build([
      [web, [e1, e2]],
      [api, [e1, e2]],
      [dns, []],
    ]);
    expect(update(v1, same).plan).toBeUndefined();
  });

  it('adds the new endpoint, puts the service chain’s new rules above the old, removes nothing', () => {
    const { plan, state } = update(v1, v2);
    const text = planScript(plan!);
    const names = servicePortChains(web);
    const [a1, a2, a3] = [e1, e2, e3].map((e) => names.affinity(e));
    expect(text).toContain(`add chain ip kube-proxy ${names.endpoint(e3)}\n`);
    expect(text).toContain(
      `add set ip kube-proxy ${a3} { type ipv4_addr; flags dynamic,timeout; timeout 30s; }\n`,
    );
    expect(text).toContain(
      `add rule ip kube-proxy ${names.endpoint(e3)} counter meta l4proto tcp dnat to 127.244.2.6:8080\n`,
    );
    // inserted last rule first, so they read in order on top of the old ones
    const inserted = text
      .split('\n')
      .filter((l) => l.startsWith(`insert rule ip kube-proxy ${names.service} `));
    expect(
      inserted.map((l) => l.slice(l.indexOf(names.service) + names.service.length + 1)),
    ).toEqual([
      expect.stringMatching(/^counter numgen random mod 3 vmap/),
      `ip saddr @${a3} counter goto ${names.endpoint(e3)}`,
      `ip saddr @${a2} counter goto ${names.endpoint(e2)}`,
      `ip saddr @${a1} counter goto ${names.endpoint(e1)}`,
    ]);
    expect(state.chains.get(names.service)!.dead).toHaveLength(3);
    expect(text).not.toMatch(/^flush chain/m);
    expect(text).not.toMatch(/^delete /m);
    // dns went from no endpoints to one: its ClusterIP moves from REJECT to its chain
    expect(text).toContain('flush map ip kube-proxy service-ips\n');
    expect(text).not.toContain('flush map ip kube-proxy firewall-ips');
  });

  it('leaves unused chains for the clean-up; remakes sets whose timeout changed, after the rules naming them', () => {
    const { plan, state } = update(v2, v3);
    const text = planScript(plan!);
    const names = servicePortChains(web);
    const apiNames = servicePortChains(api);
    expect(text).not.toContain(`chain ip kube-proxy ${names.endpoint(e2)}`);
    expect(text).not.toContain(apiNames.firewall);
    expect(state.chains.get(names.endpoint(e2))!.rules).toHaveLength(3);
    // 30 s -> 60 s: the set is made again, so the chains that name it are written again
    expect(text).toContain(`delete set ip kube-proxy ${names.affinity(e1)}\n`);
    expect(text.indexOf(`flush chain ip kube-proxy ${names.endpoint(e1)}\n`)).toBeGreaterThan(-1);
    expect(text.indexOf(`flush chain ip kube-proxy ${names.endpoint(e1)}`)).toBeLessThan(
      text.indexOf(`delete set ip kube-proxy ${names.affinity(e1)}`),
    );
    expect(text).toContain(`flush chain ip kube-proxy ${names.service}\n`);
  });

  it('the clean-up deletes replaced rules by handle, and unused chains and sets', () => {
    const s2 = update(v1, v2).state;
    const names = servicePortChains(web);
    const dead = s2.chains.get(names.service)!;
    const handles = new Map([[names.service, [40, 41, 42, 43, 7, 8, 9]]]);
    expect(needsCleanup(s2, v2)).toBe(true);
    const cleanup = cleanupPlan(s2, v2, handles);
    expect(planScript(cleanup.plan!)).toBe(
      [7, 8, 9].map((h) => `delete rule ip kube-proxy ${names.service} handle ${h}`).join('\n') +
        '\n',
    );
    expect(cleanup.state.chains.get(names.service)).toEqual({ ...dead, dead: [] });
    expect(needsCleanup(cleanup.state, v2)).toBe(false);

    const s3 = updatePlan(cleanup.state, v3).state;
    const text = planScript(cleanupPlan(s3, v3, new Map()).plan!);
    expect(text).toContain(`flush chain ip kube-proxy ${names.endpoint(e2)}\n`);
    expect(text).toContain(`delete chain ip kube-proxy ${names.endpoint(e2)}\n`);
    expect(text).toContain(`delete set ip kube-proxy ${names.affinity(e2)}\n`);
    expect(text).toContain(`delete chain ip kube-proxy ${servicePortChains(api).firewall}\n`);
    expect(cleanupPlan(tableState(v3), v3, new Map()).plan).toBeUndefined();
  });
});

describe('the scripts in the kernel', () => {
  const shape = (listing: string) =>
    [...parseTableListing(listing).values()]
      .map((b) =>
        b.text.replace(/ expires \S+/g, '').replace(/counter packets \d+ bytes \d+/g, 'counter'),
      )
      .sort();

  it('each loads, in order; after the clean-up the table is the one the full script writes', async (ctx) => {
    runOnlyIf(ctx, canUseThrowawayNamespace(), THROWAWAY_NAMESPACE_MISSING);
    const ns = await ThrowawayNamespace.open();
    try {
      await ns.load(fullScript(v1));
      let state = tableState(v1);
      for (const next of [v2, v3, v1, v2]) {
        const u = updatePlan(state, next);
        await ns.load(planScript(u.plan!));
        state = u.state;
      }
      const listed = parseTableListing(await ns.list(true));
      const handles = new Map([...listed.values()].map((b) => [b.name, b.handles]));
      const c = cleanupPlan(state, v2, handles);
      await ns.load(planScript(c.plan!));
      expect(needsCleanup(c.state, v2)).toBe(false);
      const direct = await loadInThrowawayNamespace([fullScript(v2)]);
      expect(shape(await ns.list())).toEqual(shape(direct.stdout));
      expect(shape(direct.stdout).length).toBeGreaterThan(30);
    } finally {
      ns.close();
    }
  });

  it('a table too large for one netlink message loads in several transactions', async (ctx) => {
    runOnlyIf(ctx, canUseThrowawayNamespace(), THROWAWAY_NAMESPACE_MISSING);
    const many = build(
      Array.from({ length: 120 }, (_, i): [ServicePortInfo, EndpointInfo[]] => [
        svc(`s${i}`, `127.96.1.${i}`),
        [ep(`127.244.1.${i + 20}`, 'node-1'), ep(`127.244.2.${i + 20}`, 'node-2')],
      ]),
    );
    const scripts = planScripts(fullPlan(many), 32_000);
    expect(scripts.length).toBeGreaterThan(3);
    const r = await loadInThrowawayNamespace(scripts);
    expect(r.stderr).toBe('');
    expect(shape(r.stdout).filter((b) => /^chain service-[A-Z2-7]{8}-/.test(b))).toHaveLength(120);
  });
});
