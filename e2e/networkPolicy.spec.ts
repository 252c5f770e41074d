// NetworkPolicies on the dashboard: the pods a policy isolates carry a `NetPol in` badge on the
// graph (its tooltip names the policies), connections dropped by one say why in the Connections
// log, and the Resources tab shows `kubectl get netpol`. In a namespace of its own, deleted at
// the end.
import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

const NS = 'netpol-e2e';
const YAML = `apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{name: http, containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ${NS}}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: intruder, namespace: ${NS}}
spec:
  containers: [{name: shell, image: busybox, command: [sleep, infinity]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-frontend, namespace: ${NS}}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {role: frontend}}}]
`;

test('a NetworkPolicy badges the pods it isolates, and its drops say why', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(lab.resources).not.toContainText('kubectl get netpol -A');
  try {
    const r = await page.request.post('/api/apply', {
      data: YAML,
      headers: { 'Content-Type': 'application/yaml' },
    });
    expect(r.status(), await r.text()).toBe(200);
    const netpol = lab.resources.getByLabel('kubectl get netpol');
    await expect(netpol).toContainText(/api-from-frontend\s+app=api/);
    // The api pods are isolated for ingress; the intruder, selected by no policy, is not.
    const api = lab.pods(`${NS}/api-`);
    await expect(api).toHaveCount(2);
    for (const box of await api.all()) {
      // On a card or a compact row alike.
      await expect(box.locator('.policy >> visible=true')).toHaveText('NetPol in');
      await expect(box.locator('title')).toContainText(
        'isolated for ingress by NetworkPolicy api-from-frontend',
      );
    }
    await expect(lab.pods(`${NS}/intruder`).locator('.policy >> visible=true')).toHaveCount(0);
    const t = await page.request.post('/api/traffic', {
      data: {
        target: `api.${NS}.svc.cluster.local:80`,
        from: `pod:${NS}/intruder`,
        rate: 5,
        count: 5,
      },
    });
    expect(t.status(), await t.text()).toBe(201);
    await lab.dockTab('Connections');
    await expect(page.getByTestId('connection-log')).toContainText(
      /ingress to api-\S+ denied: NetworkPolicy api-from-frontend selects it and no ingress rule allows intruder/,
    );
  } finally {
    await lab.stopAllTraffic();
    await page.request.delete(`/api/objects/namespaces/${NS}`);
  }
});
