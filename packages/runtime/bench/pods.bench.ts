// `npm run bench:pods`: how fast pods get Ready with each runtime on this machine, and what they
// cost. Seed 01 (Deployment my-nginx x2 + Service) -> both endpoints ready; 50 pods -> all Ready;
// RSS per pod (VmRSS of each pod's process). Prints figures; asserts nothing (not a test).
// Addresses: random test ranges (pods 127.150-199.0.0/16), like the integration tests.
import { nginxDeployment } from '@l4lab/cluster/testing';
import type { Deployment, Service } from '@l4lab/protocol';
import { isPodReady } from '@l4lab/cluster';
import {
  type RuntimeName,
  availableRuntimes,
  startTestKubelet,
  waitFor,
} from '../src/testRuntimes.ts';

function deployment(name: string, replicas: number): Deployment {
  return nginxDeployment(name, replicas, { label: 'run', graceSeconds: 1 });
}

const seedService: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'my-nginx', namespace: 'default', labels: { run: 'my-nginx' } },
  spec: {
    type: 'ClusterIP',
    selector: { run: 'my-nginx' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
  },
};

interface Row {
  runtime: RuntimeName;
  seedMs: number;
  fiftyMs: number;
  rssMiB: number | undefined;
}

async function bench(name: RuntimeName): Promise<Row> {
  const t = await startTestKubelet(name);
  try {
    const readyEndpoints = () =>
      t.cluster
        .list('EndpointSlice', 'default')
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'my-nginx')
        .flatMap((s) => s.endpoints)
        .filter((e) => e.conditions?.ready).length;
    let t0 = performance.now();
    t.cluster.apply([deployment('my-nginx', 2), seedService]);
    await waitFor('seed 01 endpoints', () => (readyEndpoints() === 2 ? true : undefined), 30_000);
    const seedMs = performance.now() - t0;

    t0 = performance.now();
    t.cluster.apply([deployment('fifty', 50)]);
    await waitFor(
      '50 ready pods',
      () => {
        const pods = t.cluster
          .list('Pod', 'default')
          .filter((p) => p.metadata.labels?.run === 'fifty');
        return pods.length === 50 && pods.every(isPodReady) ? true : undefined;
      },
      120_000,
    );
    const fiftyMs = performance.now() - t0;
    const rss = (await Promise.all(t.kubelet.handles().map((h) => h.rss?.()))).filter(
      (x): x is number => x !== undefined,
    );
    const rssMiB = rss.length ? rss.reduce((a, b) => a + b, 0) / rss.length / 2 ** 20 : undefined;
    return { runtime: name, seedMs, fiftyMs, rssMiB };
  } finally {
    await t.stop();
  }
}

const rows: Row[] = [];
for (const name of await availableRuntimes()) rows.push(await bench(name));
console.log('runtime   seed 01: 2 endpoints ready   50 pods: all Ready   RSS per pod');
for (const r of rows) {
  const rss = r.rssMiB === undefined ? 'n/a (in-process)' : `${r.rssMiB.toFixed(1)} MiB`;
  console.log(
    `${r.runtime.padEnd(9)} ${`${r.seedMs.toFixed(0)} ms`.padEnd(27)} ${`${r.fiftyMs.toFixed(0)} ms`.padEnd(20)} ${rss}`,
  );
}
const nginx = rows.find((r) => r.runtime === 'nginx');
const docker = rows.find((r) => r.runtime === 'docker');
if (nginx && docker) {
  console.log(
    `docker / nginx: seed ${(docker.seedMs / nginx.seedMs).toFixed(1)}x, 50 pods ${(docker.fiftyMs / nginx.fiftyMs).toFixed(1)}x`,
  );
}
