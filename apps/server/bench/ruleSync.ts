// bench:dataplane's rule sync: how long kube-proxy's nftables table takes to follow the cluster.
// 200 Services x 3 endpoints (the lab's quota of Services) added at once to a running proxier,
// then written whole by a fresh proxier (as at a restart: one `nft -f` of the entire table),
// then endpoint changes one at a time, each waited for: from the change to the rules in force.
// Runs after the kernel target is gone (one kube-proxy table per namespace). Addresses (inside
// the bench's namespace, never reached by traffic): Services from 127.70.0.0/16, pods
// 127.69.<node>.<n>, nodes from 127.68.0.2.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EndpointSlice, KubeObject, Service } from '@l4lab/protocol';
import { Cluster, DEFAULT_ADDRESS_PLAN, SERVICE_NAME_LABEL, realClock } from '@l4lab/cluster';
import { NFTABLES_TABLE, NftablesProxier, findProgram, type ProxierLogger } from '@l4lab/dataplane';
import { until } from './kernelTarget.ts';

const SERVICES = 200;
const CHANGES = 50;
/** Between two changes: more than --min-sync-period (20 ms), so each is a sync of its own. */
const PAUSE_MS = 30;

export interface RuleSyncResult {
  /** Services and endpoints in the whole table (before the endpoint changes). */
  services: number;
  endpoints: number;
  /** Added at once to a running proxier: apply -> in force, and the syncs it took. */
  added: { ms: number; syncs: number; syncMs: number | undefined };
  /** A fresh proxier writing the whole table: start -> in force, and the table's elements. */
  whole: { ms: number; syncs: number; serviceIPs: number };
  /** Per change: apply -> in force (wall) and the proxier's own measure (watch event -> nft done). */
  changes: { wallMs: number[]; syncMs: number[] };
  syncStats: ReturnType<NftablesProxier['syncStats']>;
  warnings: string[];
}

export async function measureRuleSync(): Promise<RuleSyncResult> {
  const cluster = new Cluster({
    clock: realClock,
    plan: {
      ...DEFAULT_ADDRESS_PLAN,
      nodeCount: 3,
      serviceCIDR: '127.70.0.0/16',
      nodeBase: '127.68.0.2',
      podCIDR: '127.69.0.0/16',
    },
  });
  const warnings: string[] = [];
  const syncMs: (number | undefined)[] = [];
  const start = () => {
    const p = new NftablesProxier({
      cluster,
      clock: realClock,
      logger: logInto(warnings),
      onRulesApplied: (a) => syncMs.push(a.durationMs),
    });
    p.start();
    return p;
  };
  const count = SERVICES - cluster.list('Service').length;
  let proxier = start();
  try {
    await until('the first sync', 10_000, () => proxier.rulesInForce().generation > 0);
    const inForce = () =>
      proxier.rulesInForce().routing.endpointsMap.get(`default/s${count - 1}:p`)?.length === 3;
    let gen = proxier.rulesInForce().generation;
    let t = performance.now();
    apply(cluster, servicesWithSlices(count));
    await until('200 Services in force', 60_000, inForce);
    const added = {
      ms: performance.now() - t,
      syncs: proxier.rulesInForce().generation - gen,
      syncMs: syncMs.at(-1),
    };

    await proxier.shutdown(); // deletes the table
    t = performance.now();
    proxier = start();
    await until('the whole table in force', 60_000, inForce);
    const inTable = endpointCount(proxier);
    const whole = {
      ms: performance.now() - t,
      syncs: proxier.rulesInForce().generation,
      serviceIPs: await serviceIPElements(),
    };

    const changes = { wallMs: [] as number[], syncMs: [] as number[] };
    for (let i = 0; i < CHANGES; i++) {
      await new Promise((r) => setTimeout(r, PAUSE_MS));
      gen = proxier.rulesInForce().generation;
      const before = syncMs.length;
      t = performance.now();
      // One endpoint leaves Service i (as a pod going away), in its own EndpointSlice update.
      apply(cluster, [slice(i, 2)]);
      await until(
        'an endpoint change in force',
        5000,
        () => proxier.rulesInForce().generation > gen,
      );
      changes.wallMs.push(performance.now() - t);
      const measured = syncMs.slice(before).find((x) => x !== undefined);
      if (measured !== undefined) changes.syncMs.push(measured);
    }
    return {
      services: cluster.list('Service').length,
      endpoints: inTable,
      added,
      whole,
      changes,
      syncStats: proxier.syncStats(),
      warnings,
    };
  } finally {
    await proxier.shutdown();
  }
}

function endpointCount(proxier: NftablesProxier): number {
  let n = 0;
  for (const eps of proxier.rulesInForce().routing.endpointsMap.values()) n += eps.length;
  return n;
}

/** Elements of the table's `service-ips` map (one per Service port frontend in force). */
async function serviceIPElements(): Promise<number> {
  const nft = findProgram('nft') ?? 'nft';
  const { stdout } = await promisify(execFile)(
    nft,
    ['list', 'map', 'ip', NFTABLES_TABLE, 'service-ips'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return (stdout.match(/: goto /g) ?? []).length;
}

function servicesWithSlices(count: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < count; i++) out.push(service(i), slice(i, 3));
  return out;
}

function service(i: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `s${i}`, namespace: 'default' },
    spec: {
      type: 'ClusterIP',
      ports: [{ name: 'p', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

/** Service i's EndpointSlice with its first `n` of 3 pods (one per node). */
function slice(i: number, n: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `s${i}-1`, namespace: 'default', labels: { [SERVICE_NAME_LABEL]: `s${i}` } },
    addressType: 'IPv4',
    ports: [{ name: 'p', port: 8080, protocol: 'TCP' }],
    endpoints: [1, 2, 3].slice(0, n).map((node) => ({
      addresses: [`127.69.${node}.${10 + i}`],
      nodeName: `node-${node}`,
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: `s${i}-${node}`, uid: `s${i}-${node}` },
    })),
  };
}

function apply(cluster: Cluster, objects: KubeObject[]): void {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(JSON.stringify(out.errors).slice(0, 500));
}

function logInto(into: string[]): ProxierLogger {
  return {
    info() {},
    warn: (o, msg) => {
      if (into.length < 20) into.push(`${msg} ${JSON.stringify(o)}`);
    },
  };
}
