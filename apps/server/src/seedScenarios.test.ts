// The seed scenarios through the same path as POST /api/apply (checkManifests, then Cluster.apply),
// on a FakeClock: no processes, default address plan (services 127.96.0.0/16).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkManifests } from '@l4lab/manifests';
import { Cluster, FakeClock } from '@l4lab/cluster';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
const seed = (file: string) => readFileSync(join(SCENARIOS, file), 'utf8');

function applyText(cluster: Cluster, text: string) {
  const checked = checkManifests(text);
  expect(checked.errors).toEqual([]);
  const out = cluster.apply(checked.objects.map((o) => o.object));
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('\n'));
  return out.results.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name} ${r.action}`);
}

describe('seed scenarios apply cleanly, in their order', () => {
  it.each([
    '01-clusterip.yaml',
    '02-nodeport.yaml',
    '03-externalname.yaml',
    '04-loadbalancer.yaml',
  ])('%s: created, then unchanged on a second apply', (file) => {
    const cluster = new Cluster({ clock: new FakeClock() });
    const first = applyText(cluster, seed(file));
    expect(first.every((r) => r.endsWith(' created'))).toBe(true);
    const again = applyText(cluster, seed(file));
    expect(again.every((r) => r.endsWith(' unchanged'))).toBe(true);
    expect(cluster.list('Pod').length).toBeGreaterThan(0);
  });

  it('02 keeps the nodePort 30380 it asks for', () => {
    const cluster = new Cluster({ clock: new FakeClock() });
    applyText(cluster, seed('02-nodeport.yaml'));
    const svc = cluster.store.get('Service', 'default', 'my-nginx-nodeport');
    expect(svc?.spec.ports?.[0]?.nodePort).toBe(30380);
  });

  it('03 as separate requests: client + ExternalName Service first, the namespace later', () => {
    const cluster = new Cluster({ clock: new FakeClock() });
    const docs = seed('03-externalname.yaml').split(/^---$/m);
    expect(docs).toHaveLength(5);
    expect(applyText(cluster, docs[0]!)).toEqual(['Deployment/default/client created']);
    expect(applyText(cluster, docs[1]!)).toEqual(['Service/default/client-svc created']);
    expect(applyText(cluster, docs[2]!)).toEqual(['Namespace//nginx-ns created']);
    expect(applyText(cluster, docs.slice(3).join('---'))).toEqual([
      'Deployment/nginx-ns/nginx created',
      'Service/nginx-ns/nginx-svc created',
    ]);
    const external = cluster.store.get('Service', 'default', 'client-svc');
    expect(external?.spec.clusterIP).toBeUndefined();
    expect(external?.spec.externalName).toBe('nginx-svc.nginx-ns.svc.cluster.local');
  });

  it('all four seeds together in one cluster', () => {
    const cluster = new Cluster({ clock: new FakeClock() });
    for (const f of [
      '01-clusterip.yaml',
      '02-nodeport.yaml',
      '03-externalname.yaml',
      '04-loadbalancer.yaml',
    ])
      applyText(cluster, seed(f));
    expect(
      cluster
        .list('Service')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['client-svc', 'my-nginx', 'my-nginx-lb', 'my-nginx-nodeport', 'nginx-svc']);
  });
});

describe('Cluster.apply is all-or-nothing', () => {
  // Values chosen to hit the stateful checks: taken and out-of-range nodePorts and clusterIPs,
  // missing namespaces, changed selectors, duplicates.
  const pools: Record<string, unknown[]> = {
    nodePort: [30380, 30381, 80, 32768, 30000, undefined],
    clusterIP: ['127.96.0.20', '10.0.0.1', 'None', '127.96.0.10', undefined],
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    namespace: ['default', 'nginx-ns', 'missing', undefined],
    name: ['my-nginx', 'my-nginx-nodeport', 'other'],
    image: ['nginx', 'nginx:1.27'],
  };
  const keys = Object.keys(pools);

  function setEverywhere(
    v: unknown,
    key: string,
    value: unknown,
    pick: number,
    n = { i: 0 },
  ): void {
    if (Array.isArray(v)) v.forEach((x) => setEverywhere(x, key, value, pick, n));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const [k, x] of Object.entries(o)) {
        if (k === key && n.i++ % 3 === pick % 3) {
          if (value === undefined) delete o[k];
          else o[k] = value;
        } else setEverywhere(x, key, value, pick, n);
      }
    }
  }

  it('after any rejected request the store is exactly as before', () => {
    const base = [
      seed('01-clusterip.yaml'),
      seed('02-nodeport.yaml'),
      seed('03-externalname.yaml'),
    ];
    const baseObjects = base.flatMap((t) => checkManifests(t).objects.map((o) => o.object));
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom(...keys), pick: fc.nat(), choice: fc.nat() }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (edits, order) => {
          const cluster = new Cluster({ clock: new FakeClock() });
          applyText(cluster, base[0]!);
          applyText(cluster, base[1]!);
          const objects = structuredClone(baseObjects);
          for (const e of edits) {
            const pool = pools[e.key]!;
            setEverywhere(objects, e.key, pool[e.choice % pool.length], e.pick);
          }
          const rotated = [
            ...objects.slice(order % objects.length),
            ...objects.slice(0, order % objects.length),
          ];
          const before = JSON.stringify(cluster.store.all());
          const rv = cluster.store.resourceVersion;
          const out = cluster.apply(rotated);
          if (!out.ok) {
            rejected++;
            expect(out.errors.every((x) => x.message.length > 0)).toBe(true);
            expect(cluster.store.resourceVersion).toBe(rv);
            expect(JSON.stringify(cluster.store.all())).toBe(before);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(30); // the pools make most requests invalid: the property is exercised
  });
});
