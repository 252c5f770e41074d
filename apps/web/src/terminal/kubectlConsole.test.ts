// The console against a fake server: a fetch that records each call and answers like l4lab's API.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../store/appStore.ts';
import { CONSOLE_PROMPT, runKubectl } from './kubectlConsole.ts';

const PODS = `NAME                        READY   STATUS    RESTARTS   AGE   IP
my-nginx-5b56ccd65f-7dbxk   1/1     Running   0          10s   127.244.0.4
my-nginx-5b56ccd65f-q2m4n   1/1     Running   0          10s   127.244.0.5
`;

interface Call {
  url: string;
  body: unknown;
}
let calls: Call[];

function fakeServer() {
  return async (url: string, init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ url: decodeURIComponent(url), body });
    if (url.startsWith('/api/kubectl'))
      return Response.json({ stdout: PODS, stderr: '', exitCode: 0 });
    if (init?.method === 'DELETE' && url.startsWith('/api/objects/'))
      return Response.json({ deleted: {} });
    if (url.endsWith('/exec')) {
      const env = 'KUBERNETES_SERVICE_HOST=127.96.0.1\nMY_NGINX_SERVICE_HOST=127.96.0.12\nHOME=/\n';
      return Response.json({ stdout: env, stderr: '', exitCode: 0, trace: [] });
    }
    return new Response('not found', { status: 404 });
  };
}

const run = async (line: string) => {
  const r = await runKubectl(line, new AbortController().signal);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

beforeEach(() => {
  calls = [];
  vi.stubGlobal('fetch', fakeServer());
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the kubectl console', () => {
  it('prompts with a plain $ and takes the command with or without kubectl', async () => {
    expect(CONSOLE_PROMPT).toBe('$ ');
    expect((await run('kubectl get pods -l run=my-nginx -o wide')).stdout).toBe(PODS);
    await run('get pods -l run=my-nginx -o wide');
    await run(`k get pods -l 'run=my-nginx' -o wide`);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/kubectl?args=get pods -l run=my-nginx -o wide',
      '/api/kubectl?args=get pods -l run=my-nginx -o wide',
      '/api/kubectl?args=get pods -l run=my-nginx -o wide',
    ]);
  });

  it("hands exec's command to the pod's shell with its quoting intact", async () => {
    await run(`kubectl exec client -- sh -c "wget -qO- my-nginx | grep Served"`);
    await run('kubectl exec -it -n web client -- head -n 1 /etc/hosts');
    expect(calls).toEqual([
      {
        url: '/api/pods/default/client/exec',
        body: { command: `sh -c 'wget -qO- my-nginx | grep Served'` },
      },
      { url: '/api/pods/web/client/exec', body: { command: 'head -n 1 /etc/hosts' } },
    ]);
  });

  it("kubectl exec -it <pod> -- sh opens that pod's shell in the terminal", async () => {
    const { seq } = appStore.getState().terminalTarget;
    await run('kubectl exec -it client -n web -- sh');
    expect(appStore.getState().terminalTarget).toEqual({ seq: seq + 1, target: 'web/client' });
    await run('kubectl exec client -- sh'); // no stdin: the shell reads nothing and exits
    expect(appStore.getState().terminalTarget.seq).toBe(seq + 1);
    expect(calls).toEqual([]);
  });

  it('pipes kubectl into grep / wc on this side, and joins commands with && and ;', async () => {
    const r = await run('kubectl exec my-nginx-5b56ccd65f-7dbxk -- printenv | grep SERVICE_HOST');
    expect(calls[0]!.body).toEqual({ command: 'printenv' });
    expect(r.stdout).toBe(
      'KUBERNETES_SERVICE_HOST=127.96.0.1\nMY_NGINX_SERVICE_HOST=127.96.0.12\n',
    );
    expect((await run('kubectl get pods | grep -c Running')).stdout).toBe('2\n');
    expect((await run('kubectl get pods | grep nothing && echo no; get pods | wc -l')).stdout).toBe(
      '3\n',
    );
  });

  it("deletes a type by any of kubectl's names and says what it deleted as kubectl does", async () => {
    expect((await run('kubectl delete deploy my-nginx')).stdout).toBe(
      'deployment.apps "my-nginx" deleted\n',
    );
    expect((await run('kubectl delete po/client -n web')).stdout).toBe('pod "client" deleted\n');
    expect((await run('kubectl delete ns web')).stdout).toBe('namespace "web" deleted\n');
    await run('kubectl delete no node-3');
    expect(calls.map((c) => c.url)).toEqual([
      '/api/objects/deployments/default/my-nginx',
      '/api/objects/pods/web/client',
      '/api/objects/namespaces/web',
      '/api/objects/nodes/node-3',
    ]);
    expect((await run('kubectl delete ep my-nginx')).stderr).toMatch(/^error: usage/);
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
    expect(calls).toEqual([]);
  });
});
