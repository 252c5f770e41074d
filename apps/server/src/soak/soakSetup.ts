// Before and after the soak's traffic: seeds 01-04 applied the way the dashboard loads them
// (GET /api/scenarios), their Deployments waited for, and the traffic aimed at each seed's Service.
import type {
  Deployment,
  EndpointCounters,
  Node,
  Pod,
  Service,
  TrafficRequestInput,
} from '@l4lab/protocol';
import type { LabClient } from './labClient.ts';

/** The seed walkthroughs the soak runs, and the namespaces their nginx pods live in. */
export const SOAK_SEEDS = ['01-clusterip', '02-nodeport', '03-externalname', '04-loadbalancer'];
export const SOAK_NAMESPACES = ['default', 'nginx-ns'];

export async function applySeeds(lab: LabClient): Promise<void> {
  const { items } = await lab.get<{ items: { id: string; yaml: string }[] }>('/api/scenarios');
  for (const id of SOAK_SEEDS) {
    const seed = items.find((s) => s.id === id);
    if (!seed) throw new Error(`scenario ${id} is not served by GET /api/scenarios`);
    const r = await lab.call('POST', '/api/apply', seed.yaml);
    if (r.status !== 200) throw new Error(`apply ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** Every seed Deployment has as many Ready pods as it asks for (polls, up to `ms`). */
export async function waitDeploymentsReady(lab: LabClient, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ready = await deploymentsReady(lab);
    if (ready || Date.now() > deadline) return ready;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function deploymentsReady(lab: LabClient): Promise<boolean> {
  for (const ns of SOAK_NAMESPACES) {
    const { items } = await lab.get<{ items: Deployment[] }>(
      `/api/objects/deployments?namespace=${ns}`,
    );
    if (items.some((d) => (d.status?.readyReplicas ?? 0) < (d.spec.replicas ?? 1))) return false;
  }
  return true;
}

/**
 * One generator per seed: 01's ClusterIP and 03's ExternalName from the busybox client pod (through
 * cluster DNS), 02's NodePort on node-1 and 04's LoadBalancer IP from outside.
 */
export async function soakTraffic(
  lab: LabClient,
  rate: number,
  duration: number,
): Promise<TrafficRequestInput[]> {
  const pods = await lab.get<{ items: Pod[] }>('/api/objects/pods?namespace=default');
  const client = pods.items.find(
    (p) => p.metadata.labels?.app === 'busybox' && p.status?.phase === 'Running',
  );
  if (!client) throw new Error('seed 03: the busybox client pod is not running');
  const nodes = await lab.get<{ items: Node[] }>('/api/objects/nodes');
  const nodeIP = nodes.items[0]?.status.addresses.find((a) => a.type === 'InternalIP')?.address;
  const lb = await lab.get<Service>('/api/objects/services/default/my-nginx-lb');
  const lbIP = lb.status?.loadBalancer?.ingress?.[0]?.ip;
  if (!nodeIP || !lbIP) throw new Error('seed 02/04: no node IP or no LoadBalancer IP');
  const from = `pod:default/${client.metadata.name}`;
  const common = { protocol: 'http', rate, duration } as const;
  return [
    { ...common, target: 'my-nginx.default.svc.cluster.local:80', from },
    { ...common, target: `${nodeIP}:30380`, from: 'external' },
    { ...common, target: 'client-svc.default.svc.cluster.local:80', from },
    { ...common, target: `${lbIP}:80`, from: 'external' },
  ];
}

/** The data plane's counters summed over every Service port and endpoint. */
export async function dataplaneTotals(
  lab: LabClient,
): Promise<Pick<EndpointCounters, 'connections' | 'refused' | 'dropped' | 'reset'>> {
  const { items } = await lab.get<{ items: EndpointCounters[] }>('/api/stats');
  const sum = (k: 'connections' | 'refused' | 'dropped' | 'reset') =>
    items.reduce((n, row) => n + row[k], 0);
  return {
    connections: sum('connections'),
    refused: sum('refused'),
    dropped: sum('dropped'),
    reset: sum('reset'),
  };
}
