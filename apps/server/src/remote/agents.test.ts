// Remote mode's agent connector and join against a fake API server on 127.0.0.1 (testAgentApi.ts):
// the agent pods found in the mirror, each read through `pods/<pod>:9641/proxy/events` with the
// kubeconfig's credentials and the Secret's token, streams read again after they end, pods that
// go dropped, the header's words, and --agent-url's direct streams. Addresses: testAgentApi.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '@l4lab/cluster';
import type { ConnectionEvent } from '@l4lab/protocol';
import { createLogger } from '../logger.ts';
import { AGENT_NOT_INSTALLED, AgentEvents } from './agentEvents.ts';
import {
  AGENT_TOKEN,
  KUBE_TOKEN,
  agentPod,
  clusterStore,
  ctNew,
  forbidden,
  hello,
  startFakeAgentApi,
  type FakeAgentApi,
} from './testAgentApi.ts';

let api: FakeAgentApi;
let store: ObjectStore;
let events: ConnectionEvent[];
const running: AgentEvents[] = [];

beforeEach(async () => {
  api = await startFakeAgentApi();
  store = clusterStore();
  events = [];
});

afterEach(async () => {
  for (const a of running.splice(0)) a.stop();
  await api.close();
});

function start(direct?: { urls: string[]; tokenFile: string }): AgentEvents {
  const agents = new AgentEvents({
    client: api.client,
    store,
    ...(direct ? { direct } : {}),
    logger: createLogger('silent'),
    emit: (e) => events.push(e),
    onChange: () => {},
    retryMs: 20,
  });
  running.push(agents);
  agents.start();
  return agents;
}

