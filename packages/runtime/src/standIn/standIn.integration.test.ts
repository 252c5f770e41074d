// Stand-ins under the kubelet, with every runtime this machine has (builtin; nginx when installed;
// docker when an engine answers, where these images are absent and so get their stand-ins too):
// real sockets on the pods' own loopback addresses, real probes, real time. Addresses: a random
// pod /16 in 127.150-199.0.0 (testRuntimes.ts).
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod } from '@l4lab/protocol';
import { isPodReady, podStatusText } from '@l4lab/protocol';
import { type TestNode, availableRuntimes, startTestKubelet, waitFor } from '../testRuntimes.ts';

const runtimes = await availableRuntimes();

function pod(name: string, container: Partial<Container>, restartPolicy?: 'Never'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [{ name: 'main', image: 'busybox', ...container }],
    },
  };
}

/** One TCP exchange: what the server answers to `data`, until it has said a line. */
function tcpExchange(ip: string, port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = connect({ host: ip, port }, () => s.write(data));
    s.on('data', (d) => {
      got += d.toString();
      if (got.includes('\n')) {
        s.destroy();
        resolve(got);
      }
    });
    s.once('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error('no answer in 5 s')));
  });
}

describe.each(runtimes)('stand-ins with the %s runtime', (name) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestKubelet(name);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (n: string) => t.cluster.store.get('Pod', 'default', n);
  const running = (n: string) =>
    waitFor(`${n} running`, () => {
      const p = get(n);
      return p?.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    });
  const ready = (n: string) =>
    waitFor(`${n} Ready`, () => (isPodReady(get(n)!) ? get(n) : undefined));
  const address = (p: Pod, port: number) => t.mapper.resolve(p.status!.podIP!, port, 'TCP');

  it('serves a redis pod on 6379: PING answered, HTTP named, and the status says stand-in', async () => {
    t.cluster.apply([pod('redis-0', { image: 'redis:7', ports: [{ containerPort: 6379 }] })]);
    const p = await ready('redis-0');
    const a = address(p, 6379);
    expect(await tcpExchange(a.ip, a.port, 'PING\r\n')).toBe('+PONG\r\n');
    const res = await fetch(`http://${a.ip}:${a.port}/`);
    expect(res.headers.get('x-pod-name')).toBe('redis-0');
    expect(await res.text()).toBe(
      'stand-in for redis:7 in pod redis-0 (l4lab: this image is not run; its ports accept connections)\n',
    );
    // docker says first why the image does not run (not present locally, no registry).
    expect(p.status?.message).toMatch(/(^|; )stand-in for redis:7: /);
  });

  it('answers hashicorp/http-echo -text=hello on its default port 5678', async () => {
    t.cluster.apply([
      pod('echo', {
        image: 'hashicorp/http-echo:1.0',
        args: ['-text=hello'],
        ports: [{ containerPort: 5678 }],
      }),
    ]);
    const p = await ready('echo');
    const a = address(p, 5678);
    const res = await fetch(`http://${a.ip}:${a.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-app-name')).toBe('http-echo');
    expect(await res.text()).toBe('hello\n');
  });

  it('serves agnhost netexec over HTTP and UDP, also when a shell script starts it', async () => {
    t.cluster.apply([
      pod('netexec', {
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.39',
        args: ['netexec', '--http-port=8080', '--udp-port=8081'],
      }),
      pod('scripted', {
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.39',
        command: ['/bin/sh', '-c', 'echo starting; /agnhost netexec --http-port=9000'],
        ports: [{ containerPort: 9000 }],
      }),
    ]);
    const p = await running('netexec');
    const a = address(p, 8080);
    expect(await (await fetch(`http://${a.ip}:${a.port}/hostname`)).text()).toBe('netexec');
    // A status Node cannot send fails that request only (Go's server would drop it too).
    expect((await fetch(`http://${a.ip}:${a.port}/echo?msg=x&code=1`)).status).toBe(500);
    const u = t.mapper.resolve(p.status!.podIP!, 8081, 'UDP');
    const sock = createSocket('udp4');
    const answer = new Promise<string>((resolve) =>
      sock.once('message', (m) => resolve(String(m))),
    );
    sock.send('hostname', u.port, u.ip);
    expect(await answer).toBe('netexec');
    sock.close();
    const s = await ready('scripted');
    const b = address(s, 9000);
    expect(await (await fetch(`http://${b.ip}:${b.port}/echo?msg=hi`)).text()).toBe('hi');
    expect(await t.kubelet.handleOf('default', 'scripted')?.logs()).toEqual([
      'starting',
      expect.stringMatching(/Started UDP server on port {2}8081$/),
      expect.stringMatching(/Started HTTP server on port 9000$/),
    ]);
  });

  it('keeps a pod unready for its readiness probe initialDelaySeconds, though it serves', async () => {
    t.cluster.apply([
      pod('late', {
        image: 'gcr.io/google-samples/hello-app:2.0',
        ports: [{ containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 3 },
      }),
    ]);
    const p = await running('late');
    const started = Date.now();
    const a = address(p, 8080);
    expect(await (await fetch(`http://${a.ip}:${a.port}/`)).text()).toBe(
      'Hello, world!\nVersion: 2.0.0\nHostname: late\n',
    );
    expect(isPodReady(get('late')!)).toBe(false);
    await ready('late');
    // The container was running before `started`: Ready at least 3 s after it, less the polling.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('ends busybox `sh -c "exit 1"` with restartPolicy Never as Error, exit code 1', async () => {
    t.cluster.apply([pod('fails', { command: ['sh', '-c', 'exit 1'] }, 'Never')]);
    const p = await waitFor('fails Failed', () =>
      get('fails')?.status?.phase === 'Failed' ? get('fails') : undefined,
    );
    expect(p.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      reason: 'Error',
      exitCode: 1,
    });
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(podStatusText(p)).toBe('Error');
  });
});
