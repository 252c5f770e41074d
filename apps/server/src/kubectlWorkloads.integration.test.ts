// The real kubectl against a lab, for what users write beside Deployments: a standalone
// ReplicaSet (apply, get, get -o wide, scale), Endpoints for a Service without selector, a
// Namespace's name label, a pod's QoS class, a Deployment's rollout history, a DaemonSet's pods,
// rollouts, history and undo, and drain's refusal of its pods, Jobs (kubectl create job, wait,
// logs, a failing Job's back-off), StatefulSets behind a headless Service (DNS names, delete pod,
// scale, rollout, history, undo, a non-cascading delete), PodDisruptionBudgets (create pdb, drain
// waiting for one), NetworkPolicies (get, describe, explain, a refusal in Kubernetes' words, and
// kubectl exec's curl dropped by one), ConfigMaps (create configmap, a Deployment's variables and
// html volume from one, its change reaching the page, a missing one, an immutable one).
// Addresses: random test ranges (testRanges.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';
import { runKubectl } from './testKubectl.ts';

let t: TestLab;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-home-'));
  t = await startTestLab({ runtime: 'builtin' });
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const kubectl = (ctx: TestContext, input: string | undefined, ...args: string[]) =>
  runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, input, args);

const FRONTEND = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  namespace: rs-demo
  labels:
    tier: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
        - name: nginx
          image: nginx
          resources:
            requests: {cpu: 100m}
`;

const cells = (line: string) => line.trim().split(/\s{2,}/);

describe('the real kubectl and what users write beside Deployments', () => {
  it(
    'create ns labels it; apply, get, get -o wide and scale a ReplicaSet',
    { timeout: 60_000 },
    async (ctx) => {
      expect((await kubectl(ctx, undefined, 'create', 'ns', 'rs-demo')).stdout).toBe(
        'namespace/rs-demo created\n',
      );
      const label = await kubectl(ctx, undefined, 'get', 'ns', 'rs-demo', '--show-labels');
      expect(label.stdout).toMatch(/\skubernetes\.io\/metadata\.name=rs-demo\n$/);
      expect((await kubectl(ctx, FRONTEND, 'apply', '-f', '-')).stdout).toBe(
        'replicaset.apps/frontend created\n',
      );
      await waitFor('3 ready pods', async () =>
        (await t.readyPods('frontend-', 'rs-demo')).length === 3 ? true : undefined,
      );
      const get = await waitFor('READY 3', async () => {
        const r = await kubectl(ctx, undefined, 'get', 'rs', '-n', 'rs-demo');
        return / 3\s+3\s+3\s+\S+\n$/.test(r.stdout) ? r.stdout : undefined;
      });
      expect(cells(get.split('\n')[0]!)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
      const wide = await kubectl(
        ctx,
        undefined,
        'get',
        'rs',
        'frontend',
        '-n',
        'rs-demo',
        '-o',
        'wide',
      );
      const [header, row] = wide.stdout.trimEnd().split('\n');
      expect(cells(header!)).toEqual([
        'NAME',
        'DESIRED',
        'CURRENT',
        'READY',
        'AGE',
        'CONTAINERS',
        'IMAGES',
        'SELECTOR',
      ]);
      expect(cells(row!).slice(5)).toEqual(['nginx', 'nginx', 'tier=frontend']);
      // The same file again changes nothing; kubectl scale goes through the scale subresource.
      expect((await kubectl(ctx, FRONTEND, 'apply', '-f', '-')).stdout).toBe(
        'replicaset.apps/frontend unchanged\n',
      );
      expect(
        (await kubectl(ctx, undefined, 'scale', 'rs', 'frontend', '-n', 'rs-demo', '--replicas=1'))
          .stdout,
      ).toBe('replicaset.apps/frontend scaled\n');
      await waitFor('1 pod left', async () => {
        const { body } = await t.api<{ items: Pod[] }>(
          'GET',
          '/api/objects/pods?namespace=rs-demo',
        );
        return body.items.filter((p) => !p.metadata.deletionTimestamp).length === 1
          ? true
          : undefined;
      });
      const [pod] = await t.readyPods('frontend-', 'rs-demo');
      const describe = await kubectl(
        ctx,
        undefined,
        'describe',
        'pod',
        '-n',
        'rs-demo',
        pod!.metadata.name,
      );
      expect(describe.stdout).toMatch(/^QoS Class:\s+Burstable$/m);
      expect(describe.stdout).toMatch(/^Controlled By:\s+ReplicaSet\/frontend$/m);
    },
  );

  it(
    'apply Endpoints for a Service without selector; get endpoints shows them',
    { timeout: 30_000 },
    async (ctx) => {
      const file = `apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  ports:
    - port: 80
      targetPort: 9376
