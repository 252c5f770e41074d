// The four seed walkthroughs as a student types them: shell scripts of the real kubectl (and curl)
// against a started lab, their printed output asserted. Addresses: random test ranges
// (testRanges.ts), reached natively (Linux as root, as CI runs).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startTestLab, type TestLab } from './testLab.ts';
import { runOnlyIf } from './testSkip.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const onPath = (cmd: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, cmd)));

let t: TestLab;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-walkthrough-home-'));
  t = await startTestLab({ runtime: 'builtin' });
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

/**
 * Runs a bash script with the lab's kubeconfig; `set -euo pipefail`, so a failing line fails it
 * (so no `cmd | head -1`: head may close the pipe before cmd is done, and SIGPIPE fails the line).
 */
function script(
  ctx: TestContext,
  text: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  runOnlyIf(ctx, onPath('kubectl'), 'kubectl is not on PATH');
  runOnlyIf(ctx, onPath('curl'), 'curl is not on PATH');
  runOnlyIf(ctx, t.lab.info.addressMode === 'native', 'the lab runs in mapped mode (not root)');
  return new Promise((done) => {
    execFile(
      'bash',
      ['-c', `set -euo pipefail\n${text}`],
      {
        cwd: t.lab.tutorial ?? ROOT,
        env: {
          ...process.env,
          KUBECONFIG: t.lab.kubeconfig,
          HOME: home,
          SCENARIOS: join(ROOT, 'scenarios'),
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        done({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 }),
    );
  });
}

describe('the seed walkthroughs with kubectl', () => {
  it("01 ClusterIP, from the tutorial's files: two pods with their IPs, the ClusterIP; a deleted pod comes back with a new IP", async (ctx) => {
    const r = await script(
      ctx,
      `kubectl apply -f pod_test.yaml
kubectl apply -f service_test.yaml
kubectl wait --for=condition=Ready pod -l run=my-nginx --timeout=30s >/dev/null
kubectl get pods -l run=my-nginx -o wide
kubectl get svc -l run=my-nginx
victim=pod/$(kubectl get pods -l run=my-nginx -o jsonpath='{.items[0].metadata.name}')
old_ip=$(kubectl get "$victim" -o jsonpath='{.status.podIP}')
kubectl delete "$victim"
kubectl wait --for=condition=Ready pod -l run=my-nginx --timeout=30s >/dev/null
echo "old $old_ip"
kubectl get pods -l run=my-nginx -o jsonpath='{range .items[*]}new {.status.podIP}{"\\n"}{end}'`,
    );
    expect(r.code, `the script failed: ${r.stderr}`).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'deployment.apps/my-nginx created',
      'service/my-nginx created',
    ]);
    expect(lines[2]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(
      lines
        .slice(3, 5)
        .every((l) =>
          /^my-nginx-\S+\s+1\/1\s+Running\s+0\s+\S+\s+127\.\d+\.\d+\.\d+\s+node-\d/.test(l),
        ),
    ).toBe(true);
    expect(lines[6]).toMatch(/^my-nginx\s+ClusterIP\s+127\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+/);
    const old = /^old (\S+)$/m.exec(r.stdout)![1];
    const fresh = [...r.stdout.matchAll(/^new (\S+)$/gm)].map((m) => m[1]);
    expect(fresh).toHaveLength(2);
    expect(fresh).not.toContain(old);
  });

  it('02 NodePort: curl <node IP>:30380 reaches a pod', async (ctx) => {
    const r = await script(
      ctx,
      `kubectl apply -f pod_nodeport.yaml -f service_nodeport.yaml >/dev/null
kubectl wait --for=condition=Ready pod -l run=my-nginx-nodeport --timeout=30s >/dev/null
kubectl get svc my-nginx-nodeport
node_ip=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[0].address}')
for i in 1 2 3 4 5; do curl -s -m 3 "http://$node_ip:30380/" && break || sleep 0.5; done | grep -o '<title>.*</title>'`,
    );
    expect(r.code, `the script failed: ${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^my-nginx-nodeport\s+NodePort\s+\S+\s+<none>\s+80:30380\/TCP\s+/m);
    expect(r.stdout).toMatch(/^<title>Welcome to nginx!<\/title>$/m);
  });

  it('03 ExternalName: from the busybox pod, both names give the same page, across namespaces', async (ctx) => {
    const r = await script(
      ctx,
      `kubectl apply -f client.yaml
kubectl apply -f client_svc.yaml
kubectl create ns nginx-ns
kubectl apply -f server_nginx.yaml
kubectl apply -f nginx_svc.yaml
kubectl wait --for=condition=Ready pod --all -n nginx-ns --timeout=30s >/dev/null
kubectl wait --for=condition=Ready pod -l app=busybox --timeout=30s >/dev/null
client=pod/$(kubectl get pods -l app=busybox -o jsonpath='{.items[0].metadata.name}')
a=$(kubectl exec -it "$client" -- wget -q -O - client-svc.default.svc.cluster.local)
b=$(kubectl exec -it "$client" -- wget -q -O - nginx-svc.nginx-ns.svc.cluster.local)
[ "$a" = "$b" ] && echo same
echo "$a" | grep -o '<title>.*</title>'
kubectl get svc client-svc`,
    );
    expect(r.code, `the script failed: ${r.stderr}`).toBe(0);
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      'deployment.apps/client created',
      'service/client-svc created',
      'namespace/nginx-ns created',
      'deployment.apps/nginx created',
      'service/nginx-svc created',
    ]);
    expect(r.stdout).toMatch(/^same$/m);
    expect(r.stdout).toMatch(/^<title>Welcome to nginx!<\/title>$/m);
    expect(r.stdout).toMatch(
      /^client-svc\s+ExternalName\s+<none>\s+nginx-svc\.nginx-ns\.svc\.cluster\.local\s+/m,
    );
  });

  it('04 LoadBalancer: an EXTERNAL-IP, and curl to it reaches a pod', async (ctx) => {
    const r = await script(
      ctx,
      `kubectl apply -f "$SCENARIOS/04-loadbalancer.yaml" >/dev/null
kubectl wait --for=jsonpath='{.status.loadBalancer.ingress[0].ip}' svc/my-nginx-lb --timeout=30s >/dev/null
kubectl wait --for=condition=Ready pod -l run=my-nginx-lb --timeout=30s >/dev/null
kubectl get svc my-nginx-lb
lb=$(kubectl get svc my-nginx-lb -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
for i in 1 2 3 4 5; do curl -s -m 3 "http://$lb/" && break || sleep 0.5; done | grep -o '<title>.*</title>'`,
    );
    expect(r.code, `the script failed: ${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(
      /^my-nginx-lb\s+LoadBalancer\s+\S+\s+127\.\d+\.\d+\.\d+\s+80:\d+\/TCP\s+/m,
    );
    expect(r.stdout).toMatch(/^<title>Welcome to nginx!<\/title>$/m);
  });
});

describe('the Kubernetes Basics tutorial with kubectl', () => {
  it('kubernetes-bootcamp: create, kubectl proxy, exec, expose, update to v2, a failed v10, undo', async (ctx) => {
    const r = await script(
      ctx,
      `kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1
kubectl wait --for=condition=Ready pod -l app=kubernetes-bootcamp --timeout=30s >/dev/null
POD_NAME=$(kubectl get pods -l app=kubernetes-bootcamp -o jsonpath='{.items[0].metadata.name}')
echo "pod $POD_NAME"
kubectl get --raw "/api/v1/namespaces/default/pods/$POD_NAME:8080/proxy/"
kubectl exec "$POD_NAME" -- curl -s http://localhost:8080
kubectl exec "$POD_NAME" -- grep 'v=' server.js
kubectl logs "$POD_NAME"
kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080
NODE_PORT=$(kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}')
node_ip=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[0].address}')
get() { for i in 1 2 3 4 5; do curl -s -m 3 "http://$node_ip:$NODE_PORT/" && return || sleep 0.5; done; }
get
kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2
kubectl rollout status deployments/kubernetes-bootcamp --timeout=30s
get
kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10
for i in $(seq 40); do kubectl get pods | grep -q ImagePullBackOff && break; sleep 0.25; done
kubectl get pods | grep -o 'ImagePullBackOff' | head -1
kubectl rollout undo deployments/kubernetes-bootcamp
kubectl rollout status deployments/kubernetes-bootcamp --timeout=30s
get`,
    );
    expect(r.code, `the script failed: ${r.stderr}`).toBe(0);
    const pod = /^pod (\S+)$/m.exec(r.stdout)![1]!;
    const v1 = `Hello Kubernetes bootcamp! | Running on: ${pod} | v=1`;
    const lines = r.stdout.split('\n');
    // Through the API server's proxy, from inside the pod, then through its NodePort: its one pod.
    expect(lines.filter((l) => l === v1)).toHaveLength(3);
    expect(r.stdout).toMatch(
      new RegExp(`^Kubernetes Bootcamp App Started At: \\S+Z \\| Running On: {2}${pod} $`, 'm'),
    );
    expect(r.stdout).toMatch(
      /^Running On: \S+ \| Total Requests: 1 \| App Uptime: [\d.]+ seconds/m,
    );
    expect(r.stdout).toMatch(/^ {2}response\.end\(" \| v=1\\n"\);$/m); // cat server.js
    expect(r.stdout).toMatch(/^service\/kubernetes-bootcamp exposed$/m);
    expect(r.stdout).toMatch(/^ImagePullBackOff$/m);
    expect(r.stdout).toMatch(/^deployment\.apps\/kubernetes-bootcamp rolled back$/m);
    // After v2, and after undoing v10: v2 answers.
    const v2 = lines.filter((l) =>
      /^Hello Kubernetes bootcamp! \| Running on: \S+ \| v=2$/.test(l),
    );
    expect(v2).toHaveLength(2);
  });
});
