// NetworkPolicies enforced by the kernel dataplane, against the real kernel. The work runs in
// policyScenario.ts, started in a network namespace of its own that goes away with it (`unshare
// -n` as root, else `unshare -Urn`); every connection stays on 127.0.0.0/8 inside it. Each probe
// says what the kernel did and what NetworkPolicyIndex.check (the userspace dataplane's decision)
// says for the same flow: they must agree.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  THROWAWAY_NAMESPACE_MISSING,
  runOnlyIf,
  runScenario,
  scenarioNamespaceArgs,
} from './testNamespace.ts';

const SCENARIO = fileURLToPath(new URL('./policyScenario.ts', import.meta.url));

interface Probe {
  got: string;
  allowed: boolean;
}

interface Findings {
  addresses: Record<'WEB' | 'CLIENT' | 'STRANGER' | 'DNS' | 'NODE_1' | 'NODE_2', string>;
  tableWithoutPolicies: string | null;
  open: Record<'clientToWeb' | 'strangerToWeb', Probe>;
  ingress: Record<
    | 'clientToWeb'
    | 'clientToWebVip'
    | 'strangerToWeb'
    | 'strangerToWebVip'
    | 'nodePortViaWebsNode'
    | 'nodePortViaNode2'
    | 'clientToDns',
    Probe
  >;
  longLivedAfterIngressPolicies: string;
  tableWithIngressPolicies: string | null;
  egress: Record<
    'clientToWebVip' | 'clientToWeb' | 'clientToDnsVip' | 'clientToDns' | 'strangerToWebVip',
    Probe
  >;
  tableWithEgressPolicy: string | null;
  egressAddedUp: Record<'clientToWebVip' | 'clientToWebOtherPort', Probe>;
  deleted: Record<'clientToWebVip' | 'strangerToWeb', Probe>;
  tableAfterDelete: string | null;
  tableBeforeShutdown: boolean;
  tableAfterShutdown: string | null;
  kubeProxyTableAfterShutdown: string | null;
  warnings: string[];
}

/** A pod chain's drop counter (an egress chain counts its drops on its way to egress-denied). */
function drops(listing: string | null, chain: string): number {
  const block = listing?.split(`\tchain ${chain} {\n`)[1]?.split('\n\t}')[0] ?? '';
  const m = /counter packets (\d+) bytes \d+ goto (?:in|e)gress-denied/.exec(block);
  return m ? Number(m[1]) : -1;
}

describe('NetworkPolicies in the kernel dataplane, in a network namespace of its own', () => {
  it('drops what no rule allows: ingress after kube-proxy’s SNAT, egress after its DNAT', async (ctx) => {
    const args = scenarioNamespaceArgs();
    runOnlyIf(ctx, args !== undefined, `${THROWAWAY_NAMESPACE_MISSING}, conntrack and iproute2`);
    // Bounded: killed by its PID after 60 s (it takes a few).
    const r = await runScenario(args!, SCENARIO, 60_000);
    expect(r.code, r.err).toBe(0);
    const f = JSON.parse(r.out.trim().split('\n').at(-1)!) as Findings;
    const { CLIENT, STRANGER, NODE_1 } = f.addresses;

    // The kernel and the reference decision agree on every probe.
    for (const phase of [f.open, f.ingress, f.egress, f.egressAddedUp, f.deleted])
      for (const [name, p] of Object.entries(phase))
        expect(p.got === 'timeout', `${name}: ${JSON.stringify(p)}`).toBe(!p.allowed);

    expect(f.tableWithoutPolicies).toBeNull();
    expect(f.open.strangerToWeb.got).toBe(`web ${STRANGER}`);

    // default-deny (every pod) + allow-frontend (web, from role=frontend on 8080).
    expect(f.ingress.clientToWeb.got).toBe(`web ${CLIENT}`);
    expect(f.ingress.clientToWebVip.got).toBe(`web ${CLIENT}`);
    expect(f.ingress.strangerToWeb.got).toBe('timeout');
    expect(f.ingress.strangerToWebVip.got).toBe('timeout');
    // A NodePort connection is masqueraded to the node it entered: web's own node is allowed in,
    // another node is not a peer.
    expect(f.ingress.nodePortViaWebsNode.got).toBe(`web ${NODE_1}`);
    expect(f.ingress.nodePortViaNode2.got).toBe('timeout');
    expect(f.ingress.clientToDns.got).toBe('timeout');
    // A connection established before the policies keeps going: only new ones are judged.
    expect(f.longLivedAfterIngressPolicies).toBe('still here');
    // The three refused SYNs (a slow machine may resend one) were web's chain's drops.
    expect(drops(f.tableWithIngressPolicies, 'ingress-default/web')).toBeGreaterThanOrEqual(3);
    expect(f.tableWithIngressPolicies).toContain('type filter hook postrouting priority 200;');
    expect(f.tableWithIngressPolicies).not.toContain('chain egress');

    // client-egress: UDP 53 anywhere, and the Services' range by address (which never matches:
    // the pods' network sees the endpoint kube-proxy chose, not the ClusterIP).
    expect(f.egress.clientToWebVip.got).toBe('timeout');
    expect(f.egress.clientToWeb.got).toBe('timeout');
    expect(f.egress.clientToDnsVip.got).toBe('dns');
    expect(f.egress.clientToDns.got).toBe('dns');
    expect(f.egress.strangerToWebVip.got).toBe(`web ${STRANGER}`);
    expect(drops(f.tableWithEgressPolicy, 'egress-default/client')).toBeGreaterThanOrEqual(2);
    expect(f.tableWithEgressPolicy).not.toContain('chain ingress');
    // client-to-web adds its rule to client-egress's.
    expect(f.egressAddedUp.clientToWebVip.got).toBe(`web ${CLIENT}`);
    expect(f.egressAddedUp.clientToWebOtherPort.got).toBe('timeout');

    // Every policy deleted: open again, and the table gone.
    expect(f.deleted.clientToWebVip.got).toBe(`web ${CLIENT}`);
    expect(f.deleted.strangerToWeb.got).toBe(`web ${STRANGER}`);
    expect(f.tableAfterDelete).toBeNull();

    // The dataplane's shutdown takes both tables away.
    expect(f.tableBeforeShutdown).toBe(true);
    expect(f.tableAfterShutdown).toBeNull();
    expect(f.kubeProxyTableAfterShutdown).toBeNull();
    expect(f.warnings).toEqual([]);
  }, 90_000);
});
