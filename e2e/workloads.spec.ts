// DaemonSets, StatefulSets, Jobs and PodDisruptionBudgets on the dashboard: the Resources tab
// shows `kubectl get ds`, `get sts`, `get jobs` and `get pdb` once the lab has some (and not
// before). In a namespace of its own, deleted at the end.
import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

const NS = 'workloads-e2e';
const YAML = `apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-echo, namespace: ${NS}}
spec:
  selector: {matchLabels: {app: node-echo}}
  template:
    metadata: {labels: {app: node-echo}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: node-echo, namespace: ${NS}}
spec:
  selector: {app: node-echo}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${NS}}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${NS}}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: ${NS}}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: db}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: probe, namespace: ${NS}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: probe
          image: busybox
          command: [sh, -c, 'for i in 1 2 3 4 5 6; do wget -qO- http://node-echo >/dev/null; done']
`;

test('a DaemonSet, a StatefulSet and a Job show in the Resources tab once there are some', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(lab.resources).toContainText('kubectl get pods -o wide -A');
  await expect(lab.resources).not.toContainText('kubectl get ds -o wide -A');
  await expect(lab.resources).not.toContainText('kubectl get sts -o wide -A');
  try {
    const r = await page.request.post('/api/apply', {
      data: YAML,
      headers: { 'Content-Type': 'application/yaml' },
    });
    expect(r.status(), await r.text()).toBe(200);
    const ds = lab.resources.getByLabel('kubectl get ds -o wide');
    await expect(ds).toContainText(/node-echo\s+3\s+3\s+3\s+3\s+3/);
    const sts = lab.resources.getByLabel('kubectl get sts -o wide');
    await expect(sts).toContainText(/db\s+2\/2\s+\S+\s+nginx\s+nginx/);
    const pdb = lab.resources.getByLabel('kubectl get pdb');
    await expect(pdb).toContainText(/db\s+N\/A\s+1\s+1/);
    const jobs = lab.resources.getByLabel('kubectl get jobs');
    await expect(jobs).toContainText(/probe\s+Complete\s+1\/1/, { timeout: 30_000 });
  } finally {
    await page.request.delete(`/api/objects/namespaces/${NS}`);
  }
});
