// The console against a fake of the lab's Kubernetes API (testing/fakeKubernetesApi.ts): a fetch
// that records each call and answers as the API does. Addresses: pods 127.244.0.x, nodes node-n.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { execOutputInOrder } from '@l4lab/protocol';
import { appStore } from '../store/appStore.ts';
import { FakeKubernetesApi } from '../testing/fakeKubernetesApi.ts';
import { CONSOLE_PROMPT, runKubectl } from './kubectlConsole.ts';
import { setContextNamespace } from './contextNamespace.ts';

const TABLE_ACCEPT = /^application\/json;as=Table;v=v1;g=meta\.k8s\.io,/;

const POD_TEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
        - name: my-nginx
          image: nginx
`;
const service = (name: string, port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    run: my-nginx\n  ports:\n  - port: ${port}\n    targetPort: 80\n`;

let api: FakeKubernetesApi;

function pod(name: string, ip: string, node: string, namespace = 'default') {
  api.put('pods', namespace, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { run: namespace === 'default' ? 'my-nginx' : 'client' } },
    spec: { nodeName: node },
    status: { podIP: ip },
  });
}

const run = async (line: string) => {
  const r = await runKubectl(line, new AbortController().signal);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
const urls = () => api.calls.map((c) => `${c.method} ${c.url}`);

beforeEach(() => {
  api = new FakeKubernetesApi();
  pod('my-nginx-5b56ccd65f-7dbxk', '127.244.0.4', 'node-1');
  pod('my-nginx-5b56ccd65f-q2m4n', '127.244.0.5', 'node-2');
  api.dashboard = (url, init) => {
    if (url === '/api/tutorial')
      return Response.json({
        items: [
          { name: 'pod_test.yaml', text: POD_TEST },
          { name: 'service_test.yaml', text: service('my-nginx', 80) },
        ],
      });
    if (url.startsWith('/api/kubectl'))
      return Response.json({ stdout: 'Name: my-nginx\n', stderr: '', exitCode: 0 });
    if (url.endsWith('/exec')) {
      const { container } = JSON.parse(String(init?.body ?? '{}')) as { container?: string };
      if (container === 'db')
        return Response.json(
          { error: { code: 'L4_E_BAD_EXEC', message: 'container db is not valid for pod client' } },
          { status: 400 },
        );
      if (container === 'init')
        return Response.json(
          {
            error: {
              code: 'L4_E_NOT_RUNNING',
              message: 'error: unable to upgrade connection: container not found ("init")',
            },
          },
          { status: 409 },
        );
      const env = 'KUBERNETES_SERVICE_HOST=127.96.0.1\nMY_NGINX_SERVICE_HOST=127.96.0.12\nHOME=/\n';
      return Response.json({ stdout: env, stderr: '', exitCode: 0, trace: [] });
    }
    return undefined;
  };
  vi.stubGlobal('fetch', api.fetch);
  appStore.getState().restoreTabs([{ id: 'tab-1', title: 'manifests.yaml', text: '' }], 'tab-1');
  appStore.setState({ tutorialFiles: undefined });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('kubectl get: the API Tables, printed as kubectl prints them', () => {
  it('asks the API for a Table and prints its columns, the wide ones with -o wide only', async () => {
    expect(CONSOLE_PROMPT).toBe('$ ');
    expect((await run('kubectl get pods -l run=my-nginx')).stdout).toBe(
      `NAME                        READY   STATUS    RESTARTS   AGE
my-nginx-5b56ccd65f-7dbxk   1/1     Running   0          10s
my-nginx-5b56ccd65f-q2m4n   1/1     Running   0          10s
`,
    );
    // Without the word kubectl, and with `k`: the same call.
    expect((await run(`k get pods -l 'run=my-nginx' -o wide`)).stdout).toBe(
      `NAME                        READY   STATUS    RESTARTS   AGE   IP            NODE
my-nginx-5b56ccd65f-7dbxk   1/1     Running   0          10s   127.244.0.4   node-1
my-nginx-5b56ccd65f-q2m4n   1/1     Running   0          10s   127.244.0.5   node-2
`,
    );
    await run('get po -owide -l run=my-nginx');
    expect(urls()).toEqual(
      Array(3).fill('GET /api/v1/namespaces/default/pods?labelSelector=run=my-nginx'),
    );
    expect(api.calls[0]!.accept).toMatch(TABLE_ACCEPT);
  });

  it("puts NAMESPACE first with -A, and says what it did not find in kubectl's words", async () => {
    pod('client', '127.244.1.9', 'node-3', 'web');
    const all = await run('kubectl get pods -A');
    expect(all.stdout.split('\n')[0]).toBe(
      'NAMESPACE   NAME                        READY   STATUS    RESTARTS   AGE',
    );
    expect(all.stdout).toMatch(/^web {9}client {22}1\/1 {5}Running/m);
    expect(api.calls[0]!.url).toBe('/api/v1/pods');
    expect(await run('kubectl get pods -n nginx-ns')).toMatchObject({
      stdout: '',
      stderr: 'No resources found in nginx-ns namespace.\n',
      exitCode: 0,
    });
    expect(await run('kubectl get pod nope')).toMatchObject({
      stderr: 'Error from server (NotFound): pods "nope" not found\n',
      exitCode: 1,
    });
    expect((await run('kubectl get deploy nope')).stderr).toBe(
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    );
    expect((await run('kubectl get ns')).stdout).toBe('NAME      AGE\ndefault   1m\n');
    expect((await run('kubectl get widgets')).stderr).toBe(
      'error: the server doesn\'t have a resource type "widgets"\n',
    );
    expect(urls().slice(1)).toEqual([
      'GET /api/v1/namespaces/nginx-ns/pods',
      'GET /api/v1/namespaces/default/pods/nope',
      'GET /apis/apps/v1/namespaces/default/deployments/nope',
      'GET /api/v1/namespaces',
    ]);
  });

  it('prints -o name, json (sorted keys, 4 spaces) and yaml from the objects', async () => {
    expect((await run('kubectl get pods -o name')).stdout).toBe(
      'pod/my-nginx-5b56ccd65f-7dbxk\npod/my-nginx-5b56ccd65f-q2m4n\n',
    );
    const json = (await run('kubectl get pod my-nginx-5b56ccd65f-7dbxk -o json')).stdout;
    expect(json).toMatch(/^\{\n {4}"apiVersion": "v1",\n {4}"kind": "Pod",\n {4}"metadata": \{/);
    expect(api.calls.at(-1)!.accept).toBe('application/json');
    const yaml = (await run('kubectl get pods -o yaml')).stdout;
    expect(yaml).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n {2}kind: Pod\n/);
    expect(yaml).toMatch(/\nkind: List\n/);
  });
});

describe("kubectl apply -f: the tutorial's files, through the API", () => {
  it('opens a tutorial file as a tab of its name, creates, then says unchanged and configured', async () => {
    expect(await run('kubectl apply -f pod_test.yaml')).toMatchObject({
      stdout: 'deployment.apps/my-nginx created\n',
      stderr: '',
      exitCode: 0,
    });
    const { tabs, activeTab } = appStore.getState();
    expect(tabs.find((t) => t.id === activeTab)).toMatchObject({
      title: 'pod_test.yaml',
      text: POD_TEST,
    });
    expect(urls()).toEqual([
      'GET /api/tutorial',
      'GET /apis/apps/v1/namespaces/default/deployments/my-nginx',
      'PATCH /apis/apps/v1/namespaces/default/deployments/my-nginx?fieldManager=kubectl-client-side-apply&force=true',
    ]);
    expect(api.calls.at(-1)!.body).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'my-nginx' },
    });

    // Again: the tab now (no second tab), and the object as it is: unchanged.
    expect((await run('kubectl apply -f pod_test.yaml')).stdout).toBe(
      'deployment.apps/my-nginx unchanged\n',
    );
    expect(appStore.getState().tabs.filter((t) => t.title === 'pod_test.yaml')).toHaveLength(1);
    // An edit of the tab: the file applied again (the API's field managers merge it), configured.
    appStore.getState().setBuffer(POD_TEST.replace('replicas: 2', 'replicas: 3'));
    api.calls.length = 0;
    expect((await run('kubectl apply -f pod_test.yaml')).stdout).toBe(
      'deployment.apps/my-nginx configured\n',
    );
    expect(api.calls[1]).toMatchObject({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/default/deployments/my-nginx?fieldManager=kubectl-client-side-apply&force=true',
      contentType: 'application/apply-patch+yaml',
      body: { kind: 'Deployment', spec: { replicas: 3 } },
    });
    expect(api.get('deployments', 'default', 'my-nginx')!.spec!.replicas).toBe(3);
  });

  it('keeps what the cluster allocated: a Service applied again is unchanged (its ClusterIP stays)', async () => {
    expect((await run('kubectl apply -f service_test.yaml')).stdout).toBe(
      'service/my-nginx created\n',
    );
    const ip = api.get('services', 'default', 'my-nginx')!.spec!.clusterIP;
    expect((await run('kubectl apply -f service_test.yaml')).stdout).toBe(
      'service/my-nginx unchanged\n',
    );
    // The file says no clusterIP: the API keeps its allocation (the applier never owned it).
    expect(api.calls.at(-1)).toMatchObject({ method: 'PATCH', body: { kind: 'Service' } });
    expect(api.get('services', 'default', 'my-nginx')!.spec!.clusterIP).toBe(ip);
  });

  it("prints the API's refusal as kubectl does: one as `The Service ... is invalid`, several one line each", async () => {
    appStore.getState().openTab('web.yaml', service('web', 99999));
    expect(await run('kubectl apply -f web.yaml')).toMatchObject({
      stdout: '',
      stderr:
        'The Service "web" is invalid: spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive\n',
      exitCode: 1,
    });
    appStore
      .getState()
      .openTab(
        'two.yaml',
        `${service('a', 70000)}---\n${service('b', 80)}---\n${service('c', 80000)}`,
      );
    expect(await run('kubectl apply -f two.yaml')).toMatchObject({
      stdout: 'service/b created\n',
      stderr:
        'Error from server (Invalid): error when creating "two.yaml": Service "a" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n' +
        'Error from server (Invalid): error when creating "two.yaml": Service "c" is invalid: spec.ports[0].port: Invalid value: 80000: must be between 1 and 65535, inclusive\n',
    });
    appStore
      .getState()
      .openTab('ns.yaml', POD_TEST.replace('name: my-nginx\n', 'name: x\n  namespace: nginx-ns\n'));
    expect((await run('kubectl apply -f ns.yaml')).stderr).toBe(
      'Error from server (NotFound): error when creating "ns.yaml": namespaces "nginx-ns" not found\n',
    );
  });

  it('stops at a YAML error with its line, and names a file that does not exist as kubectl does', async () => {
    appStore
      .getState()
      .openTab('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n');
    const broken = await run('kubectl apply -f broken.yaml');
    expect(broken.stderr).toMatch(
      /^error: error parsing broken\.yaml: error converting YAML to JSON: yaml: line \d: /,
    );
    expect(await run('kubectl apply -f nope.yaml')).toMatchObject({
      stderr: 'error: the path "nope.yaml" does not exist\n',
      exitCode: 1,
    });
    appStore
      .getState()
      .openTab(
        'cm.yaml',
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n',
      );
    expect((await run('kubectl apply -f cm.yaml')).stderr).toBe(
      'error: resource mapping not found for name: "x" namespace: "" from "cm.yaml": no matches for kind "Ingress" in version "networking.k8s.io/v1"\nensure CRDs are installed first\n',
    );
    expect(urls().filter((u) => !u.endsWith('/api/tutorial'))).toEqual([]);
  });
});

describe('the other writes: delete, scale, create ns', () => {
  it("deletes a type by any of kubectl's names through the API and says what it deleted", async () => {
    api.put('deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'my-nginx' },
    });
    api.put('namespaces', undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'web' },
    });
    pod('client', '127.244.1.9', 'node-3', 'web');
    expect((await run('kubectl delete deploy my-nginx')).stdout).toBe(
      'deployment.apps "my-nginx" deleted\n',
    );
    expect((await run('kubectl delete po/client -n web')).stdout).toBe('pod "client" deleted\n');
    expect((await run('kubectl delete ns web')).stdout).toBe('namespace "web" deleted\n');
    expect((await run('kubectl delete pods -l run=my-nginx --grace-period=0')).stdout).toBe(
      'pod "my-nginx-5b56ccd65f-7dbxk" deleted\npod "my-nginx-5b56ccd65f-q2m4n" deleted\n',
    );
    expect(urls()).toEqual([
      'DELETE /apis/apps/v1/namespaces/default/deployments/my-nginx',
      'DELETE /api/v1/namespaces/web/pods/client',
      'DELETE /api/v1/namespaces/web',
      'GET /api/v1/namespaces/default/pods?labelSelector=run=my-nginx',
      'DELETE /api/v1/namespaces/default/pods/my-nginx-5b56ccd65f-7dbxk?gracePeriodSeconds=0',
      'DELETE /api/v1/namespaces/default/pods/my-nginx-5b56ccd65f-q2m4n?gracePeriodSeconds=0',
    ]);
    expect((await run('kubectl delete svc gone')).stderr).toBe(
      'Error from server (NotFound): services "gone" not found\n',
    );
  });

  it('creates only what is not there, and deletes the objects of a file in its order', async () => {
    await run('kubectl apply -f pod_test.yaml');
    expect((await run('kubectl create -f pod_test.yaml')).stderr).toBe(
      'Error from server (AlreadyExists): error when creating "pod_test.yaml": deployments.apps "my-nginx" already exists\n',
    );
    appStore.getState().openTab('both.yaml', `${POD_TEST}---\n${service('my-nginx', 80)}`);
    expect(await run('kubectl delete -f both.yaml')).toMatchObject({
      stdout: 'deployment.apps "my-nginx" deleted\n',
      stderr:
        'Error from server (NotFound): error when deleting "both.yaml": services "my-nginx" not found\n',
    });
  });

  it('scales through the scale subresource, and creates a namespace once', async () => {
    api.put('deployments', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
    });
    expect((await run('kubectl scale deployment/web --replicas=3')).stdout).toBe(
      'deployment.apps/web scaled\n',
    );
    expect(api.calls.at(-1)).toMatchObject({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/default/deployments/web/scale?fieldManager=kubectl-scale',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 3 } },
    });
    expect((await run('kubectl scale deploy nope --replicas 2')).stderr).toBe(
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    );
    expect((await run('kubectl scale deployment/web')).stderr).toBe(
      'error: required flag(s) "replicas" not set\n',
    );
    expect((await run('kubectl create ns nginx-ns')).stdout).toBe('namespace/nginx-ns created\n');
    expect(api.calls.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/v1/namespaces?fieldManager=kubectl-create',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx-ns' } },
    });
    expect(await run('kubectl create namespace nginx-ns')).toMatchObject({
      stderr: 'Error from server (AlreadyExists): namespaces "nginx-ns" already exists\n',
      exitCode: 1,
    });
  });
});

