// The real kubectl (the one on PATH; /usr/bin/kubectl here picks the release of the server's minor)
// against a lab: the tutorial's reads, verbatim. Addresses: random test ranges (testRanges.ts).
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Pod, Service } from '@l4lab/protocol';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';
import { runKubectl, runKubectlInTerminal } from './testKubectl.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

let t: TestLab;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-home-'));
  t = await startTestLab({ runtime: 'builtin' });
  await t.apply(await readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8'));
  await waitFor('two ready pods', async () =>
    (await t.readyPods('my-nginx-')).length === 2 ? true : undefined,
  );
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** Runs kubectl with the lab's kubeconfig (and a HOME of its own, for the discovery cache). */
const kubectl = (ctx: TestContext, ...args: string[]) =>
  runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, undefined, args);

const kubectlWithInput = (ctx: TestContext, input: string | undefined, ...args: string[]) =>
  runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, input, args);

const pods = async () =>
  (await t.api<{ items: Pod[] }>('GET', '/api/objects/pods?namespace=default')).body.items;
/** A Ready my-nginx pod not being deleted (a deleted pod lingers a second, Terminating). */
const servingPod = async () => (await t.readyPods('my-nginx-'))[0];
const service = async () =>
  (await t.api<Service>('GET', '/api/objects/services/default/my-nginx')).body;