async function until<T>(what: string, f: () => T | undefined | false): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the agents, through the API server (pods/proxy)', () => {
  it("reads each Running agent pod with the Secret's token and the kubeconfig's credentials, and joins its events", async () => {
    store.mirror(agentPod('l4lab-agent-aaaaa', 'node-1'));
    store.mirror(agentPod('l4lab-agent-bbbbb', 'node-2'));
    store.mirror(agentPod('l4lab-agent-ccccc', 'node-3', 'Pending'));
    const agents = start();
    await until('two streams', () => api.streams.size === 2);
    await until('both connected', () => agents.cluster().agents.every((a) => a.connected));
    expect(agents.cluster().connections).toBe('agents: 2 of 3 nodes');
    const proxied = api.requests.filter((r) => r.path.endsWith('/proxy/events'));
    expect(proxied.map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/l4lab-system/pods/l4lab-agent-aaaaa:9641/proxy/events',
      '/api/v1/namespaces/l4lab-system/pods/l4lab-agent-bbbbb:9641/proxy/events',
    ]);
    for (const r of proxied) {
      expect(r.headers.authorization).toBe(`Bearer ${KUBE_TOKEN}`);
      expect(r.headers['x-l4lab-agent-token']).toBe(AGENT_TOKEN);
    }

    api.send('l4lab-agent-aaaaa', { type: 'conntrack', event: ctNew(7, 1_000_000, '10.244.2.12') });
    const [opened] = await until('the joined event', () => events.length > 0 && events);
    expect(opened).toMatchObject({
      client: { ip: '10.244.1.50', port: 40000, pod: 'default/client-1' },
      service: { namespace: 'default', name: 'web', port: 'http' },
      endpoint: { pod: 'web-b', ip: '10.244.2.12', node: 'node-2' },
      mode: 'nftables',
      reason: 'random 2 of 2',
      outcome: 'open',
    });

    api.send('l4lab-agent-bbbbb', { type: 'lost', count: 3, cause: 'enobufs' });
    await until('the loss', () => agents.cluster().agents.some((a) => a.lost === 3));
    expect(agents.cluster().agents.find((a) => a.node === 'node-2')).toMatchObject({
      name: 'l4lab-system/l4lab-agent-bbbbb',
      connected: true,
      lost: 3,
      missed: 0,
      mode: 'nftables',
    });
  });

  it('reads a stream that ended again, drops a pod that went, and ends its open connections unseen', async () => {
    store.mirror(agentPod('l4lab-agent-aaaaa', 'node-1'));
    const agents = start();
    await until('the stream', () => api.streams.get('l4lab-agent-aaaaa'));
    api.streams.get('l4lab-agent-aaaaa')!.end();
    await until('read again', () => {
      const n = api.requests.filter((r) => r.path.endsWith('/proxy/events')).length;
      return n === 2 && api.streams.has('l4lab-agent-aaaaa');
    });
    await until('connected', () => agents.cluster().agents[0]?.connected);
    api.send('l4lab-agent-aaaaa', { type: 'conntrack', event: ctNew(8, 1_000_000, '10.244.1.10') });
    await until('the open event', () => events.length === 1);

    store.mirror(agentPod('l4lab-agent-ddddd', 'node-2'));
    store.mirrorRemove('Pod', 'l4lab-system', 'l4lab-agent-aaaaa');
    await until('the gone pod stream closed', () => !api.streams.has('l4lab-agent-aaaaa'));
    await until('the new pod read', () => api.streams.has('l4lab-agent-ddddd'));
    await until('node-1 open connection ended', () => events.length === 2);
    expect(events[1]).toMatchObject({ outcome: 'ok' });
    expect(events[1]!.reason).toContain('end not seen (conntrack events lost)');
    expect(agents.cluster().agents.map((a) => a.name)).toEqual(['l4lab-system/l4lab-agent-ddddd']);
  });

  it('says when the agent is not installed, and when its token cannot be read', async () => {
    const none = start();
    expect(none.cluster()).toEqual({ connections: AGENT_NOT_INSTALLED, agents: [] });
    none.stop();

    api.secret = forbidden(
      'secrets "l4lab-agent-token" is forbidden: User "dev" cannot get resource "secrets" in API group "" in the namespace "l4lab-system"',
    );
    store.mirror(agentPod('l4lab-agent-aaaaa', 'node-1'));
    const agents = start();
    const text = await until('the refusal', () => {
      const c = agents.cluster().connections;
      return c.startsWith('agent token unreadable') && c;
    });
    expect(text).toBe(
      'agent token unreadable: secrets "l4lab-agent-token" is forbidden: User "dev" cannot get resource "secrets" in API group "" in the namespace "l4lab-system"',
    );
    expect(api.streams.size).toBe(0);
  });

  it("words IPVS's choice with kube-proxy's scheduler from its ConfigMap, or says rr is assumed", async () => {
    api.configMap = {
      status: 200,
      body: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: 'kube-proxy', namespace: 'kube-system' },
        data: {
          'config.conf':
            'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  scheduler: "lc"\n',
        },
      },
    };
    api.hellos.set('l4lab-agent-aaaaa', hello('node-1', { kubeProxyMode: 'ipvs' }));
    store.mirror(agentPod('l4lab-agent-aaaaa', 'node-1'));
    const agents = start();
    await until('the scheduler read', () => agents.cluster().agents[0]?.mode === 'ipvs:lc');
    api.send('l4lab-agent-aaaaa', { type: 'conntrack', event: ctNew(9, 1_000_000, '10.244.1.10') });
    const [e] = await until('the event', () => events.length > 0 && events);
    expect(e).toMatchObject({ mode: 'ipvs:lc', endpoint: { pod: 'web-a' } });
    expect(e!.reason).toMatch(/^least connections \(ipvs:lc; .*\): one of 2$/);
  });

  it('assumes rr, and says so in the reason, when the ConfigMap cannot be read', async () => {
    api.hellos.set('l4lab-agent-aaaaa', hello('node-1', { kubeProxyMode: 'ipvs' }));
    store.mirror(agentPod('l4lab-agent-aaaaa', 'node-1'));
    const agents = start();
    await until('the ConfigMap tried', () =>
      agents.cluster().agents[0]?.mode?.includes('not found'),
    );
    api.send('l4lab-agent-aaaaa', { type: 'conntrack', event: ctNew(9, 1_000_000, '10.244.1.10') });
    const [e] = await until('the event', () => events.length > 0 && events);
    expect(e!.mode).toBe('ipvs:rr');
    expect(e!.reason).toContain(
      `IPVS scheduler rr assumed (the kernel's default): configmaps "kube-proxy" not found`,
    );
  });
});

describe('the agents, directly (--agent-url)', () => {
  it("reads each URL's /events with the token file's token; the node is the hello's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l4lab-agents-'));
    try {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, `${AGENT_TOKEN}\n`);
      api.hellos.set('a', hello('node-2'));
      const agents = start({ urls: [`${api.url}/direct/a`], tokenFile });
      await until('connected', () => agents.cluster().agents[0]?.connected);
      expect(agents.cluster()).toMatchObject({
        connections: 'agents: 1 of 3 nodes (--agent-url)',
        agents: [{ name: `${api.url}/direct/a`, node: 'node-2', connected: true }],
      });
      const r = api.requests.find((q) => q.path === '/direct/a/events')!;
      expect(r.headers.authorization).toBeUndefined();
      api.send('a', { type: 'conntrack', event: ctNew(3, 1_000_000, '10.244.1.10') });
      const [e] = await until('the event', () => events.length > 0 && events);
      expect(e).toMatchObject({ endpoint: { pod: 'web-a' }, reason: 'random 1 of 2' });

      await writeFile(tokenFile, 'wrong\n');
      api.streams.get('a')!.end();
      const text = await until('the refusal', () => {
        const c = agents.cluster().connections;
        return c.includes('Unauthorized') && c;
      });
      expect(text).toBe(
        `agents: 0 of 3 nodes (--agent-url); ${api.url}/direct/a (node-2): the server responded with HTTP 401: Unauthorized`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