describe('kubectl create configmap, and a pipe into kubectl apply -f -', () => {
  it('creates a ConfigMap from literals and a file, prints it with --dry-run=client, and applies it from a pipe', async () => {
    expect(
      (await run("kubectl create cm web-html --from-literal=index.html='<h1>v1</h1>'")).stdout,
    ).toBe('configmap/web-html created\n');
    expect(api.calls.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'web-html' },
        data: { 'index.html': '<h1>v1</h1>' },
      },
    });
    const yaml = await run(
      'kubectl create configmap web-html --from-literal=a=1 --from-file=pod_test.yaml --dry-run=client -o yaml',
    );
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(1); // nothing created
    expect(yaml.stdout).toMatch(/^apiVersion: v1\ndata:\n {2}a: "1"\n {2}pod_test\.yaml: /);
    expect(yaml.stdout).toContain('metadata:\n  creationTimestamp: null\n  name: web-html\n');
    // The idiom that changes a ConfigMap: a dry run piped into apply.
    const piped = await run(
      "kubectl create cm web-html --from-literal=index.html='<h1>v2</h1>' --dry-run=client -o yaml | kubectl apply -f -",
    );
    expect(piped).toMatchObject({ stdout: 'configmap/web-html configured\n', exitCode: 0 });
    expect(api.calls.at(-1)).toMatchObject({
      method: 'PATCH',
      url: '/api/v1/namespaces/default/configmaps/web-html?fieldManager=kubectl-client-side-apply&force=true',
    });
  });

  it("refuses what kubectl refuses, in kubectl's words", async () => {
    expect((await run('kubectl create cm x --from-literal=a=1 --from-literal=a=2')).stderr).toBe(
      'error: cannot add key "a", another key by that name already exists in Data for ConfigMap "x"\n',
    );
    expect((await run('kubectl create cm x --from-literal=novalue')).stderr).toBe(
      'error: invalid literal source novalue, expected key=value\n',
    );
    expect((await run('kubectl create cm --from-literal=a=1')).stderr).toBe(
      'error: exactly one NAME is required, got 0\n',
    );
    expect((await run('kubectl create cm x --from-file=nope.txt')).stderr).toBe(
      'error: error reading nope.txt: no such file or directory\n',
    );
  });
});