describe('the real kubectl against the lab', () => {
  it('sees a v1.32 server (so the dispatcher runs kubectl 1.32)', async (ctx) => {
    const r = await kubectl(ctx, 'version');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Server Version: v1\.32\.0\+l4lab\./m);
  });

  it("kubectl auth can-i and whoami: the lab's own kubeconfig is the instructor, who may do everything", async (ctx) => {
    for (const args of [
      ['create', 'pods'],
      ['delete', 'services', '-n', 'kube-system'],
      ['list', 'pods', '-A'],
    ]) {
      const r = await kubectl(ctx, 'auth', 'can-i', ...args);
      expect([r.stdout.trim(), r.code, r.stderr]).toEqual(['yes', 0, '']);
    }
    const list = await kubectl(ctx, 'auth', 'can-i', '--list');
    expect(list.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const whoami = await kubectl(ctx, 'auth', 'whoami');
    expect(whoami.stdout).toMatch(/^Username\s+instructor$/m);
  });

  it("kubectl get nodes -o wide: each node its kubelet's version, this machine's OS and kernel, the pods' runtime", async (ctx) => {
    const r = await kubectl(ctx, 'get', 'nodes', '-o', 'wide');
    expect(r.stderr).toBe('');
    const rows = r.stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      // NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME
      const cells = row.split(/\s{2,}/);
      expect(cells[4]).toMatch(/^v1\.32\.0\+l4lab\./);
      expect(cells[8]).toBe(release());
      expect(cells[9]).toMatch(/^(nginx|docker|builtin):\/\/\S+$/);
      expect(row).not.toContain('<unknown>');
    }
    const describe = await kubectl(ctx, 'describe', 'node', 'node-1');
    expect(describe.stdout).toMatch(/^ {2}Kubelet Version:\s+v1\.32\.0\+l4lab\./m);
    expect(describe.stdout).toMatch(/^ {2}Architecture:\s+(amd64|arm64)$/m);
    // The kubelet's heartbeat, its Lease in kube-node-lease.
    expect(describe.stdout).toMatch(
      /^Lease:\n {2}HolderIdentity: {2}node-1\n {2}AcquireTime: {5}<unset>\n {2}RenewTime: {7}\w{3}, /m,
    );
    const leases = await kubectl(ctx, 'get', 'leases', '-n', 'kube-node-lease');
    expect(leases.stdout).toMatch(/^NAME\s+HOLDER\s+AGE\nnode-1\s+node-1\s/);
  });

  it('kubectl get pods -l run=my-nginx -o wide: the columns of a cluster, each pod its IP and node', async (ctx) => {
    const r = await kubectl(ctx, 'get', 'pods', '-l', 'run=my-nginx', '-o', 'wide');
    expect(r.stderr).toBe('');
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    const expected = (await pods())
      .map((p) => [p.metadata.name, '1/1', 'Running', '0', p.status!.podIP, p.spec.nodeName])
      .sort();
    const seen = rows
      .map((row) => row.split(/\s+/))
      .map(([name, ready, status, restarts, , ip, node]) => [
        name,
        ready,
        status,
        restarts,
        ip,
        node,
      ])
      .sort();
    expect(seen).toEqual(expected);
  });

  it('kubectl get svc and endpoints, and describe svc with its endpoints', async (ctx) => {
    const svc = await service();
    const ips = (await pods()).map((p) => `${p.status!.podIP}:80`).sort();
    const get = await kubectl(ctx, 'get', 'svc', '-l', 'run=my-nginx');
    expect(get.stdout).toMatch(
      new RegExp(
        `^my-nginx\\s+ClusterIP\\s+${svc.spec.clusterIP!.replaceAll('.', '\\.')}\\s+<none>\\s+80/TCP\\s+`,
        'm',
      ),
    );
    const ep = await kubectl(ctx, 'get', 'endpoints', 'my-nginx');
    expect(ep.stdout.split('\n')[1]!.split(/\s+/)[1]!.split(',').sort()).toEqual(ips);
    const describe = await kubectl(ctx, 'describe', 'svc', 'my-nginx');
    expect(describe.code).toBe(0);
    expect(describe.stdout).toMatch(/^Selector:\s+run=my-nginx$/m);
    expect(describe.stdout).toMatch(
      new RegExp(`^IP:\\s+${svc.spec.clusterIP!.replaceAll('.', '\\.')}$`, 'm'),
    );
    expect(
      describe.stdout
        .match(/^Endpoints:\s+(\S+)$/m)![1]!
        .split(',')
        .sort(),
    ).toEqual(ips);
  });

  it('kubectl get --sort-by sorts by any field of the objects (the Table rows carry them)', async (ctx) => {
    const events = await kubectl(ctx, 'get', 'events', '--sort-by=.lastTimestamp');
    expect(events.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    expect(events.stdout).toMatch(/Scheduled\s+pod\/my-nginx-/);
    const byIP = await kubectl(
      ctx,
      'get',
      'pods',
      '-l',
      'run=my-nginx',
      '--sort-by=.status.podIP',
      '-o',
      'wide',
    );
    const ips = [...byIP.stdout.matchAll(/^my-nginx-\S+(?:\s+\S+){4}\s+(\S+)/gm)].map((m) => m[1]!);
    expect(ips).toHaveLength(2);
    const key = (ip: string) =>
      ip
        .split('.')
        .map((n) => n.padStart(3, '0'))
        .join('.');
    expect(ips.map(key)).toEqual([...ips.map(key)].sort());
  });

  it('kubectl describe pod and get events show what the scheduler, kubelet and controllers said', async (ctx) => {
    const pod = await servingPod();
    const name = pod!.metadata.name;
    const describe = await kubectl(ctx, 'describe', 'pod', name);
    const events = describe.stdout.slice(describe.stdout.indexOf('\nEvents:'));
    expect(events).toMatch(
      new RegExp(
        `Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${name} to ${pod!.spec.nodeName}`,
      ),
    );
    expect(events).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container /);
    const all = await kubectl(ctx, 'get', 'events', '--field-selector', 'reason=SuccessfulCreate');
    expect(all.stdout.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(all.stdout).toMatch(
      new RegExp(`Normal\\s+SuccessfulCreate\\s+replicaset/my-nginx-\\S+\\s+Created pod: ${name}`),
    );
  });

  it('kubectl explain service (and a field of it) from the served OpenAPI', async (ctx) => {
    const svc = await kubectl(ctx, 'explain', 'service');
    expect(svc.code).toBe(0);
    expect(svc.stdout).toMatch(
      /^KIND:\s+Service\nVERSION:\s+v1\n\nDESCRIPTION:\n\s+Service is a named abstraction/,
    );
    expect(svc.stdout).toMatch(/^ {2}spec\t<Object>$/m);
    const ports = await kubectl(ctx, 'explain', 'service.spec.ports.targetPort');
    expect(ports.stdout).toMatch(/^FIELD: targetPort <IntOrString>$/m);
    expect(ports.stdout).toMatch(/Number or name of the port to access on the pods/);
    const limits = await kubectl(ctx, 'explain', 'pod.spec.containers.resources.limits');
    expect(limits.stdout).toMatch(/^FIELD: limits <map\[string\]Quantity>$/m);
  });

  it('kubectl get pods -A lists every namespace, CoreDNS in kube-system too', async (ctx) => {
    const r = await kubectl(ctx, 'get', 'pods', '-A');
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(r.stdout).toMatch(/^kube-system\s+coredns-\S+\s+1\/1\s+Running/m);
    expect(r.stdout.match(/^default\s+my-nginx-/gm)).toHaveLength(2);
    // Paged (limit + continue), one object per request: the same list.
    const paged = await kubectl(ctx, 'get', 'pods', '-A', '--chunk-size=1');
    expect(paged.stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(
      r.stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
    );
  });

  it('kubectl apply -f: created, unchanged, then configured for an edited file; errors as a cluster words them', async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-files-'));
    try {
      const file = join(dir, 'web.yaml');
      const web = (replicas: number, port = 8080) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: ${port}\n    targetPort: 80\n`;
      await writeFile(file, web(1));
      expect((await kubectl(ctx, 'apply', '-f', file)).stdout).toBe(
        'deployment.apps/web created\nservice/web created\n',
      );
      expect((await kubectl(ctx, 'apply', '-f', file)).stdout).toBe(
        'deployment.apps/web unchanged\nservice/web unchanged\n',
      );
      await writeFile(file, web(2));
      expect((await kubectl(ctx, 'apply', '-f', file)).stdout).toBe(
        'deployment.apps/web configured\nservice/web unchanged\n',
      );
      await waitFor('two web pods', async () =>
        (await t.readyPods('web-')).length === 2 ? true : undefined,
      );
      await writeFile(file, web(2, 99999));
      const bad = await kubectl(ctx, 'apply', '-f', file);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(
        'The Service "web" is invalid: spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive',
      );
      expect((await kubectl(ctx, 'scale', 'deployment', 'web', '--replicas=3')).stdout).toBe(
        'deployment.apps/web scaled\n',
      );
      await waitFor('three web pods', async () =>
        (await t.readyPods('web-')).length === 3 ? true : undefined,
      );
      expect((await kubectl(ctx, 'delete', '-f', file)).stdout).toBe(
        'deployment.apps "web" deleted\nservice "web" deleted\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kubectl get -o yaml > file, then kubectl apply -f file: a kind: List applies item by item', async (ctx) => {
    for (const name of ['listed-a', 'listed-b'])
      expect((await kubectl(ctx, 'create', 'configmap', name, '--from-literal=k=v')).code).toBe(0);
    try {
      const list = (await kubectl(ctx, 'get', 'configmap', 'listed-a', 'listed-b', '-o', 'yaml'))
        .stdout;
      expect(list).toMatch(/^kind: List$/m);
      // kubectl validates a List's items against /openapi/v2 (protobuf): it finds no schema
      // there and leaves them to the server, as for a v3 kind.
      const applied = await kubectlWithInput(ctx, list, 'apply', '-f', '-');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toBe('configmap/listed-a configured\nconfigmap/listed-b configured\n');
    } finally {
      await kubectl(ctx, 'delete', 'configmap', 'listed-a', 'listed-b');
    }
  });

  it('kubectl get svc lists the kubernetes Service, which comes back when deleted; the API refuses a wrong type (400) and IPv6 (422)', async (ctx) => {
    const svc = await kubectl(ctx, 'get', 'svc');
    const ip = t.config.serviceCIDR.replace(/\.0\/\d+$/, '.1').replaceAll('.', '\\.');
    expect(svc.stdout).toMatch(
      new RegExp(`^kubernetes\\s+ClusterIP\\s+${ip}\\s+<none>\\s+443/TCP\\s+`, 'm'),
    );
    expect(svc.stdout).toMatch(/^my-nginx\s+ClusterIP\s+/m);
    // kubectl waits for the deleted object (by uid) to be gone: the new one must not hold it up.
    const deleted = await kubectl(ctx, 'delete', 'svc', 'kubernetes', '--timeout=10s');
    expect(deleted).toMatchObject({ code: 0, stdout: 'service "kubernetes" deleted\n' });
    expect((await kubectl(ctx, 'get', 'svc', 'kubernetes', '-o', 'name')).stdout).toBe(
      'service/kubernetes\n',
    );
    const families = await kubectl(
      ctx,
      'get',
      'svc',
      'my-nginx',
      '-o',
      'jsonpath={.spec.ipFamilyPolicy} {.spec.ipFamilies}',
    );
    expect(families.stdout).toBe('SingleStack ["IPv4"]');
    // A type change drops what only the old type used (node ports, allocate flag, policy).
    expect(
      (await kubectl(ctx, 'create', 'service', 'loadbalancer', 'lbx', '--tcp=80:80')).code,
    ).toBe(0);
    const patched = await kubectl(
      ctx,
      'patch',
      'svc',
      'lbx',
      '-p',
      '{"spec":{"type":"ClusterIP"}}',
    );
    expect(patched).toMatchObject({ code: 0, stdout: 'service/lbx patched\n' });
    expect((await kubectl(ctx, 'delete', 'svc', 'lbx')).code).toBe(0);

    const dir = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-refused-'));
    try {
      const typed = join(dir, 'typed.yaml');
      await writeFile(
        typed,
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typed\nspec:\n  affinity:\n  - nodeAffinity: {}\n  containers:\n  - name: c\n    image: nginx\n',
      );
      const bad = await kubectl(ctx, 'apply', '-f', typed);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(
        `Error from server (BadRequest): error when creating "${typed}": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field PodSpec.spec.affinity of type v1.Affinity`,
      );
      const v6 = join(dir, 'v6.yaml');
      await writeFile(
        v6,
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: v6\nspec:\n  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n',
      );
      const refused = await kubectl(ctx, 'apply', '-f', v6);
      expect(refused.stderr).toContain(
        'The Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kubectl apply --server-side: field managers, a conflict with kubectl scale until --force-conflicts, dropped fields removed', async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-ssa-'));
    try {
      const file = join(dir, 'ssa.yaml');
      const ssa = (labels: string, replicas = 1) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa-web\n  labels: {${labels}}\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: ssa-web}\n  template:\n    metadata:\n      labels: {app: ssa-web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n`;
      // Client-side first, as the tutorial does; then server-side takes over kubectl's fields.
      await writeFile(file, ssa('app: ssa-web, tier: demo'));
      expect((await kubectl(ctx, 'apply', '-f', file)).stdout).toBe(
        'deployment.apps/ssa-web created\n',
      );
      expect((await kubectl(ctx, 'apply', '--server-side', '-f', file)).stdout).toBe(
        'deployment.apps/ssa-web serverside-applied\n',
      );
      const managers = await kubectl(
        ctx,
        'get',
        'deployment',
        'ssa-web',
        '--show-managed-fields',
        '-o',
        'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}',
      );
      expect(managers.stdout.trim().split(' ')).toContain('kubectl/Apply');
      expect(managers.stdout).not.toContain('kubectl-client-side-apply');

      expect((await kubectl(ctx, 'scale', 'deployment', 'ssa-web', '--replicas=2')).code).toBe(0);
      const conflict = await kubectl(ctx, 'apply', '--server-side', '-f', file);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toContain(
        'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
      );
      expect(conflict.stderr).toContain('--force-conflicts');

      // Forced, and without the label it applied before: the label goes, replicas come back to 1.
      await writeFile(file, ssa('app: ssa-web'));
      const forced = await kubectl(ctx, 'apply', '--server-side', '--force-conflicts', '-f', file);
      expect(forced.stdout).toBe('deployment.apps/ssa-web serverside-applied\n');
      const got = await kubectl(
        ctx,
        'get',
        'deployment',
        'ssa-web',
        '-o',
        'jsonpath={.spec.replicas} {.metadata.labels}',
      );
      expect(got.stdout).toBe('1 {"app":"ssa-web"}');

      // Another manager may co-own a field with the same value, never set it to another.
      expect(
        (await kubectl(ctx, 'apply', '--server-side', '--field-manager=other', '-f', file)).code,
      ).toBe(0);
      await writeFile(file, ssa('app: ssa-web', 3));
      const other = await kubectl(
        ctx,
        'apply',
        '--server-side',
        '--field-manager=other',
        '-f',
        file,
      );
      expect(other.stderr).toContain(
        'error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas',
      );
      expect((await kubectl(ctx, 'delete', '-f', file)).stdout).toBe(
        'deployment.apps "ssa-web" deleted\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('kubectl label, taint and cordon nodes, and the scheduler heeds them; a bad label is refused', async (ctx) => {
    expect((await kubectl(ctx, 'label', 'node', 'node-1', 'disk=ssd')).stdout).toBe(
      'node/node-1 labeled\n',
    );
    expect(
      (await kubectl(ctx, 'taint', 'nodes', 'node-2', 'dedicated=infra:NoSchedule')).stdout,
    ).toBe('node/node-2 tainted\n');
    expect((await kubectl(ctx, 'cordon', 'node-3')).stdout).toBe('node/node-3 cordoned\n');
    try {
      const nodes = await kubectl(ctx, 'get', 'nodes');
      expect(nodes.stdout).toMatch(/^node-3\s+Ready,SchedulingDisabled\s/m);
      // Only node-1 is left for a pod that tolerates nothing.
      expect((await kubectl(ctx, 'run', 'placed', '--image=nginx')).code).toBe(0);
      const where = await waitFor('placed scheduled', async () => {
        const r = await kubectl(ctx, 'get', 'pod', 'placed', '-o', 'jsonpath={.spec.nodeName}');
        return r.stdout || undefined;
      });
      expect(where).toBe('node-1');
      const bad = await kubectl(ctx, 'label', 'node', 'node-1', 'bad key=x');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(
        'The Node "node-1" is invalid: metadata.labels: Invalid value: "bad key"',
      );
    } finally {
      await kubectl(ctx, 'delete', 'pod', 'placed', '--ignore-not-found', '--grace-period=0');
      await kubectl(ctx, 'taint', 'nodes', 'node-2', 'dedicated=infra:NoSchedule-');
      await kubectl(ctx, 'uncordon', 'node-3');
      await kubectl(ctx, 'label', 'node', 'node-1', 'disk-');
    }
    expect((await kubectl(ctx, 'get', 'nodes')).stdout).not.toContain('SchedulingDisabled');
  });

  it('kubectl create ns, delete pod (a new pod, a new IP) seen by get -w', async (ctx) => {
    expect((await kubectl(ctx, 'create', 'ns', 'nginx-ns')).stdout).toBe(
      'namespace/nginx-ns created\n',
    );
    expect((await kubectl(ctx, 'get', 'pods', '-n', 'nginx-ns')).stderr).toBe(
      'No resources found in nginx-ns namespace.\n',
    );
    // Its `default` ServiceAccount came with it, and every pod runs as it unless it names another.
    expect((await kubectl(ctx, 'get', 'sa', '-n', 'nginx-ns')).stdout).toMatch(
      /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\d+s\n$/,
    );
    expect(
      (
        await kubectl(
          ctx,
          'get',
          'pods',
          '-l',
          'run=my-nginx',
          '-o',
          'jsonpath={..serviceAccountName}',
        )
      ).stdout,
    ).toBe('default default');
    expect((await kubectl(ctx, 'describe', 'pod', '-l', 'run=my-nginx')).stdout).toMatch(
      /^Service Account:\s+default$/m,
    );
    // One that does not exist: Forbidden, as the ServiceAccount admission plugin says it.
    const overrides = '{"spec":{"serviceAccountName":"reader"}}';
    const run = ['run', 'pinger', '-n', 'nginx-ns', '--image=nginx', `--overrides=${overrides}`];
    const refused = await kubectl(ctx, ...run);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Error from server (Forbidden): pods "pinger" is forbidden: error looking up service account nginx-ns/reader: serviceaccount "reader" not found\n',
    );
    await kubectl(ctx, 'create', 'sa', 'reader', '-n', 'nginx-ns');
    expect((await kubectl(ctx, ...run)).stdout).toBe('pod/pinger created\n');
    // Gone at once: a bare pod on the node drained below would stop the drain.
    await kubectl(ctx, 'delete', 'pod', 'pinger', '-n', 'nginx-ns', '--force', '--grace-period=0');
    const [victim] = await pods();
    const watching = kubectl(
      ctx,
      'get',
      'pods',
      '-l',
      'run=my-nginx',
      '-w',
      '--request-timeout=5s',
    );
    await new Promise((r) => setTimeout(r, 1000));
    const del = await kubectl(ctx, 'delete', 'pod', victim!.metadata.name);
    expect(del.stdout).toBe(`pod "${victim!.metadata.name}" deleted\n`);
    const fresh = await waitFor('a replacement', async () => {
      const p = await t.readyPods('my-nginx-');
      return p.length === 2 && !p.some((x) => x.metadata.name === victim!.metadata.name)
        ? p.find((x) => x.metadata.creationTimestamp! > victim!.metadata.creationTimestamp!)
        : undefined;
    });
    expect(fresh!.status?.podIP).not.toBe(victim!.status?.podIP);
    const seen = (await watching).stdout;
    expect(seen).toMatch(new RegExp(`^${victim!.metadata.name}\\s+\\S+\\s+Terminating`, 'm'));
    expect(seen).toMatch(new RegExp(`^${fresh!.metadata.name}\\s+1/1\\s+Running`, 'm'));
    expect((await kubectl(ctx, 'delete', 'ns', 'default')).stderr).toBe(
      'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n',
    );
  });

  it('kubectl exec -it runs a command in the pod (its exit code too), and kubectl logs shows the access', async (ctx) => {
    const pod = await servingPod();
    const name = pod!.metadata.name;
    // In a terminal: the container's pty's lines (\r\n, or the terminal steps down a stair), and
    // curl -v's lines on it, in the order curl wrote them: around its page.
    const tty = await runKubectlInTerminal(ctx, { kubeconfig: t.lab.kubeconfig, home }, [
      'exec',
      '-it',
      name,
      '--',
      'curl',
      '-v',
      'my-nginx',
    ]);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(
      /^\* {3}Trying 127(\.\d+){3}:80\.\.\.\r\n[\s\S]*\r\n< \r\n<!DOCTYPE html>\r\n[\s\S]*\* Connection #0 to host my-nginx left intact\r\n$/,
    );
    expect(tty.stdout).not.toMatch(/[^\r]\n/);
    const page = await kubectl(ctx, 'exec', '-it', name, '--', 'wget', '-q', '-O', '-', 'my-nginx');
    expect(page.code).toBe(0);
    expect(page.stdout).toMatch(/<title>Welcome to nginx!<\/title>/);
    // localhost is the pod itself: its containers share its network namespace.
    const self = await kubectl(
      ctx,
      'exec',
      name,
      '--',
      'sh',
      '-c',
      'curl -s -o /dev/null -w %{http_code} localhost; nc -z 127.0.0.1 81; echo " $?"',
    );
    expect([self.stdout, self.code]).toEqual(['200 1\n', 0]);
    const missing = await kubectl(ctx, 'exec', name, '--', 'wget', '-q', '-O', '-', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("wget: bad address 'nope'\ncommand terminated with exit code 1\n");
    const logs = await waitFor('the access in some pod log', async () => {
      for (const p of await pods()) {
        const r = await kubectl(ctx, 'logs', p.metadata.name, '--tail=5');
        if (r.stdout.includes(`${pod!.status!.podIP} - - [`)) return r;
      }
      return undefined;
    });
    expect(logs.code).toBe(0);
    expect(logs.stdout.split('\n').filter(Boolean).length).toBeLessThanOrEqual(5);
  });

  it("kubectl run --image=busybox -- wget: the container's own command makes the request, as the pod", async (ctx) => {
    const run = await kubectl(
      ctx,
      'run',
      'fetch',
      '-i',
      '--rm',
      '--restart=Never',
      '--image=busybox',
      '--',
      'wget',
      '-qO-',
      'my-nginx',
    );
    expect(run.stdout).toMatch(/<title>Welcome to nginx!<\/title>/);
    expect(run.stdout).toMatch(/pod "fetch" deleted/);
    expect(run.stderr).not.toMatch(/couldn't attach/);
    // A command over in milliseconds (the StatefulSet tutorial's): never seen Running, so kubectl
    // prints its log rather than attaching to a container that is gone.
    const lookup = await kubectl(
      ctx,
      ...['run', 'dns-test', '-i', '--rm', '--restart=Never', '--image=busybox:1.28'],
      ...['--', 'nslookup', 'my-nginx'],
    );
    // busybox 1.28's nslookup (the docs' DNS image): its first format.
    expect(lookup.stdout).toMatch(
      /^Name: {6}my-nginx\nAddress 1: 127(\.\d+){3} my-nginx\.default\.svc\.cluster\.local\n/m,
    );
    expect(lookup.stderr).not.toMatch(/couldn't attach/);
    // Attached to a bare sh: the pod's tools answer what comes on stdin; `exit 4` is the
    // container's exit code, which kubectl run returns.
    const shell = await kubectlWithInput(
      ctx,
      'nslookup my-nginx | grep Name\nexit 4\n',
      'run',
      'shell',
      '-i',
      '--rm',
      '--restart=Never',
      '--image=busybox',
      '--',
      'sh',
    );
    // Attached to a command that ends (restartPolicy Always: it restarts), kubectl comes back.
    const blink = await kubectl(
      ctx,
      'run',
      'blink',
      '-i',
      '--rm',
      '--image=busybox',
      '--',
      'sh',
      '-c',
      'echo up; sleep 1',
    );
    expect([blink.code, blink.stdout]).toEqual([0, expect.stringMatching(/^up\n/)]);
    expect(shell.stdout).toMatch(/^Name:\s+my-nginx\.default\.svc\.cluster\.local$/m);
    expect(shell.code).toBe(4);
    expect(shell.stderr).toMatch(/pod default\/shell terminated \(Error\)/);
    // A client looping on the Service: its requests reach the pods, from its own address.
    await kubectl(
      ctx,
      'run',
      'looper',
      '--image=busybox',
      '--restart=Never',
      '--',
      'sh',
      '-c',
      'while true; do wget -q -O /dev/null my-nginx; sleep 1; done',
    );
    try {
      const [looper] = await waitFor('the looper running', async () => {
        const ready = await t.readyPods('looper');
        return ready.length === 1 ? ready : undefined;
      });
      const ip = looper!.status!.podIP!;
      await waitFor('its requests in a my-nginx pod log', async () => {
        for (const p of await t.readyPods('my-nginx-')) {
          const r = await kubectl(ctx, 'logs', p.metadata.name, '--tail=20');
          if (r.stdout.includes(`${ip} - - [`)) return true;
        }
        return undefined;
      });
    } finally {
      await kubectl(ctx, 'delete', 'pod', 'looper', '--grace-period=0', '--force');
    }
  });

  it("kubectl exec -c runs in that container: its own environment, its image's tools; a wrong name is refused", async (ctx) => {
    const manifest = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: two-roles}',
      'spec:',
      '  containers:',
      '  - {name: web, image: nginx, env: [{name: ROLE, value: web}]}',
      '  - name: dns',
      '    image: busybox:1.28',
      '    command: [sleep, "3600"]',
      '    env: [{name: ROLE, value: dns}]',
      '',
    ].join('\n');
    const applied = await kubectlWithInput(ctx, manifest, 'apply', '-f', '-');
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    try {
      await waitFor('both running', async () => {
        const p = (await pods()).find((x) => x.metadata.name === 'two-roles');
        const running = (p?.status?.containerStatuses ?? []).filter((c) => c.state?.running);
        return running.length === 2 ? true : undefined;
      });
      const role = async (...c: string[]) =>
        (await kubectl(ctx, 'exec', 'two-roles', ...c, '--', 'printenv', 'ROLE')).stdout;
      expect([await role('-c', 'dns'), await role('-c', 'web'), await role()]).toEqual([
        'dns\n',
        'web\n',
        'web\n', // kubectl defaults to the first, and says so on stderr
      ]);
      // busybox 1.28's nslookup in its container, the newer format in the other.
      const old = await kubectl(
        ctx,
        'exec',
        'two-roles',
        '-c',
        'dns',
        '--',
        'nslookup',
        'kubernetes',
      );
      expect(old.stdout).toMatch(/^Address 1: \S+ kubernetes\.default\.svc\.cluster\.local$/m);
      const wrong = await kubectl(ctx, 'exec', 'two-roles', '-c', 'db', '--', 'true');
      expect([wrong.code, wrong.stderr.trim()]).toEqual([
        1,
        'Error from server (BadRequest): container db is not valid for pod two-roles',
      ]);
    } finally {
      await kubectl(ctx, 'delete', 'pod', 'two-roles', '--grace-period=0', '--force');
    }
  });

  it('kubectl exec -c into an init container while the pod waits on it; an app container not started yet is not found', async (ctx) => {
    const manifest = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: init-wait}',
      'spec:',
      '  initContainers:',
      '  - {name: wait, image: busybox, command: [sleep, "3600"], env: [{name: ROLE, value: init}]}',
      '  containers: [{name: web, image: nginx}]',
      '',
    ].join('\n');
    const applied = await kubectlWithInput(ctx, manifest, 'apply', '-f', '-');
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    try {
      await waitFor('the init container running', async () => {
        const p = (await pods()).find((x) => x.metadata.name === 'init-wait');
        return p?.status?.initContainerStatuses?.[0]?.state?.running ? true : undefined;
      });
      const init = await kubectl(ctx, 'exec', 'init-wait', '-c', 'wait', '--', 'printenv', 'ROLE');
      expect([init.code, init.stdout]).toEqual([0, 'init\n']);
      const web = await kubectl(ctx, 'exec', 'init-wait', '--', 'true');
      expect(web.code).toBe(1);
      expect(web.stderr).toMatch(
        /^error: unable to upgrade connection: container not found \("web"\)$/m,
      );
    } finally {
      await kubectl(ctx, 'delete', 'pod', 'init-wait', '--grace-period=0', '--force');
    }
  });

  it('kubectl logs --previous: the run that ended last, of a pod restarted whole or of a sidecar restarted alone', async (ctx) => {
    // Two pods, one document each (a YAML stream: kubectl reads `{` as one JSON document).
    const manifests = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: with-sidecar}',
      'spec:',
      '  containers:',
      '  - {name: web, image: nginx}',
      "  - {name: side, image: busybox, command: [sh, -c, 'echo side ran; sleep 1; exit 1']}",
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: crashing}',
      'spec:',
      "  containers: [{name: main, image: busybox, command: [sh, -c, 'echo boom; exit 1']}]",
      '',
    ].join('\n');
    const applied = await kubectlWithInput(ctx, manifests, 'apply', '-f', '-');
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    try {
      await waitFor('both restarted', async () => {
        const all = await pods();
        const restarts = (name: string, c: string) =>
          all
            .find((p) => p.metadata.name === name)
            ?.status?.containerStatuses?.find((s) => s.name === c)?.restartCount ?? 0;
        return restarts('with-sidecar', 'side') >= 1 && restarts('crashing', 'main') >= 1
          ? true
          : undefined;
      });
      const side = await kubectl(ctx, 'logs', 'with-sidecar', '-c', 'side', '--previous');
      expect([side.code, side.stdout]).toEqual([0, 'side ran\n']);
      const whole = await kubectl(ctx, 'logs', 'crashing', '--previous');
      expect([whole.code, whole.stdout]).toEqual([0, 'boom\n']);
      // nginx never ended: it has no previous run, in the kubelet's words.
      const none = await kubectl(ctx, 'logs', 'with-sidecar', '-c', 'web', '--previous');
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(
        /Error from server \(BadRequest\): previous terminated container "web" in pod "with-sidecar" not found/,
      );
    } finally {
      await kubectl(
        ctx,
        'delete',
        'pod',
        'with-sidecar',
        'crashing',
        '--grace-period=0',
        '--force',
      );
    }
  });

  it('kubectl debug -i POD --image=busybox: an ephemeral container whose shell, or command, is in the pod (localhost is its server)', async (ctx) => {
    // A pod of its own: an ephemeral container stays in the pod's spec for good.
    const name = 'debug-target';
    await kubectl(ctx, 'run', name, '--image=nginx');
    await waitFor('the target running', async () =>
      (await t.readyPods(name)).length === 1 ? true : undefined,
    );
    const dbg = await kubectlWithInput(
      ctx,
      'wget -qO- localhost | grep title\nexit 2\n',
      'debug',
      '-i',
      name,
      '--image=busybox',
      '--container=dbg',
    );
    expect(dbg.stdout).toMatch(/<title>Welcome to nginx!<\/title>/);
    const ended = await waitFor('the ephemeral container ended', async () => {
      const r = await kubectl(
        ctx,
        'get',
        'pod',
        name,
        '-o',
        'jsonpath={.status.ephemeralContainerStatuses[0].state.terminated.exitCode}',
      );
      return r.stdout || undefined;
    });
    expect(ended).toBe('2');
    // Ephemeral containers are added, never changed: the same name again is refused.
    const again = await kubectl(ctx, 'debug', name, '--image=alpine', '--container=dbg');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/existing ephemeral containers "dbg" may not be changed/);

    // With a command: it runs in the pod (localhost is its nginx), its output is its log.
    const look = await kubectl(
      ctx,
      'debug',
      '-i',
      name,
      '--image=busybox',
      '--container=look',
      '--',
      'wget',
      '-qO-',
      'localhost',
    );
    expect(look.stdout).toMatch(/<title>Welcome to nginx!<\/title>/);
    await kubectl(
      ctx,
      'debug',
      name,
      '--image=busybox',
      '--container=fail',
      '--',
      'sh',
      '-c',
      'nslookup kubernetes; exit 3',
    );
    await kubectl(
      ctx,
      'debug',
      name,
      '--image=busybox',
      '--container=dump',
      '--',
      'tcpdump',
      '-i',
      'eth0',
    );
    const states = await waitFor('the three ended', async () => {
      const pod = (await t.api<Pod>('GET', `/api/objects/pods/default/${name}`)).body;
      const all = pod.status?.ephemeralContainerStatuses ?? [];
      const of = (c: string) => all.find((s) => s.name === c)?.state?.terminated;
      return ['look', 'fail', 'dump'].every((c) => of(c)) ? of : undefined;
    });
    expect(states('look')).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(states('fail')).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect((await kubectl(ctx, 'logs', name, '-c', 'fail')).stdout).toMatch(
      /^Name:\s+kubernetes\.default\.svc\.cluster\.local$/m,
    );
    // One the stand-in cannot run does not start, and says why; it has no log.
    expect(states('dump')).toMatchObject({
      exitCode: 128,
      reason: 'StartError',
      message: expect.stringMatching(/^l4lab's stand-in cannot run "tcpdump -i eth0": /),
    });
    expect((await kubectl(ctx, 'logs', name, '-c', 'dump')).stdout).toBe('');
    await kubectl(ctx, 'delete', 'pod', name, '--grace-period=0', '--force');
  });

  it('kubectl debug node/NAME -i: a pod on that node, on its network (its address, its name), its shell on stdin', async (ctx) => {
    const r = await kubectlWithInput(
      ctx,
      'echo hello from $HOSTNAME\nexit\n',
      'debug',
      'node/node-2',
      '-i',
      '--image=busybox',
      '--profile=general',
    );
    const name =
      /Creating debugging pod (node-debugger-node-2-\w+) with container debugger on node node-2\./.exec(
        r.stdout,
      )?.[1];
    expect(name).toBeDefined();
    // On the host network: the node's name and address (the pod kubectl sends is protobuf).
    expect(r.stdout).toContain('hello from node-2\n');
    const pod = await kubectl(
      ctx,
      'get',
      'pod',
      name!,
      '-o',
      'jsonpath={.spec.nodeName} {.spec.hostNetwork} {.spec.containers[0].stdin} {.status.podIP}',
    );
    const node = await kubectl(
      ctx,
      'get',
      'node',
      'node-2',
      '-o',
      'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}',
    );
    expect(pod.stdout).toBe(`node-2 true true ${node.stdout}`);
    await kubectl(ctx, 'delete', 'pod', name!, '--grace-period=0', '--force');
  });

  it('kubectl exec -i POD -- sh runs a script from stdin, line by line, and exits with its code', async (ctx) => {
    const pod = await servingPod();
    const script =
      'wget -q -O - my-nginx | grep title\nnslookup my-nginx | grep -c Address\nexit 3\n';
    const r = await kubectlWithInput(ctx, script, 'exec', '-i', pod!.metadata.name, '--', 'sh');
    expect(r.stdout).toBe('<title>Welcome to nginx!</title>\n2\n');
    expect(r.stderr).toBe('command terminated with exit code 3\n');
    expect(r.code).toBe(3);
  });

  it("kubectl exec -ti POD -- bash prompts as bash (root@<pod>:/# ), sh as busybox's (/ # )", async (ctx) => {
    const name = (await servingPod())!.metadata.name;
    const where = { kubeconfig: t.lab.kubeconfig, home };
    const shell = (cmd: string) =>
      runKubectlInTerminal(ctx, where, ['exec', '-ti', name, '--', cmd], 'hostname\rexit\r');
    const bash = await shell('bash');
    expect(bash.code, bash.stdout).toBe(0);
    expect(bash.stdout).toContain(`root@${name}:/# `);
    expect(bash.stdout).toMatch(new RegExp(`^${name}\r$`, 'm')); // hostname's answer
    const sh = await shell('sh');
    expect(sh.stdout).toContain('/ # ');
    expect(sh.stdout).not.toContain('root@');
  });

  it("kubectl run curl --image=radial/busyboxplus:curl -i --tty --rm: the docs' client, with its own prompt", async (ctx) => {
    // "Connecting Applications with Services": attached to the image's sh, which prompts as its
    // PS1 says ([ root@<hostname>:/ ]$ ), and curl answers through the Service's name. Its
    // nslookup is busybox 1.22's, as the page shows it: the name as typed, reverse names (after
    // the prompt: the lines were typed ahead).
    const r = await runKubectlInTerminal(
      ctx,
      { kubeconfig: t.lab.kubeconfig, home },
      ['run', 'curl', '--image=radial/busyboxplus:curl', '-i', '--tty', '--rm'],
      'curl -s my-nginx | grep title\rnslookup my-nginx\rexit\r',
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('[ root@curl:/ ]$ ');
    expect(r.stdout).toMatch(/^<title>Welcome to nginx!<\/title>\r$/m);
    expect(r.stdout).toMatch(
      /Server: {4}(127(\.\d+){3})\r\nAddress 1: \1 kube-dns\.kube-system\.svc\.cluster\.local\r\n\r\nName: {6}my-nginx\r\nAddress 1: 127(\.\d+){3} my-nginx\.default\.svc\.cluster\.local\r$/m,
    );
    expect(r.stdout).toContain('pod "curl" deleted');
  });

  it('kubectl exec into busybox: no bash there, in the container runtime`s words; sh answers', async (ctx) => {
    expect((await kubectl(ctx, 'run', 'bb', '--image=busybox', '--', 'sleep', '3600')).code).toBe(
      0,
    );
    try {
      expect(
        (await kubectl(ctx, 'wait', '--for=condition=Ready', 'pod/bb', '--timeout=30s')).code,
      ).toBe(0);
      const bash = await kubectl(ctx, 'exec', 'bb', '--', 'bash', '-c', 'echo hi');
      expect(bash.code).toBe(1);
      expect(bash.stdout).toBe('');
      expect(bash.stderr).toMatch(
        /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in \$PATH: unknown\n$/,
      );
      const sh = await kubectl(ctx, 'exec', 'bb', '--', 'sh', '-c', 'echo hi');
      expect([sh.code, sh.stdout]).toEqual([0, 'hi\n']);
      // Nor can a container's own command be bash there: runc refuses to start it.
      expect(
        (await kubectl(ctx, 'run', 'bbash', '--image=busybox', '--', 'bash', '-c', 'echo hi')).code,
      ).toBe(0);
      const waiting = await waitFor('bbash refused', async () => {
        const pod = (await pods()).find((p) => p.metadata.name === 'bbash');
        return pod?.status?.containerStatuses?.[0]?.state?.waiting?.message ? pod : undefined;
      });
      expect(waiting.status!.containerStatuses![0]!.state!.waiting).toMatchObject({
        reason: expect.stringMatching(/^(RunContainerError|CrashLoopBackOff)$/),
        message: expect.stringContaining(
          'unable to start container process: exec: "bash": executable file not found in $PATH',
        ),
      });
    } finally {
      await kubectl(ctx, 'delete', 'pod', 'bb', 'bbash', '--grace-period=0', '--force');
    }
  });

  it("the docs' Securing the Service: a TLS Secret and a conf.d ConfigMap, nginxhttps serving HTTPS, curl --cacert from a pod", async (ctx) => {
    // "Connecting Applications with Services", its files verbatim but in a namespace of their own
    // (this lab's default already has a my-nginx). The key pair is the test one (runtime/testdata).
    const dir = await mkdtemp(join(tmpdir(), 'l4lab-https-'));
    const testdata = join(ROOT, 'packages/runtime/src/testdata');
    const n = ['-n', 'secure'];
    try {
      await copyFile(join(testdata, 'default.conf'), join(dir, 'default.conf'));
      const volumes = (cm: boolean) =>
        `      volumes:\n      - name: secret-volume\n        secret:\n          secretName: nginxsecret\n` +
        (cm
          ? `      - name: configmap-volume\n        configMap:\n          name: nginxconfigmap\n`
          : '');
      await writeFile(
        join(dir, 'nginx-secure-app.yaml'),
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: my-nginx\n  labels:\n    run: my-nginx\nspec:\n  type: NodePort\n  ports:\n  - port: 8080\n    targetPort: 80\n    protocol: TCP\n    name: http\n  - port: 443\n    protocol: TCP\n    name: https\n  selector:\n    run: my-nginx\n---\n` +
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-nginx\nspec:\n  selector:\n    matchLabels:\n      run: my-nginx\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        run: my-nginx\n    spec:\n${volumes(true)}` +
          `      containers:\n      - name: nginxhttps\n        image: bprashanth/nginxhttps:1.0\n        ports:\n        - containerPort: 443\n        - containerPort: 80\n        volumeMounts:\n        - mountPath: /etc/nginx/ssl\n          name: secret-volume\n        - mountPath: /etc/nginx/conf.d\n          name: configmap-volume\n`,
      );
      await writeFile(
        join(dir, 'curlpod.yaml'),
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: curl-deployment\nspec:\n  selector:\n    matchLabels:\n      app: curlpod\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        app: curlpod\n    spec:\n${volumes(false)}` +
          `      containers:\n      - name: curlpod\n        command:\n        - sh\n        - -c\n        - while true; do sleep 1; done\n        image: radial/busyboxplus:curl\n        volumeMounts:\n        - mountPath: /etc/nginx/ssl\n          name: secret-volume\n`,
      );
      expect((await kubectl(ctx, 'create', 'namespace', 'secure')).code).toBe(0);
      const secret = await kubectl(
        ctx,
        ...n,
        'create',
        'secret',
        'tls',
        'nginxsecret',
        '--key',
        join(testdata, 'my-nginx.key'),
        '--cert',
        join(testdata, 'my-nginx.crt'),
      );
      expect([secret.stdout, secret.stderr]).toEqual(['secret/nginxsecret created\n', '']);
      const cm = await kubectl(
        ctx,
        ...n,
        'create',
        'configmap',
        'nginxconfigmap',
        `--from-file=${join(dir, 'default.conf')}`,
      );
      expect(cm.stdout).toBe('configmap/nginxconfigmap created\n');
      expect(
        (await kubectl(ctx, ...n, 'create', '-f', join(dir, 'nginx-secure-app.yaml'))).stdout,
      ).toBe('service/my-nginx created\ndeployment.apps/my-nginx created\n');
      expect((await kubectl(ctx, ...n, 'apply', '-f', join(dir, 'curlpod.yaml'))).code).toBe(0);
      const ready = await kubectl(
        ctx,
        ...n,
        'wait',
        '--for=condition=Ready',
        'pod',
        '-l',
        'app in (curlpod)',
        '--timeout=30s',
      );
      expect(ready.code, ready.stderr).toBe(0);
      expect(
        (
          await kubectl(
            ctx,
            ...n,
            'wait',
            '--for=condition=Ready',
            'pod',
            '-l',
            'run=my-nginx',
            '--timeout=30s',
          )
        ).code,
      ).toBe(0);
      const curlPod = (
        await kubectl(
          ctx,
          ...n,
          'get',
          'pods',
          '-l',
          'app=curlpod',
          '-o',
          'jsonpath={.items[0].metadata.name}',
        )
      ).stdout;
      const exec = (...cmd: string[]) => kubectl(ctx, ...n, 'exec', curlPod, '--', ...cmd);

      const trusted = await exec('curl', 'https://my-nginx', '--cacert', '/etc/nginx/ssl/tls.crt');
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(trusted.stdout).toContain('<title>Welcome to nginx!</title>');
      // Without the CA: curl does not trust a self-signed certificate, in curl's words.
      const untrusted = await exec('curl', 'https://my-nginx');
      expect(untrusted.code).toBe(60);
      expect(untrusted.stderr).toMatch(
        /^curl: \(60\) SSL certificate problem: self-signed certificate\n/,
      );
      // By the Service's IP the name does not match the certificate's (CN=my-nginx).
      const ip = (
        await kubectl(ctx, ...n, 'get', 'svc', 'my-nginx', '-o', 'jsonpath={.spec.clusterIP}')
      ).stdout;
      const byIp = await exec('curl', `https://${ip}`, '--cacert', '/etc/nginx/ssl/tls.crt');
      expect(byIp.stderr).toContain(
        `curl: (60) SSL: certificate subject name 'my-nginx' does not match target host name '${ip}'`,
      );
      expect(
        (await exec('curl', '-sk', `https://${ip}`, '-o', '/dev/null', '-w', '%{http_code}'))
          .stdout,
      ).toBe('200');
      // Plain HTTP to the TLS port, TLS to the plain one: nginx's 400, OpenSSL's wrong version.
      expect((await exec('curl', '-s', 'http://my-nginx:443')).stdout).toContain(
        'The plain HTTP request was sent to HTTPS port',
      );
      const wrong = await exec('curl', '-k', 'https://my-nginx:8080');
      expect([wrong.code, wrong.stderr]).toEqual([
        35,
        'curl: (35) OpenSSL/3.0.15: error:0A00010B:SSL routines::wrong version number\ncommand terminated with exit code 35\n',
      ]);
      expect(
        (await exec('curl', 'https://my-nginx', '--cacert', '/etc/nginx/ssl/nope.crt')).stderr,
      ).toContain('curl: (77) error setting certificate file: /etc/nginx/ssl/nope.crt');
    } finally {
      await kubectl(ctx, 'delete', 'namespace', 'secure', '--wait=false');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kubectl create deployment and create service (bodies kubectl sends as protobuf)', async (ctx) => {
    expect(
      (
        await kubectl(
          ctx,
          'create',
          'deployment',
          'hello',
          '--image=nginx',
          '--replicas=2',
          '--port=80',
        )
      ).stdout,
    ).toBe('deployment.apps/hello created\n');
    expect(
      (await kubectl(ctx, 'create', 'service', 'clusterip', 'hello', '--tcp=80:80')).stdout,
    ).toBe('service/hello created\n');
    await waitFor('two hello pods', async () =>
      (await t.readyPods('hello-')).length === 2 ? true : undefined,
    );
    const svc = await kubectl(
      ctx,
      'get',
      'svc',
      'hello',
      '-o',
      'jsonpath={.spec.ports[0].targetPort} {.spec.selector.app}',
    );
    expect(svc.stdout).toBe('80 hello');
    // --cascade=orphan: the Deployment goes, its ReplicaSet and pods stay (without an owner).
    expect((await kubectl(ctx, 'delete', 'deployment', 'hello', '--cascade=orphan')).stdout).toBe(
      'deployment.apps "hello" deleted\n',
    );
    const rs = await kubectl(
      ctx,
      'get',
      'rs',
      '-l',
      'app=hello',
      '-o',
      'jsonpath={.items[*].spec.replicas}',
    );
    expect(rs.stdout).toBe('2');
    expect(await t.readyPods('hello-')).toHaveLength(2);
    await kubectl(ctx, 'delete', 'rs', '-l', 'app=hello');
    // A kind the lab serves as JSON only: refused, saying what to use instead.
    const role = await kubectl(ctx, 'create', 'clusterrole', 'x', '--verb=get', '--resource=pods');
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(/l4lab reads ClusterRole as JSON only/);
  });

  it('kubectl label takes a pod out of its Service: the ReplicaSet lets it go and replaces it', async (ctx) => {
    await kubectl(ctx, 'create', 'deployment', 'relabel', '--image=nginx', '--replicas=2');
    await kubectl(ctx, 'expose', 'deployment', 'relabel', '--port=80');
    const [pod] = await waitFor('two relabel pods', async () => {
      const ready = await t.readyPods('relabel-');
      return ready.length === 2 ? ready : undefined;
    });
    const name = pod!.metadata.name;
    const labeled = await kubectl(ctx, 'label', 'pod', name, 'app=debug', '--overwrite');
    expect([labeled.stdout, labeled.stderr]).toEqual([`pod/${name} labeled\n`, '']);
    const addresses = async () =>
      (
        await kubectl(
          ctx,
          'get',
          'endpoints',
          'relabel',
          '-o',
          'jsonpath={.subsets[*].addresses[*].ip}',
        )
      ).stdout
        .split(' ')
        .filter(Boolean);
    const after = await waitFor(
      'a replacement in the endpoints, the relabeled pod out',
      async () => {
        const ips = await addresses();
        return ips.length === 2 && !ips.includes(pod!.status!.podIP!) ? ips : undefined;
      },
    );
    expect(after).toHaveLength(2);
    const released = await kubectl(
      ctx,
      'get',
      'pod',
      name,
      '-o',
      'jsonpath={.metadata.labels.app} {.metadata.ownerReferences}',
    );
    expect(released.stdout).toBe('debug ');
    // kubectl annotate goes the same way (a merge patch of the pod's metadata).
    expect((await kubectl(ctx, 'annotate', 'pod', name, 'lesson=relabel')).stdout).toBe(
      `pod/${name} annotated\n`,
    );
    await kubectl(ctx, 'delete', 'deployment,svc', 'relabel');
    await kubectl(ctx, 'delete', 'pod', name, '--wait=false');
  });

  it('answers what it does not have as a cluster does, never with the dashboard page', async (ctx) => {
    const missing = await kubectl(ctx, 'get', 'pod', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    const raw = await kubectl(ctx, 'get', '--raw', '/apis/nope.example.com/v1');
    expect(raw.code).toBe(1);
    expect(raw.stderr).toMatch(/the server could not find the requested resource/);
    const metrics = await kubectl(ctx, 'get', '--raw', '/metrics');
    expect([metrics.code, metrics.stdout]).toEqual([1, '']);
    expect(metrics.stderr).toMatch(/the server could not find the requested resource/);
    // The health checks, as a kube-apiserver answers them (to anyone, as public-info-viewer).
    expect((await kubectl(ctx, 'get', '--raw', '/healthz')).stdout).toBe('ok');
    expect((await kubectl(ctx, 'get', '--raw', '/readyz?verbose')).stdout).toBe(
      '[+]ping ok\nreadyz check passed\n',
    );
    expect((await kubectl(ctx, 'get', '--raw', '/livez/ping')).stdout).toBe('ok');
    const unknownCheck = await kubectl(ctx, 'get', '--raw', '/livez/etcd');
    expect(unknownCheck.code).toBe(1);
    expect(unknownCheck.stderr).toMatch(/the server could not find the requested resource/);
    const anonymous = await fetch(`${t.lab.url}/readyz`);
    expect([
      anonymous.status,
      anonymous.headers.get('content-type'),
      await anonymous.text(),
    ]).toEqual([200, 'text/plain; charset=utf-8', 'ok']);
    const status = await fetch(`${t.lab.url}/apis/nope.example.com/v1/things`);
    expect(status.status).toBe(404);
    expect(await status.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    // A body it does not decode (CBOR, which a client-go may prefer): 415, on which client-go
    // sends it again as JSON; a 400 would end the request.
    const cbor = await fetch(`${t.lab.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/cbor' },
      body: new Uint8Array([0xa0]),
    });
    expect([cbor.status, await cbor.json()]).toEqual([
      415,
      expect.objectContaining({
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      }),
    ]);
    // YAML is one of them: `curl -H 'Content-Type: application/yaml' --data-binary @cm.yaml`.
    const yaml = await fetch(`${t.lab.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n',
    });
    expect([yaml.status, ((await yaml.json()) as { data?: unknown }).data]).toEqual([
      201,
      { a: '1' },
    ]);
    await kubectl(ctx, 'delete', 'configmap', 'from-yaml');
  });

  it("kubectl drain evicts a node's pods (their ReplicaSet puts them elsewhere); --dry-run=server changes nothing", async (ctx) => {
    // A bare pod an earlier test deleted may still be Terminating (a second at least): drain
    // would refuse it (it has no controller), as on a cluster.
    await waitFor('no pod still terminating', async () =>
      (await pods()).every((p) => !p.metadata.deletionTimestamp) ? true : undefined,
    );
    const [victim] = await t.readyPods('my-nginx-');
    const node = victim!.spec.nodeName!;
    const preview = await kubectl(ctx, 'drain', node, '--ignore-daemonsets', '--dry-run=server');
    // The node's kube-proxy pod stays, as on any cluster (its DaemonSet would put it back).
    expect(preview.stderr).toMatch(
      /^Warning: ignoring DaemonSet-managed Pods: kube-system\/kube-proxy-[a-z0-9]{5}\n$/,
    );
    expect(preview.stdout).toContain(`node/${node} cordoned (server dry run)`);
    expect(preview.stdout).toContain(
      `evicting pod default/${victim!.metadata.name} (server dry run)`,
    );
    expect(preview.stdout).toContain(`node/${node} drained (server dry run)`);
    expect(
      (await kubectl(ctx, 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).stdout,
    ).toBe('');
    expect((await t.readyPods('my-nginx-')).map((p) => p.metadata.name)).toContain(
      victim!.metadata.name,
    );
    try {
      const drained = await kubectl(ctx, 'drain', node, '--ignore-daemonsets', '--timeout=60s');
      expect(drained.code).toBe(0);
      expect(drained.stdout).toContain(`evicting pod default/${victim!.metadata.name}\n`);
      expect(drained.stdout).toContain(`pod/${victim!.metadata.name} evicted\n`);
      expect(drained.stdout).toMatch(new RegExp(`node/${node} drained\n$`));
      const moved = await waitFor('two ready my-nginx pods off the drained node', async () => {
        const ready = await t.readyPods('my-nginx-');
        return ready.length === 2 && ready.every((p) => p.spec.nodeName !== node)
          ? ready
          : undefined;
      });
      expect(moved.map((p) => p.metadata.name)).not.toContain(victim!.metadata.name);
    } finally {
      await kubectl(ctx, 'uncordon', node);
    }
    // The eviction API itself: a dry run evicts nothing; the body must name the pod of the URL.
    const [pod] = await t.readyPods('my-nginx-');
    const name = pod!.metadata.name;
    const evict = (body: object, query = '') =>
      fetch(`${t.lab.url}/api/v1/namespaces/default/pods/${name}/eviction${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', ...body }),
      });
    expect((await evict({ metadata: { name } }, '?dryRun=All')).status).toBe(201);
    expect((await t.readyPods('my-nginx-')).map((p) => p.metadata.name)).toContain(name);
    const elsewhere = await evict({ metadata: { name, namespace: 'kube-system' } });
    expect(elsewhere.status).toBe(400);
    const other = await evict({ metadata: { name: 'someone-else' } });
    expect(await other.json()).toMatchObject({
      code: 400,
      message: 'name in URL does not match name in Eviction object',
    });
  });
});