---
apiVersion: v1
kind: Endpoints
metadata:
  name: my-service
subsets:
  - addresses:
      - ip: 192.0.2.42
    ports:
      - port: 9376
`;
      expect((await kubectl(ctx, file, 'apply', '-f', '-')).stdout).toBe(
        'service/my-service created\nendpoints/my-service created\n',
      );
      const get = await kubectl(ctx, undefined, 'get', 'endpoints', 'my-service');
      expect(cells(get.stdout.split('\n')[1]!).slice(0, 2)).toEqual([
        'my-service',
        '192.0.2.42:9376',
      ]);
      const slices = await kubectl(
        ctx,
        undefined,
        'get',
        'endpointslices',
        '-l',
        'kubernetes.io/service-name=my-service',
        '-o',
        'jsonpath={.items[*].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}',
      );
      expect(slices.stdout).toBe('endpointslicemirroring-controller.k8s.io');
    },
  );

  it('rollout history lists a Deployment’s revisions', { timeout: 60_000 }, async (ctx) => {
    const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: nginx
          image: ${image}
`;
    await kubectl(ctx, deployment('nginx:1.14.2'), 'apply', '-f', '-');
    const updated = await kubectl(ctx, deployment('nginx:1.16.1'), 'apply', '-f', '-');
    expect(updated.stdout).toBe('deployment.apps/web configured\n');
    const history = await waitFor('revision 2', async () => {
      const r = await kubectl(ctx, undefined, 'rollout', 'history', 'deployment/web');
      return /^2\s/m.test(r.stdout) ? r.stdout : undefined;
    });
    expect(history).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
  });

  it(
    'a DaemonSet: a pod on each node, rollout status, history and undo, and drain asks for --ignore-daemonsets',
    { timeout: 90_000 },
    async (ctx) => {
      const daemonSet = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-echo
  namespace: ds-demo
spec:
  selector:
    matchLabels: {app: node-echo}
  template:
    metadata:
      labels: {app: node-echo}
    spec:
      containers:
        - name: nginx
          image: ${image}
`;
      await kubectl(ctx, undefined, 'create', 'ns', 'ds-demo');
      const ns = ['-n', 'ds-demo'];
      const created = await kubectl(ctx, daemonSet('nginx:1.27'), 'apply', '-f', '-');
      expect(created.stdout).toBe('daemonset.apps/node-echo created\n');
      const status = () =>
        kubectl(ctx, undefined, 'rollout', 'status', 'ds/node-echo', ...ns, '--timeout=60s');
      expect((await status()).stdout).toContain('daemon set "node-echo" successfully rolled out');
      const get = await kubectl(ctx, undefined, 'get', 'ds', 'node-echo', ...ns, '--no-headers');
      expect(get.stdout.trim().split(/\s+/).slice(0, 6)).toEqual([
        'node-echo',
        '3',
        '3',
        '3',
        '3',
        '3',
      ]);
      const pods = async () => {
        const r = await kubectl(ctx, undefined, 'get', 'pods', ...ns, '-o', 'json');
        return (JSON.parse(r.stdout) as { items: Pod[] }).items.filter(
          (p) => !p.metadata.deletionTimestamp,
        );
      };
      const first = await pods();
      expect(first.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
      const hash1 = first[0]!.metadata.labels!['controller-revision-hash'];

      const updated = await kubectl(ctx, daemonSet('nginx:1.28'), 'apply', '-f', '-');
      expect(updated.stdout).toBe('daemonset.apps/node-echo configured\n');
      expect((await status()).stdout).toContain('successfully rolled out');
      const second = await pods();
      expect(second.map((p) => p.spec.containers[0]!.image)).toEqual(Array(3).fill('nginx:1.28'));
      const history = await kubectl(ctx, undefined, 'rollout', 'history', 'ds/node-echo', ...ns);
      expect(history.stdout).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
      const one = await kubectl(
        ctx,
        undefined,
        ...['rollout', 'history', 'ds/node-echo', ...ns, '--revision=1'],
      );
      expect(one.stdout).toMatch(/with revision #1\nPod Template:[\s\S]*Image:\s+nginx:1\.27/);

      const skipped = await kubectl(
        ctx,
        undefined,
        ...['rollout', 'undo', 'ds/node-echo', ...ns, '--to-revision=2'],
      );
      expect(skipped.stdout).toBe(
        'daemonset.apps/node-echo skipped rollback (current template already matches revision 2)\n',
      );
      const undo = await kubectl(ctx, undefined, 'rollout', 'undo', 'ds/node-echo', ...ns);
      expect(undo.stdout).toBe('daemonset.apps/node-echo rolled back\n');
      expect((await status()).stdout).toContain('successfully rolled out');
      const third = await pods();
      expect(third.map((p) => p.spec.containers[0]!.image)).toEqual(Array(3).fill('nginx:1.27'));
      // Revision 1's template again, as revision 3, with its hash.
      expect(third.map((p) => p.metadata.labels!['controller-revision-hash'])).toEqual(
        Array(3).fill(hash1),
      );
      const revisions = await kubectl(ctx, undefined, 'get', 'controllerrevisions', ...ns);
      const rows = revisions.stdout.trimEnd().split('\n').map(cells);
      expect(rows[0]).toEqual(['NAME', 'CONTROLLER', 'REVISION', 'AGE']);
      const byRevision = rows.slice(1).sort((a, b) => Number(a[2]) - Number(b[2]));
      expect(byRevision.map((r) => [r[0], r[1], r[2]])).toEqual([
        [expect.stringMatching(/^node-echo-\w+$/), 'daemonset.apps/node-echo', '2'],
        [`node-echo-${hash1}`, 'daemonset.apps/node-echo', '3'],
      ]);

      const drain = await kubectl(ctx, undefined, 'drain', 'node-2', '--dry-run=server');
      expect(drain.stderr).toMatch(
        /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): ds-demo\/node-echo-\w{5}/,
      );
      await kubectl(ctx, undefined, 'uncordon', 'node-2');
      const deleted = await kubectl(ctx, undefined, 'delete', 'ds', 'node-echo', ...ns);
      expect(deleted.stdout).toBe('daemonset.apps "node-echo" deleted\n');
      await waitFor('the DaemonSet’s pods gone', async () =>
        (await pods()).length === 0 ? true : undefined,
      );
      const left = await kubectl(ctx, undefined, 'get', 'controllerrevisions', ...ns);
      expect(left.stderr).toBe('No resources found in ds-demo namespace.\n');
    },
  );

  it("kubectl label keeps a Job's pod's tracking finalizer; a merge patch removes it", async (ctx) => {
    await kubectl(
      ctx,
      undefined,
      'create',
      'job',
      'sleeper',
      '--image=busybox',
      '--',
      'sleep',
      '300',
    );
    const pod = await waitFor('the Job pod', async () => {
      const out = await kubectl(
        ctx,
        undefined,
        'get',
        'pods',
        '-l',
        'job-name=sleeper',
        '-o',
        'name',
      );
      return out.stdout.trim() || undefined;
    });
    const finalizers = async () =>
      (await kubectl(ctx, undefined, 'get', pod, '-o', 'jsonpath={.metadata.finalizers}')).stdout;
    await kubectl(ctx, undefined, 'label', pod, 'seen=yes');
    expect(await finalizers()).toBe('["batch.kubernetes.io/job-tracking"]');
    const patch = '{"metadata":{"finalizers":null}}';
    await kubectl(ctx, undefined, 'patch', pod, '--type=merge', '-p', patch);
    expect(await finalizers()).toBe('');
    await kubectl(ctx, undefined, 'delete', 'job', 'sleeper');
  });
  it(
    'a Job: kubectl create job runs a pod to completion that reaches a Service; wait, logs, get jobs; a failing one stops at backoffLimit',
    { timeout: 120_000 },
    async (ctx) => {
      await kubectl(ctx, undefined, 'create', 'ns', 'job-demo');
      const ns = ['-n', 'job-demo'];
      await kubectl(ctx, undefined, 'create', 'deployment', 'web', '--image=nginx', ...ns);
      await kubectl(ctx, undefined, 'expose', 'deployment', 'web', '--port=80', ...ns);
      await kubectl(
        ctx,
        undefined,
        ...['rollout', 'status', 'deployment/web', ...ns, '--timeout=60s'],
      );
      // kubectl create job sends the Job as protobuf.
      const created = await kubectl(
        ctx,
        undefined,
        ...['create', 'job', 'load', '--image=busybox', ...ns, '--'],
        ...['sh', '-c', 'for i in 1 2 3; do wget -qO- http://web >/dev/null; done; echo sent 3'],
      );
      expect(created.stdout).toBe('job.batch/load created\n');
      const wait = await kubectl(
        ctx,
        undefined,
        ...['wait', '--for=condition=complete', 'job/load', ...ns, '--timeout=60s'],
      );
      expect(wait.stdout).toBe('job.batch/load condition met\n');
      expect((await kubectl(ctx, undefined, 'logs', 'job/load', ...ns)).stdout).toBe('sent 3\n');
      const jobs = await kubectl(ctx, undefined, 'get', 'jobs', ...ns);
      const [header, row] = jobs.stdout.trimEnd().split('\n').map(cells);
      expect(header).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
      expect(row!.slice(0, 3)).toEqual(['load', 'Complete', '1/1']);
      const job = JSON.parse(
        (await kubectl(ctx, undefined, 'get', 'job', 'load', ...ns, '-o', 'json')).stdout,
      ) as { metadata: { uid: string }; spec: { selector: unknown } };
      expect(job.spec.selector).toEqual({
        matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid },
      });
      const pods = await kubectl(ctx, undefined, 'get', 'pods', '-l', 'job-name=load', ...ns);
      expect(pods.stdout).toMatch(/^load-\w{5}\s+0\/1\s+Completed\s+0\s/m);

      const failing = `apiVersion: batch/v1
kind: Job
metadata: {name: bad, namespace: job-demo}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: c, image: busybox, command: [sh, -c, 'exit 3']}
`;
      await kubectl(ctx, failing, 'apply', '-f', '-');
      const failed = await kubectl(
        ctx,
        undefined,
        ...['wait', '--for=condition=failed', 'job/bad', ...ns, '--timeout=60s'],
      );
      expect(failed.stdout).toBe('job.batch/bad condition met\n');
      const described = await kubectl(ctx, undefined, 'describe', 'job', 'bad', ...ns);
      expect(described.stdout).toMatch(
        /Pods Statuses:\s+0 Active \(0 Ready\) \/ 0 Succeeded \/ 1 Failed/,
      );
      expect(described.stdout).toMatch(
        /Warning\s+BackoffLimitExceeded\s+.*job-controller\s+Job has reached the specified backoff limit/,
      );
      const refused = await kubectl(
        ctx,
        failing
          .replace('restartPolicy: Never', 'restartPolicy: Always')
          .replace('name: bad', 'name: bad2'),
        'apply',
        '-f',
        '-',
      );
      expect(refused.stderr).toContain(
        'The Job "bad2" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      );
      const deleted = await kubectl(ctx, undefined, 'delete', 'job', 'load', ...ns);
      expect(deleted.stdout).toBe('job.batch "load" deleted\n');
    },
  );

  it(
    'a StatefulSet behind a headless Service: ordered pods with DNS names, delete pod returns, scale, rollout, history and undo',
    { timeout: 120_000 },
    async (ctx) => {
      // The StatefulSet basics tutorial's web.yaml (kubernetes.io), in its own namespace.
      const web = (image: string) => `apiVersion: v1
kind: Service
metadata:
  name: nginx
  namespace: sts-demo
  labels: {app: nginx}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: sts-demo
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
        - name: nginx
          image: ${image}
          ports: [{containerPort: 80, name: web}]
          volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
    - metadata: {name: www}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
`;
      await kubectl(ctx, undefined, 'create', 'ns', 'sts-demo');
      const ns = ['-n', 'sts-demo'];
      const created = await kubectl(
        ctx,
        web('registry.k8s.io/nginx-slim:0.21'),
        'apply',
        '-f',
        '-',
      );
      expect(created.stdout).toBe('service/nginx created\nstatefulset.apps/web created\n');
      const status = () =>
        kubectl(ctx, undefined, 'rollout', 'status', 'sts/web', ...ns, '--timeout=60s');
      // kubectl says "partitioned" whenever a RollingUpdate has a partition, 0 (the default) too.
      expect((await status()).stdout).toMatch(
        /partitioned roll out complete: 2 new pods have been updated\.\.\.\n$/,
      );
      const get = await kubectl(ctx, undefined, 'get', 'sts', 'web', ...ns, '--no-headers');
      expect(get.stdout.trim().split(/\s+/).slice(0, 2)).toEqual(['web', '2/2']);
      const pods = async () => {
        const r = await kubectl(ctx, undefined, 'get', 'pods', ...ns, '-o', 'json');
        return (JSON.parse(r.stdout) as { items: Pod[] }).items
          .filter((p) => !p.metadata.deletionTimestamp)
          .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      };
      const first = await pods();
      expect(first.map((p) => [p.metadata.name, p.spec.hostname, p.spec.subdomain])).toEqual([
        ['web-0', 'web-0', 'nginx'],
        ['web-1', 'web-1', 'nginx'],
      ]);
      // Created in order: web-1 only once web-0 was Ready.
      const events = await kubectl(
        ctx,
        undefined,
        ...['get', 'events', ...ns, '--field-selector', 'involvedObject.kind=StatefulSet'],
        ...['--sort-by=.metadata.creationTimestamp', '-o', 'custom-columns=MSG:.message'],
      );
      expect(events.stdout).toMatch(
        /create Pod web-0 in StatefulSet web successful\n[\s\S]*create Pod web-1 in StatefulSet web successful/,
      );
      expect(events.stdout).toContain('l4lab provisions no PersistentVolumeClaims');
      // Each pod's DNS name through the headless Service, and its full hostname.
      const lookup = await kubectl(
        ctx,
        undefined,
        'exec',
        'web-0',
        ...ns,
        '--',
        'nslookup',
        'web-1.nginx',
      );
      expect(lookup.stdout).toContain('Name:\tweb-1.nginx.sts-demo.svc.cluster.local');
      expect(lookup.stdout).toContain(`Address: ${first[1]!.status!.podIP}`);
      const fqdn = await kubectl(ctx, undefined, 'exec', 'web-1', ...ns, '--', 'hostname', '-f');
      expect(fqdn.stdout).toBe('web-1.nginx.sts-demo.svc.cluster.local\n');

      // kubectl delete waits for the pod to be gone; the StatefulSet makes it again, same name.
      const deleted = await kubectl(ctx, undefined, 'delete', 'pod', 'web-0', ...ns);
      expect(deleted.stdout).toBe('pod "web-0" deleted\n');
      await status();
      const again = await pods();
      expect(again[0]!.metadata.name).toBe('web-0');
      expect(again[0]!.metadata.uid).not.toBe(first[0]!.metadata.uid);

      const scaled = await kubectl(ctx, undefined, 'scale', 'sts', 'web', '--replicas=3', ...ns);
      expect(scaled.stdout).toBe('statefulset.apps/web scaled\n');
      await status();
      expect((await pods()).map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);

      const updated = await kubectl(
        ctx,
        undefined,
        ...['set', 'image', 'sts/web', 'nginx=registry.k8s.io/nginx-slim:0.24', ...ns],
      );
      expect(updated.stdout).toBe('statefulset.apps/web image updated\n');
      expect((await status()).stdout).toContain('partitioned roll out complete: 3 new pods');
      expect((await pods()).map((p) => p.spec.containers[0]!.image)).toEqual(
        Array(3).fill('registry.k8s.io/nginx-slim:0.24'),
      );
      const history = await kubectl(ctx, undefined, 'rollout', 'history', 'sts/web', ...ns);
      expect(history.stdout).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
      const skipped = await kubectl(
        ctx,
        undefined,
        ...['rollout', 'undo', 'sts/web', ...ns, '--to-revision=2'],
      );
      expect(skipped.stdout).toBe(
        'statefulset.apps/web skipped rollback (current template already matches revision 2)\n',
      );
      const undo = await kubectl(ctx, undefined, 'rollout', 'undo', 'sts/web', ...ns);
      expect(undo.stdout).toBe('statefulset.apps/web rolled back\n');
      await waitFor('the old image back on every pod', async () => {
        const p = await pods();
        return p.length === 3 &&
          p.every((x) => x.spec.containers[0]!.image === 'registry.k8s.io/nginx-slim:0.21')
          ? true
          : undefined;
      });
      expect((await status()).stdout).toContain('partitioned roll out complete: 3 new pods');

      const refused = await kubectl(
        ctx,
        web('registry.k8s.io/nginx-slim:0.21').replace('serviceName: nginx', 'serviceName: other'),
        'apply',
        '-f',
        '-',
      );
      expect(refused.stderr).toContain(
        `The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`,
      );
      // The tutorial's non-cascading delete: the pods stay; applied again, the set adopts them.
      const kept = (await pods()).map((p) => p.metadata.uid);
      const orphaned = await kubectl(
        ctx,
        undefined,
        ...['delete', 'sts', 'web', '--cascade=orphan', ...ns],
      );
      expect(orphaned.stdout).toBe('statefulset.apps "web" deleted\n');
      expect((await pods()).map((p) => p.metadata.uid)).toEqual(kept);
      const again2 = await kubectl(ctx, web('registry.k8s.io/nginx-slim:0.21'), 'apply', '-f', '-');
      expect(again2.stdout).toBe('service/nginx unchanged\nstatefulset.apps/web created\n');
      // web.yaml says 2 replicas (it was scaled to 3): web-0 and web-1 adopted, web-2 let go.
      await waitFor('web-2 removed', async () => ((await pods()).length === 2 ? true : undefined));
      const adopted = await pods();
      expect(adopted.map((p) => p.metadata.uid)).toEqual(kept.slice(0, 2));
      expect(adopted.map((p) => p.metadata.ownerReferences?.[0]?.name)).toEqual(['web', 'web']);
      const gone = await kubectl(ctx, undefined, 'delete', 'sts', 'web', ...ns);
      expect(gone.stdout).toBe('statefulset.apps "web" deleted\n');
      await waitFor('the StatefulSet’s pods gone', async () =>
        (await pods()).length === 0 ? true : undefined,
      );
    },
  );

  it(
    'a PodDisruptionBudget: kubectl create pdb, get pdb, and drain waits for it (evictions refused in its words)',
    { timeout: 120_000 },
    async (ctx) => {
      await kubectl(ctx, undefined, 'create', 'ns', 'pdb-demo');
      const ns = ['-n', 'pdb-demo'];
      await kubectl(
        ctx,
        undefined,
        'create',
        'deployment',
        'web',
        '--image=nginx',
        '--replicas=3',
        ...ns,
      );
      await kubectl(ctx, undefined, 'rollout', 'status', 'deploy/web', ...ns, '--timeout=60s');
      // kubectl create pdb sends the budget as protobuf (minAvailable an IntOrString).
      const created = await kubectl(
        ctx,
        undefined,
        ...['create', 'pdb', 'web-pdb', '--selector=app=web', '--min-available=3', ...ns],
      );
      expect(created.stdout).toBe('poddisruptionbudget.policy/web-pdb created\n');
      const get = await waitFor('the budget counted', async () => {
        const r = await kubectl(ctx, undefined, 'get', 'pdb', ...ns);
        return /web-pdb\s+3\s+N\/A\s+0\s/.test(r.stdout) ? r.stdout : undefined;
      });
      expect(cells(get.split('\n')[0]!)).toEqual([
        'NAME',
        'MIN AVAILABLE',
        'MAX UNAVAILABLE',
        'ALLOWED DISRUPTIONS',
        'AGE',
      ]);
      const pods = async () => {
        const r = await kubectl(ctx, undefined, 'get', 'pods', ...ns, '-o', 'json');
        return (JSON.parse(r.stdout) as { items: Pod[] }).items.filter(
          (p) => !p.metadata.deletionTimestamp,
        );
      };
      const node = (await pods())[0]!.spec.nodeName!;
      // minAvailable 3 of 3: drain evicts nothing, retrying every 5 s until its timeout.
      const blocked = await kubectl(
        ctx,
        undefined,
        ...['drain', node, '--ignore-daemonsets', '--pod-selector=app=web', '--timeout=7s'],
      );
      expect(blocked.stderr).toContain(
        `(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
      );
      expect(blocked.code).not.toBe(0);
      expect(await pods()).toHaveLength(3);
      // minAvailable 2: one pod may go at a time; its replacement lands on another node.
      await kubectl(
        ctx,
        undefined,
        ...['patch', 'pdb', 'web-pdb', ...ns, '--type=merge', '-p', '{"spec":{"minAvailable":2}}'],
      );
      const drained = await kubectl(
        ctx,
        undefined,
        ...['drain', node, '--ignore-daemonsets', '--pod-selector=app=web', '--timeout=60s'],
      );
      expect(drained.stdout).toContain(`node/${node} drained`);
      await kubectl(ctx, undefined, 'uncordon', node);
      const after = await waitFor('3 web pods again, none on the drained node', async () => {
        const p = await pods();
        return p.length === 3 && p.every((x) => x.spec.nodeName !== node) ? p : undefined;
      });
      expect(after).toHaveLength(3);
      const deleted = await kubectl(ctx, undefined, 'delete', 'pdb', 'web-pdb', ...ns);
      expect(deleted.stdout).toBe('poddisruptionbudget.policy "web-pdb" deleted\n');
    },
  );
  it(
    'NetworkPolicies: apply, get, describe and explain them; kubectl exec curl is dropped unless a rule allows it',
    { timeout: 90_000 },
    async (ctx) => {
      await kubectl(ctx, undefined, 'create', 'ns', 'np-demo');
      const ns = ['-n', 'np-demo'];
      await kubectl(
        ctx,
        undefined,
        'create',
        'deployment',
        'web',
        '--image=nginx',
        '--port=80',
        ...ns,
      );
      await kubectl(ctx, undefined, 'expose', 'deployment', 'web', '--port=80', ...ns);
      for (const [name, labels] of [
        ['frontend', 'role=frontend'],
        ['other', 'role=other'],
      ] as const)
        await kubectl(
          ctx,
          undefined,
          ...[
            'run',
            name,
            '--image=busybox',
            `--labels=${labels}`,
            ...ns,
            '--',
            'sleep',
            'infinity',
          ],
        );
      await kubectl(ctx, undefined, 'rollout', 'status', 'deploy/web', ...ns, '--timeout=60s');
      await kubectl(
        ctx,
        undefined,
        'wait',
        '--for=condition=Ready',
        'pod/frontend',
        'pod/other',
        ...ns,
      );
      const curl = (pod: string) =>
        kubectl(ctx, undefined, 'exec', pod, ...ns, '--', 'curl', '-sS', '-m', '1', 'web');
      await waitFor('web answers through its Service', async () =>
        (await curl('other')).code === 0 ? true : undefined,
      );
      const policies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: np-demo
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-frontend
  namespace: np-demo
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
    - from:
        - podSelector:
            matchLabels:
              role: frontend
      ports:
        - port: 80
`;
      expect((await kubectl(ctx, policies, 'apply', '-f', '-')).stdout).toBe(
        'networkpolicy.networking.k8s.io/default-deny created\n' +
          'networkpolicy.networking.k8s.io/allow-frontend created\n',
      );
      const get = (await kubectl(ctx, undefined, 'get', 'netpol', ...ns)).stdout.split('\n');
      expect(get.slice(0, 3).map((l) => cells(l).slice(0, 2))).toEqual([
        ['NAME', 'POD-SELECTOR'],
        ['allow-frontend', 'app=web'],
        ['default-deny', '<none>'],
      ]);
      const describe = await kubectl(ctx, undefined, 'describe', 'netpol', 'allow-frontend', ...ns);
      expect(describe.stdout).toMatch(
        /PodSelector:\s+app=web\n\s+Allowing ingress traffic:\n\s+To Port: 80\/TCP\n\s+From:\n\s+PodSelector: role=frontend\n\s+Not affecting egress traffic\n\s+Policy Types: Ingress/,
      );
      // The pods' network drops the other pod's connection: curl waits out its 1 s (28).
      const [allowed, dropped] = [await curl('frontend'), await curl('other')];
      expect([allowed.code, allowed.stdout]).toEqual([0, expect.stringContaining('nginx')]);
      expect([dropped.code, dropped.stderr]).toEqual([
        28,
        expect.stringMatching(/^curl: \(28\) .*timed out/),
      ]);
      const bad = policies
        .split('---')[1]!
        .replace(
          '        - podSelector:',
          '        - ipBlock: {cidr: 10.0.0.0/8}\n          podSelector:',
        );
      const refused = await kubectl(ctx, bad, 'apply', '-f', '-');
      expect(refused.stderr).toContain(
        'The NetworkPolicy "allow-frontend" is invalid: spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer',
      );
      const explain = await kubectl(ctx, undefined, 'explain', 'networkpolicy.spec.policyTypes');
      expect(explain.stdout).toContain('policyTypes is a list of rule types');
      await kubectl(ctx, undefined, 'delete', 'ns', 'np-demo', '--wait=false');
    },
  );

  it(
    "ConfigMaps: create configmap; a Deployment's variables and html volume read it; its change reaches the page; a missing one is CreateContainerConfigError",
    { timeout: 90_000 },
    async (ctx) => {
      await kubectl(ctx, undefined, 'create', 'ns', 'cm-demo');
      const ns = ['-n', 'cm-demo'];
      const page = (v: string) => `--from-literal=index.html=<h1>${v}</h1>`;
      expect(
        (await kubectl(ctx, undefined, 'create', 'configmap', 'web-html', page('v1'), ...ns))
          .stdout,
      ).toBe('configmap/web-html created\n');
      await kubectl(ctx, undefined, 'create', 'cm', 'settings', '--from-literal=color=blue', ...ns);
      const web = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: cm-demo
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: nginx
          image: nginx
          env:
            - name: COLOR
              valueFrom:
                configMapKeyRef: {name: settings, key: color}
          volumeMounts:
            - {name: html, mountPath: /usr/share/nginx/html}
      volumes:
        - name: html
          configMap: {name: web-html}
`;
      await kubectl(ctx, web, 'apply', '-f', '-');
      await kubectl(ctx, undefined, 'expose', 'deployment', 'web', '--port=80', ...ns);
      await kubectl(
        ctx,
        undefined,
        'run',
        'client',
        '--image=busybox',
        ...ns,
        '--',
        'sleep',
        'infinity',
      );
      await kubectl(ctx, undefined, 'rollout', 'status', 'deploy/web', ...ns, '--timeout=60s');
      await kubectl(ctx, undefined, 'wait', '--for=condition=Ready', 'pod/client', ...ns);
      const get = (await kubectl(ctx, undefined, 'get', 'cm', ...ns)).stdout.split('\n');
      expect(get.slice(0, 3).map((l) => cells(l).slice(0, 2))).toEqual([
        ['NAME', 'DATA'],
        ['settings', '1'],
        ['web-html', '1'],
      ]);
      const curl = () =>
        kubectl(ctx, undefined, 'exec', 'client', ...ns, '--', 'wget', '-qO-', 'web');
      await waitFor('the v1 page through the Service', async () =>
        (await curl()).stdout === '<h1>v1</h1>' ? true : undefined,
      );
      const [pod] = await t.readyPods('web-', 'cm-demo');
      const inPod = (...cmd: string[]) =>
        kubectl(ctx, undefined, 'exec', pod!.metadata.name, ...ns, '--', ...cmd);
      expect((await inPod('printenv', 'COLOR')).stdout).toBe('blue\n');
      expect((await inPod('ls', '/usr/share/nginx/html')).stdout).toBe('index.html\n');
      // A new version of the page, as a tutorial writes it: the running pods serve it.
      const v2 = await kubectl(
        ctx,
        undefined,
        'create',
        'cm',
        'web-html',
        page('v2'),
        ...ns,
        '--dry-run=client',
        '-o',
        'yaml',
      );
      await kubectl(ctx, v2.stdout, 'apply', '-f', '-');
      await waitFor('the v2 page', async () =>
        (await curl()).stdout === '<h1>v2</h1>' ? true : undefined,
      );
      // A pod naming a ConfigMap that does not exist is not created.
      const missing = web
        .replace('name: web\n  namespace', 'name: broken\n  namespace')
        .replaceAll('app: web', 'app: broken')
        .replace('name: settings, key: color', 'name: nope, key: color');
      await kubectl(ctx, missing, 'apply', '-f', '-');
      const status = await waitFor('CreateContainerConfigError', async () => {
        const r = await kubectl(ctx, undefined, 'get', 'pods', '-l', 'app=broken', ...ns);
        return r.stdout.includes('CreateContainerConfigError') ? r.stdout : undefined;
      });
      expect(status).toContain('0/1');
      const events = await kubectl(ctx, undefined, 'describe', 'pods', '-l', 'app=broken', ...ns);
      expect(events.stdout).toContain('Error: configmap "nope" not found');
      const frozen =
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen, namespace: cm-demo}\nimmutable: true\ndata: {a: "1"}\n';
      await kubectl(ctx, frozen, 'apply', '-f', '-');
      const refused = await kubectl(ctx, frozen.replace('"1"', '"2"'), 'apply', '-f', '-');
      expect(refused.stderr).toContain(
        'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
      );
      await kubectl(ctx, undefined, 'delete', 'ns', 'cm-demo', '--wait=false');
    },
  );
});
