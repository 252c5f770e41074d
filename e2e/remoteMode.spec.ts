import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startLab, type RunningLab } from './fixtures/startLab.ts';

// Remote mode as a user sees it: lab B started with lab A's kubeconfig shows A's cluster (there
// is no real cluster here: A stands in for one, through its Kubernetes API). The header names
// the cluster; the graph shows what is applied through B (the editor's Apply call), which lands in A; the traffic
// panel offers the frontends reachable from this machine (a NodePort on A's node addresses, no
// ClusterIP), and a generator started there makes dots on B's graph and client-side rows in its
// connection log (no agent runs: the endpoint is not known, and the reason says so).

let a: RunningLab | undefined;
let b: RunningLab | undefined;

test.beforeAll(async () => {
  a = await startLab(['--runtime', 'builtin']);
  b = await startLab(['--kubeconfig', join(a.workspace, 'kubeconfig')], { ranges: false });
});

test.afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: remote-web}
spec:
  replicas: 2
  selector: {matchLabels: {app: remote-web}}
  template:
    metadata: {labels: {app: remote-web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: remote-web}
spec: {selector: {app: remote-web}, ports: [{port: 80, targetPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: remote-web-np}
spec: {type: NodePort, selector: {app: remote-web}, ports: [{port: 80, targetPort: 80}]}
`;

test('a remote cluster: named in the header, applied to through B, traffic from this machine to a NodePort', async ({
  page,
}) => {
  await page.goto(`${b!.url}/?tour=0`);
  await expect(page.getByTestId('link-state')).toContainText('online');
  await expect(page.getByRole('banner')).toContainText('cluster: l4lab');
  const traffic = page.getByTestId('traffic-control');
  await expect(traffic.getByRole('button', { name: 'Start traffic' })).toBeVisible();
  await expect(traffic.getByTestId('traffic-remote-note')).toContainText(
    'No ClusterIPs: they answer only inside the cluster.',
  );

  // Applied through B (a server-side apply to A's API server): A has it, B's graph shows it.
  await b!.post('/api/apply', WORKLOAD, 'application/yaml');
  const inA = await fetch(`${a!.url}/api/v1/namespaces/default/services/remote-web`);
  expect(inA.status).toBe(200);
  const graph = page.getByTestId('graph');
  await expect(graph).toContainText('remote-web');
  await expect(graph).toContainText(/remote-web-[a-z0-9]+-[a-z0-9]+/);

  // The targets: the NodePort on each of A's node addresses; no ClusterIP (nor its DNS name).
  const target = traffic.getByRole('combobox', { name: 'Target' });
  const nodePorts = target.locator('option', { hasText: 'remote-web-np NodePort' });
  await expect(nodePorts).toHaveCount(a!.nodeIPs.length);
  await expect(target.locator('option', { hasText: 'ClusterIP' })).toHaveCount(0);
  await expect(target.locator('option', { hasText: 'svc.cluster.local' })).toHaveCount(0);
  await target.selectOption((await nodePorts.first().getAttribute('value')) ?? '');
  await expect(traffic.getByTestId('traffic-event-source')).toContainText(
    'events: client-side, as l4lab sent them',
  );
  await traffic.getByRole('spinbutton', { name: 'Rate /s' }).fill('10');
  await traffic.getByRole('button', { name: 'Start traffic' }).click();
  await expect(traffic.getByTestId('generator').first()).toContainText(/ok [1-9]/);

  // Dots: this machine appears as the graph's client; the log has the client-side reason.
  await expect(page.locator('[aria-label^="client 127."]').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Connections', exact: true }).click();
  await expect(page.getByTestId('connection-log')).toContainText(
    'which endpoint answered needs the l4lab agent',
  );
  const stop = traffic.getByRole('button', { name: 'Stop', exact: true });
  await stop.first().click();
  await expect(stop).toHaveCount(0);
});
