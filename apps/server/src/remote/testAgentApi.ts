// For agents.test.ts and clusterViewSync.test.ts: a fake Kubernetes API server on 127.0.0.1 that
// serves what remote mode's agent connector reads (the Secret l4lab-agent-token, kube-proxy's
// ConfigMap, and `pods/<pod>:9641/proxy/events` as an NDJSON stream the test writes to), a
// KubeClient for it, and the cluster's objects as the mirror holds them.
//
// Addresses (data only, never dialled): nodes node-1..3 at 10.0.0.11-13, pods 10.244.N.0/24 on
// node-N, the Service default/web at ClusterIP 10.96.0.20:80 -> web-a 10.244.1.10:8080 (node-1),
// web-b 10.244.2.12:8080 (node-2); the client pod client-1 at 10.244.1.50. The fake API server
// listens on 127.0.0.1 (a port of the kernel's choosing; plain HTTP, which client-node allows only
// with insecure-skip-tls-verify, as lab A's kubeconfig does).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { encodeAgentMessage, type AgentHello, type AgentMessage } from '@l4lab/agent';
import { ObjectStore } from '@l4lab/cluster';
import type { ConntrackEvent } from '@l4lab/dataplane';
import type { KubeObject } from '@l4lab/protocol';
import { KubeClient } from './kubeClient.ts';

export const AGENT_TOKEN = 'agent-token-for-tests';
export const KUBE_TOKEN = 'kube-bearer-for-tests';

export interface FakeAgentApi {
  url: string;
  client: KubeClient;
  /** Requests as received: method, path, headers. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Open event streams, by pod name (or direct path's agent name). */
  streams: Map<string, ServerResponse>;
  /** Answers for the Secret and kube-proxy's ConfigMap (status, body). */
  secret: { status: number; body: unknown };
  configMap: { status: number; body: unknown };
  /** The hello each agent (pod name) sends first. */
  hellos: Map<string, AgentHello>;
  send(agent: string, m: AgentMessage): void;
  close(): Promise<void>;
}

export function hello(node: string, over: Partial<AgentHello> = {}): AgentHello {
  return {
    type: 'hello',
    version: 1,
    node,
    agentVersion: '0.1.0',
    kubeProxyMode: 'nftables',
    conntrack: { acct: true, timeWaitSeconds: 120, closeSeconds: 10 },
    reader: 'native',
    ...over,
  };
}

export const secretOf = (token: string) => ({
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: { name: 'l4lab-agent-token', namespace: 'l4lab-system' },
  data: { token: Buffer.from(token).toString('base64') },
});

export const forbidden = (message: string) => ({
  status: 403,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Forbidden' },
});

export async function startFakeAgentApi(): Promise<FakeAgentApi> {
  const requests: FakeAgentApi['requests'] = [];
  const streams = new Map<string, ServerResponse>();
  const fake = {
    secret: { status: 200, body: secretOf(AGENT_TOKEN) as unknown },
    configMap: { status: 404, body: notFound('configmaps "kube-proxy" not found') as unknown },
    hellos: new Map<string, AgentHello>(),
  };
  const server: Server = createServer(function serve(req, res) {
    const path = req.url ?? '';
    requests.push({ path, headers: req.headers });
    const json = (a: { status: number; body: unknown }) =>
      res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(a.body));
    if (path === '/api/v1/namespaces/l4lab-system/secrets/l4lab-agent-token')
      return json(fake.secret);
    if (path === '/api/v1/namespaces/kube-system/configmaps/kube-proxy')
      return json(fake.configMap);
    const m =
      /^\/api\/v1\/namespaces\/l4lab-system\/pods\/([^/:]+):9641\/proxy\/events$/.exec(path) ??
      /^\/direct\/([^/]+)\/events$/.exec(path);
    if (!m)
      return json({
        status: 404,
        body: notFound('the server could not find the requested resource'),
      });
    const agent = decodeURIComponent(m[1]!);
    if (req.headers['x-l4lab-agent-token'] !== AGENT_TOKEN)
      return res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized\n');
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.write(encodeAgentMessage(fake.hellos.get(agent) ?? hello(agent)));
    streams.set(agent, res);
    res.on('close', () => {
      if (streams.get(agent) === res) streams.delete(agent);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'tester', token: KUBE_TOKEN }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  return Object.assign(fake, {
    url,
    client: new KubeClient(kc),
    requests,
    streams,
    send(agent: string, m: AgentMessage) {
      const s = streams.get(agent);
      if (!s) throw new Error(`no open stream of ${agent}`);
      s.write(encodeAgentMessage(m));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}

function notFound(message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'NotFound' };
}

/** A pod as the mirror holds it. */
export function pod(
  ns: string,
  name: string,
  o: { node?: string; ip?: string; phase?: string; labels?: Record<string, string> },
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-${name}`,
      ...(o.labels ? { labels: o.labels } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: { phase: o.phase ?? 'Running', ...(o.ip ? { podIP: o.ip } : {}) },
  } as unknown as KubeObject;
}

export const agentPod = (name: string, node: string, phase = 'Running') =>
  pod('l4lab-system', name, { node, phase, labels: { 'app.kubernetes.io/name': 'l4lab-agent' } });

/** Nodes node-1..3, the Service default/web with its EndpointSlice, its pods and a client. */
export function clusterStore(): ObjectStore {
  const store = new ObjectStore();
  for (const n of [1, 2, 3])
    store.mirror({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${n}`, uid: `uid-node-${n}` },
      spec: { podCIDR: `10.244.${n}.0/24` },
      status: {
        addresses: [{ type: 'InternalIP', address: `10.0.0.1${n}` }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    } as unknown as KubeObject);
  store.mirror({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web' },
    spec: {
      type: 'ClusterIP',
      selector: { app: 'web' },
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  } as KubeObject);
  store.mirror(
    webSlice([
      ['web-a', '10.244.1.10', 'node-1'],
      ['web-b', '10.244.2.12', 'node-2'],
    ]),
  );
  store.mirror(pod('default', 'web-a', { node: 'node-1', ip: '10.244.1.10' }));
  store.mirror(pod('default', 'web-b', { node: 'node-2', ip: '10.244.2.12' }));
  store.mirror(pod('default', 'client-1', { node: 'node-1', ip: '10.244.1.50' }));
  return store;
}

export function webSlice(endpoints: [pod: string, ip: string, node: string][]): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-abcde',
      namespace: 'default',
      uid: 'uid-web-abcde',
      labels: { 'kubernetes.io/service-name': 'web' },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map(([name, ip, node]) => ({
      addresses: [ip],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: node,
      targetRef: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  } as unknown as KubeObject;
}

/** client-1 -> web's ClusterIP -> `endpoint`, as a node's kernel reports its NEW. */
export function ctNew(id: number, at: number, endpoint: string, sport = 40000): ConntrackEvent {
  return {
    type: 'NEW',
    at,
    id,
    protocol: 'TCP',
    state: 'SYN_SENT',
    timeout: 120,
    orig: { src: '10.244.1.50', dst: '10.96.0.20', sport, dport: 80 },
    reply: { src: endpoint, dst: '10.244.1.50', sport: 8080, dport: sport },
    assured: false,
    unreplied: true,
    byUserspace: false,
  };
}
