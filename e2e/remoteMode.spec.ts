import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startLab, type RunningLab } from './fixtures/startLab.ts';

// Remote mode as a user sees it: lab B started with lab A's kubeconfig shows A's cluster (there
// is no real cluster here: A stands in for one, through its Kubernetes API). The header names
// the cluster; the graph shows what is applied through B (the editor's Apply call), which lands in A; the traffic
// panel says why there is no generator instead of offering one.

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
`;

test('a remote cluster: named in the header, applied to through B, no traffic generator', async ({
  page,
}) => {
  await page.goto(`${b!.url}/?tour=0`);
  await expect(page.getByTestId('link-state')).toContainText('online');
  await expect(page.getByRole('banner')).toContainText('cluster: l4lab');
  await expect(page.getByTestId('traffic-control')).toContainText(
    'No traffic generator against a remote cluster',
  );
  await expect(page.getByRole('button', { name: 'Start traffic' })).toHaveCount(0);

  // Applied through B (a server-side apply to A's API server): A has it, B's graph shows it.
  await b!.post('/api/apply', WORKLOAD, 'application/yaml');
  const inA = await fetch(`${a!.url}/api/v1/namespaces/default/services/remote-web`);
  expect(inA.status).toBe(200);
  const graph = page.getByTestId('graph');
  await expect(graph).toContainText('remote-web');
  await expect(graph).toContainText(/remote-web-[a-z0-9]+-[a-z0-9]+/);
});