describe('the rest of the console', () => {
  it('describes on the server, and answers what it does not run as kubectl would', async () => {
    await run('kubectl describe svc my-nginx -n web');
    expect(urls()).toEqual(['GET /api/kubectl?args=describe svc my-nginx -n web']);
    expect((await run('kubectl frobnicate')).stderr).toBe(
      'error: unknown command "frobnicate" for "kubectl"\nRun \'kubectl help\' for usage.\n',
    );
    expect((await run('kubectl logs my-nginx')).stderr).toMatch(
      /^error: the console does not run "kubectl logs": run it with the real kubectl/,
    );
    const help = (await run('kubectl help')).stdout;
    for (const served of [
      'kubectl get',
      'kubectl apply -f',
      'pod_test.yaml',
      'kubectl create ns',
      'kubectl scale',
    ])
      expect(help).toContain(served);
  });

  it("hands exec's command to the pod's shell with its quoting intact", async () => {
    await run(`kubectl exec client -- sh -c "wget -qO- my-nginx | grep Served"`);
    await run('kubectl exec -it -n web client -- head -n 1 /etc/hosts');
    expect(api.calls.map(({ url, body }) => ({ url, body }))).toEqual([
      {
        url: '/api/pods/default/client/exec',
        body: { command: `sh -c 'wget -qO- my-nginx | grep Served'` },
      },
      { url: '/api/pods/web/client/exec', body: { command: 'head -n 1 /etc/hosts' } },
    ]);
  });

  it('runs exec -c in that container, and opens its shell with -it', async () => {
    await run('kubectl exec client -c dns -- printenv ROLE');
    await run('kubectl exec -n web client --container=web -- printenv ROLE');
    await run('kubectl exec client -cdns -- true');
    expect(api.calls.map(({ url, body }) => ({ url, body }))).toEqual([
      {
        url: '/api/pods/default/client/exec',
        body: { command: 'printenv ROLE', container: 'dns' },
      },
      { url: '/api/pods/web/client/exec', body: { command: 'printenv ROLE', container: 'web' } },
      { url: '/api/pods/default/client/exec', body: { command: 'true', container: 'dns' } },
    ]);
    await run('kubectl exec -it client -c dns -- sh');
    expect(appStore.getState().terminalTarget.target).toBe('default/client/dns');
    expect((await run('kubectl exec client -c')).stderr).toBe(
      "error: flag needs an argument: 'c' in -c\n",
    );
    expect((await run('kubectl exec client --container')).stderr).toBe(
      'error: flag needs an argument: --container\n',
    );
    // The API server's refusal in its Status words, the kubelet's as kubectl prints it.
    expect((await run('kubectl exec client -c db -- true')).stderr).toBe(
      'Error from server (BadRequest): container db is not valid for pod client\n',
    );
    expect((await run('kubectl exec client -c init -- true')).stderr).toBe(
      'error: unable to upgrade connection: container not found ("init")\n',
    );
  });

  it("kubectl exec -it <pod> -- sh opens that pod's shell in the terminal", async () => {
    const { seq } = appStore.getState().terminalTarget;
    await run('kubectl exec -it client -n web -- sh');
    expect(appStore.getState().terminalTarget).toEqual({ seq: seq + 1, target: 'web/client' });
    await run('kubectl exec client -- sh'); // no stdin: the shell reads nothing and exits
    expect(appStore.getState().terminalTarget.seq).toBe(seq + 1);
    expect(api.calls).toEqual([]);
  });

  it('pipes kubectl into grep / wc on this side, and joins commands with && and ;', async () => {
    const r = await run('kubectl exec my-nginx-5b56ccd65f-7dbxk -- printenv | grep SERVICE_HOST');
    expect(api.calls[0]!.body).toEqual({ command: 'printenv' });
    expect(r.stdout).toBe(
      'KUBERNETES_SERVICE_HOST=127.96.0.1\nMY_NGINX_SERVICE_HOST=127.96.0.12\n',
    );
    expect((await run('kubectl get pods | grep -c Running')).stdout).toBe('2\n');
    expect((await run('kubectl get pods | grep nothing && echo no; get pods | wc -l')).stdout).toBe(
      '3\n',
    );
  });

  it('prints what each command wrote in the order it wrote it: an error between two tables', async () => {
    const r = await run('kubectl get pods; kubectl get nope; kubectl get pods | wc -l');
    const shown = execOutputInOrder(r).map(([fd, text]) => `${fd}:${text.split('\n')[0]}`);
    expect(shown).toEqual([
      expect.stringMatching(/^1:NAME +READY/),
      `2:error: the server doesn't have a resource type "nope"`,
      '1:3',
    ]);
  });

  it("gets --raw what the API answers, a pod's page through its proxy too", async () => {
    const page = '<!DOCTYPE html>\n<h1>Welcome to nginx!</h1>\n';
    api.proxied = (url) =>
      url === '/api/v1/namespaces/default/services/my-nginx/proxy/'
        ? new Response(page, { headers: { 'Content-Type': 'text/html' } })
        : undefined;
    const raw = await run('kubectl get --raw /api/v1/namespaces/default/services/my-nginx/proxy/');
    expect(raw).toMatchObject({ stdout: page, stderr: '', exitCode: 0 });
    expect(api.calls.at(-1)?.accept).toBe('application/json, */*');
    expect(await run('kubectl get --raw=/api/v1/namespaces/default/pods/nope')).toMatchObject({
      stderr: 'Error from server (NotFound): pods "nope" not found\n',
      exitCode: 1,
    });
    expect((await run('kubectl get pods --raw /api')).stderr).toBe(
      'error: arguments may not be passed when --raw is specified\n',
    );
    expect((await run('kubectl get --raw')).stderr).toBe('error: flag needs an argument: --raw\n');
  });

  it('says where pod tools run, and reports syntax errors like a shell', async () => {
    expect(await run('wget -qO- my-nginx')).toMatchObject({
      exitCode: 127,
      stderr: expect.stringMatching(/^sh: wget: not found \(wget runs inside a pod/),
    });
    expect(await run('kubectl exec client -- sh -c "unterminated')).toMatchObject({
      exitCode: 2,
      stderr: 'sh: syntax error: unterminated quoted string\n',
    });
    expect((await run('kubectl exec client sh')).stderr).toMatch(/Use exec \[POD\] -- \[COMMAND\]/);
    expect(api.calls).toEqual([]);
  });
});

describe("the context's namespace (a workshop student's own)", () => {
  afterEach(() => setContextNamespace(undefined));

  it('reads and writes there without -n, as kubectl with the student kubeconfig does', async () => {
    setContextNamespace('alice');
    pod('web', '127.244.0.9', 'node-1', 'alice');
    expect((await run('kubectl get pods')).stdout).toContain('web');
    await run('kubectl apply -f pod_test.yaml');
    expect(urls().filter((u) => u.includes('/namespaces/'))).toEqual(
      expect.arrayContaining([expect.stringContaining('/api/v1/namespaces/alice/pods')]),
    );
    expect(urls().some((u) => u.includes('/namespaces/default/'))).toBe(false);
  });
});
