// Test helpers (not exported from index.ts): object builders, a seeded random, a FakeClock-backed
// cluster and a fake kubelet. Fixed test ranges are the default address plan:
//   service CIDR 127.96.0.0/16 (kube-dns 127.96.0.10), pod CIDR 127.244.0.0/16 with node-i on
//   127.244.i.0/24, nodes node-1..3 at 127.18.0.2-4, NodePorts 30000-32767.
import type {
  DaemonSet,
  Deployment,
  EndpointSlice,
  Namespace,
  Pod,
  PodStatus,
  Service,
} from '@l4lab/protocol';
import { FakeClock } from './clock.ts';
import { Cluster } from './cluster.ts';
import { SERVICE_NAME_LABEL } from './controllers/endpointSliceController.ts';

/** A deterministic random in [0, 1): a 32-bit LCG (Numerical Recipes constants). */
export function seededRandom(seed = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function makeNamespace(name: string): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** seed 01's Deployment: `run=<name>`, 2 replicas of nginx on port 80. */
export function makeDeployment(
  ns: string | undefined,
  name: string,
  mutate?: (d: Deployment) => void,
): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(ns !== undefined ? { namespace: ns } : {}) },
    spec: {
      replicas: 2,
      selector: { matchLabels: { run: name } },
      template: {
        metadata: { labels: { run: name } },
        spec: {
          containers: [
            {
              name,
              image: 'nginx',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
            },
          ],
        },
      },
    },
  };
  mutate?.(d);
  return d;
}

/** seed 01's Service: ClusterIP, port 80 -> 80/TCP, selector `run=<name>`. */
export function makeService(
  ns: string | undefined,
  name: string,
  mutate?: (s: Service) => void,
): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { run: name }, ...(ns !== undefined ? { namespace: ns } : {}) },
    spec: {
      type: 'ClusterIP',
      selector: { run: name },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    },
  };
  mutate?.(s);
  return s;
}

/**
 * A selector-less Service in front of one backend l4lab did not start (a test server, the bench's
 * nginx), with the EndpointSlice a user would write for it. Applies both; returns the ClusterIP.
 */
export function addStaticService(
  cluster: Cluster,
  o: {
    name: string;
    namespace?: string;
    port: number;
    protocol: 'TCP' | 'UDP';
    endpoint: { ip: string; port: number; node: string; pod: string };
  },
): string {
  const namespace = o.namespace ?? 'default';
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, namespace },
    spec: {
      type: 'ClusterIP',
      ports: [{ port: o.port, targetPort: o.endpoint.port, protocol: o.protocol }],
    },
  };
  const out = cluster.apply([svc]);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${o.name}-1`, namespace, labels: { [SERVICE_NAME_LABEL]: o.name } },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [o.endpoint.ip],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: o.endpoint.node,
        targetRef: { kind: 'Pod', namespace, name: o.endpoint.pod, uid: `${o.endpoint.pod}-uid` },
      },
    ],
    ports: [{ name: '', port: o.endpoint.port, protocol: o.protocol }],
  };
  cluster.store.put(slice);
  return cluster.store.get('Service', namespace, o.name)!.spec.clusterIP!;
}

export function newTestCluster(seed = 1): { cluster: Cluster; clock: FakeClock } {
  const clock = new FakeClock();
  const cluster = new Cluster({ clock, random: seededRandom(seed) });
  return { cluster, clock };
}

export function runningStatus(pod: Pod, podIP: string, hostIP: string, ready: boolean): PodStatus {
  return {
    phase: 'Running',
    podIP,
    podIPs: [{ ip: podIP }],
    hostIP,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: '2026-01-01T00:00:00.000Z' } },
    })),
  };
}

/**
 * The fake kubelet: every scheduled, not terminating pod without an IP gets one from its node's
 * pod CIDR and is reported Running (Ready unless `ready` says otherwise). Returns the pods started.
 */
export function runKubelet(cluster: Cluster, ready: (pod: Pod) => boolean = () => true): Pod[] {
  const started: Pod[] = [];
  for (const pod of cluster.list('Pod')) {
    const node = pod.spec.nodeName;
    if (!node || pod.metadata.deletionTimestamp || pod.status?.podIP) continue;
    const podIP = cluster.allocatePodIP(node);
    const hostIP = cluster.nodeIP(node) ?? '';
    const ns = pod.metadata.namespace ?? 'default';
    cluster.updatePodStatus(
      ns,
      pod.metadata.name,
      pod.metadata.uid,
      runningStatus(pod, podIP, hostIP, ready(pod)),
    );
    started.push(cluster.store.get('Pod', ns, pod.metadata.name)!);
  }
  return started;
}

/** The kubelet's readiness probe flipping for one pod. */
export function setPodReady(cluster: Cluster, ns: string, name: string, ready: boolean): void {
  const pod = cluster.store.get('Pod', ns, name);
  if (!pod?.status?.podIP) throw new Error(`pod ${ns}/${name} has no IP yet`);
  const status = runningStatus(pod, pod.status.podIP, pod.status.hostIP ?? '', ready);
  cluster.updatePodStatus(ns, name, pod.metadata.uid, status);
}

export function slicesFor(cluster: Cluster, ns: string, service: string): EndpointSlice[] {
  return cluster
    .list('EndpointSlice', ns)
    .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === service);
}

export function podsOf(cluster: Cluster, ns: string, prefix: string): Pod[] {
  return cluster.list('Pod', ns).filter((p) => p.metadata.name.startsWith(`${prefix}-`));
}

/**
 * A Deployment of `replicas` nginx pods on containerPort 80, labelled `<label>=<name>`, for tests
 * and benchmarks that run real pods.
 */
export function nginxDeployment(
  name: string,
  replicas: number,
  opts: { label?: string; container?: string; portName?: string; graceSeconds?: number } = {},
): Deployment {
  const labels = { [opts.label ?? 'app']: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(opts.graceSeconds !== undefined
            ? { terminationGracePeriodSeconds: opts.graceSeconds }
            : {}),
          containers: [
            {
              name: opts.container ?? name,
              image: 'nginx',
              ports: [
                {
                  ...(opts.portName ? { name: opts.portName } : {}),
                  containerPort: 80,
                  protocol: 'TCP',
                },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Polls `fn` every `stepMs` until it returns a value; throws after `ms` (every wait is bounded). */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
  stepMs = 50,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A DaemonSet of one container, its selector and template labelled `app: <name>`. */
export function makeDaemonSet(ns: string, name: string): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: 'l4lab/agent:0.1.0' }] },
      },
    },
  };
}
