import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT, startLab, type RunningLab } from './fixtures/startLab.ts';

// Issue 19 as a user sees it, on one machine: lab A (the kernel dataplane: kube-proxy's nftables
// mode in a network namespace of its own) stands in for a cluster; the l4lab agent reads A's
// conntrack (`--netns`, as an agent on a node reads the node's); lab B is l4lab in remote mode on
// A's kubeconfig, reading that agent (`--agent-url`: the lab runs no DaemonSet pods, so there is
// no agent pod for B to reach through A's pods/proxy). A's own generator makes traffic inside A;
// B's header says the agent is connected, and B's connection log shows A's connections with the
// pods A's kernel chose and kube-proxy's reason. A runs no kube-proxy metrics server: a stand-in
// answers `/proxyMode` (`nftables`, which A's dataplane is) on 127.0.0.1.

const TOOLS = ['/usr/sbin/nft', '/usr/sbin/conntrack', '/usr/bin/nsenter'].every((p) =>
  existsSync(p),
);
const ROOT_USER = process.getuid?.() === 0;

let a: RunningLab | undefined;
let b: RunningLab | undefined;
let agent: ChildProcess | undefined;
let kubeProxy: Server | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  if (!(TOOLS && ROOT_USER) && !process.env.CI) return;
  a = await startLab(['--dataplane', 'nftables', '--runtime', 'builtin']);
  const record = JSON.parse(readFileSync(join(a.workspace, 'run', 'netns.json'), 'utf8')) as {
    name: string;
  };
  kubeProxy = createServer((req, res) =>
    req.url === '/proxyMode' ? res.end('nftables') : res.writeHead(404).end(),
  );
  await new Promise<void>((r) => kubeProxy!.listen(0, '127.0.0.1', r));
  const tokenFile = join(a.workspace, 'agent-token');
  writeFileSync(tokenFile, `e2e-${process.pid}\n`, { mode: 0o600 });
  const port = await freePort();
  agent = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', 'apps/agent/src/main.ts', '--token-file', tokenFile],
      ...['--node', 'node-1', '--netns', `/run/netns/${record.name}`],
      ...['--listen', `127.0.0.1:${port}`],
      ...['--kube-proxy-url', `http://127.0.0.1:${(kubeProxy.address() as AddressInfo).port}`],
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const agentUrl = `http://127.0.0.1:${port}`;
  await expect
    .poll(async () => (await fetch(`${agentUrl}/healthz`).catch(() => undefined))?.ok, {
      timeout: 30_000,
    })
    .toBe(true);
  b = await startLab(
    [
      ...['--kubeconfig', join(a.workspace, 'kubeconfig')],
      ...['--agent-url', agentUrl, '--agent-token-file', tokenFile],
    ],
    { ranges: false },
  );
});

test.afterAll(async () => {
  await b?.stop();
  if (agent && agent.exitCode === null) {
    const gone = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await gone;
  }
  await new Promise<void>((r) => (kubeProxy ? kubeProxy.close(() => r()) : r()));
  await a?.stop();
});

/** A port the kernel picks for a listener on 127.0.0.1, free a moment ago. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: agent-web}
spec:
  replicas: 3
  selector: {matchLabels: {app: agent-web}}
  template:
    metadata: {labels: {app: agent-web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: agent-web}
spec: {selector: {app: agent-web}, ports: [{port: 80, targetPort: 80}]}
`;

test("B shows A's connections from the agent: the pods A's kernel chose, kube-proxy's reason", async ({
  page,
}) => {
  test.skip(!b, 'needs root, nft, conntrack and nsenter (Debian: nftables, conntrack, util-linux)');
  test.setTimeout(90_000);
  await page.goto(`${b!.url}/?tour=0`);
  await expect(page.getByTestId('link-state')).toContainText('online');
  await expect(page.getByTestId('agents')).toContainText('agents: 1 of 3 nodes');

  await b!.post('/api/apply', WORKLOAD, 'application/yaml');
  await expect(page.getByTestId('graph')).toContainText('agent-web');
  await expect
    .poll(
      async () => {
        const res = await fetch(`${a!.url}/api/objects/pods`);
        const pods = ((await res.json()) as { items: { status?: { phase?: string } }[] }).items;
        return pods.filter((p) => p.status?.phase === 'Running').length;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(3);
  // Traffic inside A (A's own generator), bounded.
  await a!.post('/api/traffic', { target: 'agent-web', rate: 10, count: 20 });

  await page.getByRole('tab', { name: 'Connections' }).click();
  const log = page.getByTestId('connection-log');
  await expect(log).toContainText(/random [123] of 3/, { timeout: 30_000 });
  await expect(log).toContainText(/agent-web-[a-z0-9]+-[a-z0-9]+/);
  // The Service's box: kube-proxy's mode as the agent read it on its node.
  await expect(page.locator('[aria-label="service default/agent-web"]')).toContainText(
    'mode nftables',
  );
  // Each connection B shows is one A's own log shows, to the same pod. A and B read the same
  // conntrack events each its own way (A's pipeline, B's agent): either may log one first, so A is
  // read again until every connection B shows is there (bounded).
  const ofB = (await (await fetch(`${b!.url}/api/connections?limit=1000`)).json()) as {
    items: {
      id: string;
      client: { port: number };
      endpoint?: { pod: string };
      service: { name: string };
    }[];
  };
  const mine = ofB.items.filter((e) => e.service.name === 'agent-web' && e.endpoint);
  expect(mine.length).toBeGreaterThan(0);
  await expect
    .poll(
      async () => {
        const ofA = (await (await fetch(`${a!.url}/api/connections?limit=1000`)).json()) as {
          items: { id: string; client: { port: number }; endpoint?: { pod: string } }[];
        };
        // One connection: the same client port and conntrack entry (its id is in both events'
        // ids). The kernel may give a client port again within a second, so the port alone is not.
        const entry = (id: string) => /-c([0-9a-z]+)(?:-|$)/.exec(id)?.[1];
        return mine
          .filter((e) => {
            const inA = ofA.items.find(
              (x) => x.client.port === e.client.port && entry(x.id) === entry(e.id) && x.endpoint,
            );
            return inA?.endpoint?.pod !== e.endpoint!.pod;
          })
          .map((e) => `client port ${e.client.port}: ${e.endpoint!.pod}`);
      },
      { timeout: 10_000 },
    )
    .toEqual([]);
});
