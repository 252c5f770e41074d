// The stand-in table: which image gets what, and each demo image's answers as its real program
// gives them (their sources are named in demoImages.ts). Pure: handlers called directly, a fake
// clock, no sockets. Addresses are examples (pod 127.244.1.5, client 127.30.0.7), never contacted.
import { describe, expect, it } from 'vitest';
import type { Container } from '@l4lab/protocol';
import { FakeClock } from '@l4lab/cluster';
import type { HttpAsk, Listener, ProgramContext } from './standInTypes.ts';
import {
  containerArgv,
  containerEnv,
  genericListeners,
  imageFiles,
  parseImage,
  redisAnswer,
  imageHasBash,
  shellPrompt,
  standInOf,
  hasOldNslookup,
} from './standIns.ts';

const POD = { namespace: 'default', name: 'web-7d4b9', ip: '127.244.1.5', node: 'node-2' };

function ask(path: string, more: Partial<HttpAsk> = {}): HttpAsk {
  return {
    method: 'GET',
    path,
    httpVersion: '1.1',
    host: '127.244.1.5:8080',
    headers: [
      ['Host', '127.244.1.5:8080'],
      ['User-Agent', 'curl/8.5.0'],
      ['Accept', '*/*'],
    ],
    remoteAddress: '127.30.0.7',
    remotePort: 41234,
    ...more,
  };
}

/** Starts the image's emulated program as the container would run it. */
function start(image: string, c: Partial<Container> = {}) {
  const clock = new FakeClock();
  const entry = standInOf(image);
  const container: Container = { name: 'c', image, ...c };
  const argv = containerArgv(container, entry);
  const logs: string[] = [];
  const ctx: ProgramContext = {
    pod: POD,
    image,
    tag: parseImage(image).tag,
    env: containerEnv(container, POD),
    clock,
    startedAt: clock.now(),
    ports: c.ports ?? [],
    log: (l) => logs.push(l),
    generic: () => genericListeners(image, POD, c.ports ?? [], entry),
  };
  const program = entry!.program!.run(argv.slice(1), ctx);
  const listener = (port: number, protocol: 'TCP' | 'UDP' = 'TCP') => {
    const l = program.listeners.find((x) => x.port === port && x.protocol === protocol);
    if (!l) throw new Error(`nothing on ${port}/${protocol}: ${JSON.stringify(program.listeners)}`);
    return l;
  };
  const http = (port: number, path: string, more?: Partial<HttpAsk>) => {
    const l = listener(port) as Extract<Listener, { http: unknown }>;
    return l.http(ask(path, more));
  };
  const udp = (port: number, data: string) =>
    (listener(port, 'UDP') as Extract<Listener, { protocol: 'UDP' }>).udp(data, {
      address: '127.30.0.7',
      port: 5353,
    });
  return { program, clock, logs, http, udp, listener };
}

describe('the stand-in table', () => {
  it('reads image references: registry host, library/, tag and digest', () => {
    expect(parseImage('registry.k8s.io/e2e-test-images/agnhost:2.39@sha256:abc')).toEqual({
      repo: 'e2e-test-images/agnhost',
      tag: '2.39',
    });
    expect(parseImage('docker.io/library/redis')).toEqual({ repo: 'redis', tag: 'latest' });
    expect(parseImage('localhost:5000/team/app:v1')).toEqual({ repo: 'team/app', tag: 'v1' });
    expect(parseImage('hashicorp/http-echo')).toEqual({
      repo: 'hashicorp/http-echo',
      tag: 'latest',
    });
  });

  it('has bash where the image does: not in busybox or Alpine images', () => {
    for (const image of ['nginx', 'nginx:1.27', 'ubuntu:24.04', 'redis', 'unknown/app:v1'])
      expect(imageHasBash(image), image).toBe(true);
    for (const image of [
      'busybox',
      'busybox:1.36',
      'docker.io/library/alpine:3.20',
      'radial/busyboxplus:curl',
      'curlimages/curl:8.10.1',
      'nginx:alpine',
      'nginx:1.27-alpine',
      'node:20-alpine3.20',
    ])
      expect(imageHasBash(image), image).toBe(false);
  });

  it("prompts as each image's shell does: busybox's, bash's as root, or the image's own PS1", () => {
    expect(shellPrompt('busybox:1.36', 'shell', 'sh')).toBe('/ # ');
    expect(shellPrompt('ubuntu', 'box', 'bash')).toBe('root@box:/# ');
    expect(shellPrompt('radial/busyboxplus:curl', 'curl', 'sh')).toBe('[ root@curl:/ ]$ ');
    expect(shellPrompt('docker.io/radial/busyboxplus:curl', 'c-1', 'bash')).toBe(
      '[ root@c-1:/ ]$ ',
    );
    expect(standInOf('radial/busyboxplus:curl')?.cmd).toEqual(['sh']);
  });

  it('finds each image its entry, and none for an image it does not know', () => {
    const program = (image: string) => standInOf(image)?.program?.binary;
    expect(program('hashicorp/http-echo:1.0')).toBe('http-echo');
    expect(program('registry.k8s.io/e2e-test-images/agnhost:2.39')).toBe('agnhost');
    expect(program('us-docker.pkg.dev/google-samples/containers/gke/hello-app:1.0')).toBe(
      'hello-app',
    );
    expect(program('traefik/whoami')).toBe('whoami');
    expect(program('registry.k8s.io/echoserver:1.10')).toBe('run.sh');
    expect(standInOf('gcr.io/google_samples/gb-redis-follower:v2')?.ports).toEqual([6379]);
    expect(standInOf('mysql:8')?.ports).toEqual([3306]);
    expect(standInOf('busybox:1.36')?.cmd).toEqual(['sh']);
    expect(standInOf('curlimages/curl:8.11.0')?.cmd).toEqual(['curl']);
    expect(standInOf('example.com/team/shop-frontend:3')).toBeUndefined();
    expect(standInOf('someone/http-echo')).toBeUndefined();
  });

  it('runs what Kubernetes runs: command replaces ENTRYPOINT and CMD, args replaces CMD', () => {
    const agnhost = standInOf('agnhost');
    const argv = (c: Partial<Container>) =>
      containerArgv({ name: 'c', image: 'agnhost', ...c }, agnhost);
    expect(argv({})).toEqual(['/agnhost', 'pause']);
    expect(argv({ args: ['netexec'] })).toEqual(['/agnhost', 'netexec']);
    expect(argv({ command: ['sh', '-c', 'sleep 1'] })).toEqual(['sh', '-c', 'sleep 1']);
    expect(argv({ command: ['/agnhost'], args: ['serve-hostname'] })).toEqual([
      '/agnhost',
      'serve-hostname',
    ]);
    expect(containerArgv({ name: 'c', image: 'x/y' }, undefined)).toEqual([]);
  });

  it('gives the environment: PATH, HOSTNAME, HOME, values and downward API fields', () => {
    const env = containerEnv(
      {
        name: 'c',
        image: 'busybox',
        env: [
          { name: 'A', value: '1' },
          { name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ],
      },
      POD,
    );
    expect(Object.fromEntries(env)).toMatchObject({
      HOSTNAME: 'web-7d4b9',
      HOME: '/root',
      A: '1',
      MY_POD_IP: '127.244.1.5',
      MY_NODE: 'node-2',
    });
  });
});

describe('hasOldNslookup', () => {
  it('says which images have a busybox older than 1.29 (nslookup in its first format)', () => {
    const old = ['busybox:1.28', 'docker.io/library/busybox:1.27.2', 'radial/busyboxplus:curl'];
    old.push(
      'gcr.io/google-containers/busybox',
      'k8s.gcr.io/busybox',
      'registry.k8s.io/busybox:1.24',
    );
    for (const image of old) expect([image, hasOldNslookup(image)]).toEqual([image, true]);
    const current = ['busybox', 'busybox:latest', 'busybox:1.29', 'busybox:1.36.1', 'nginx:1.14.2'];
    for (const image of current) expect([image, hasOldNslookup(image)]).toEqual([image, false]);
  });
});

describe('the generic stand-in', () => {
  const listeners = genericListeners(
    'redis:7',
    POD,
    [{ containerPort: 6379 }, { containerPort: 9121, protocol: 'UDP' }],
    standInOf('redis:7'),
  );

  it("listens on each declared port and the image's own, once each", () => {
    expect(listeners.map((l) => `${l.port}/${l.protocol}`)).toEqual(['6379/TCP', '9121/UDP']);
    const mongo = genericListeners('mongo:7', POD, [], standInOf('mongo:7'));
    expect(mongo.map((l) => `${l.port}/${l.protocol}`)).toEqual(['27017/TCP']);
    expect(genericListeners('example.com/app', POD, [], undefined)).toEqual([]);
  });

  it('answers HTTP naming the image and the pod, UDP with the pod, redis bytes as redis', () => {
    const tcp = listeners[0] as Extract<Listener, { http: unknown }>;
    expect(tcp.http(ask('/'))).toEqual({
      status: 200,
      body: 'stand-in for redis:7 in pod web-7d4b9 (l4lab: this image is not run; its ports accept connections)\n',
    });
    expect(tcp.line?.('PING\r\n')).toBe('+PONG\r\n');
    const udp = listeners[1] as Extract<Listener, { protocol: 'UDP' }>;
    expect(udp.udp('hello', { address: '127.30.0.7', port: 1 })).toBe('default/web-7d4b9\n');
    const other = genericListeners('postgres:16', POD, [{ containerPort: 5432 }], undefined)[0];
    expect((other as Extract<Listener, { http: unknown }>).line?.('\0\0\0\x08')).toMatch(
      /^stand-in for postgres:16 in pod web-7d4b9 /,
    );
  });

  it('speaks enough redis: PING, PING msg, ECHO in RESP, and refuses the rest', () => {
    expect(redisAnswer('*1\r\n$4\r\nping\r\n', 'redis')).toBe('+PONG\r\n');
    expect(redisAnswer('*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n', 'redis')).toBe('$2\r\nhi\r\n');
    expect(redisAnswer('PING hello\r\n', 'redis')).toBe('$5\r\nhello\r\n');
    expect(redisAnswer('GET k\r\n', 'redis:7')).toBe(
      "-ERR l4lab stand-in for redis:7: this image is not run, 'GET' is not answered\r\n",
    );
  });
});

describe('the demo images', () => {
  it('hashicorp/http-echo answers its -text on :5678, its -listen and -status-code', () => {
    const echo = start('hashicorp/http-echo', { args: ['-text=hello'] });
    expect(echo.http(5678, '/')).toMatchObject({ status: 200, body: 'hello\n' });
    expect(echo.http(5678, '/anything').headers).toEqual({
      'X-App-Name': 'http-echo',
      'X-App-Version': '1.0.0',
    });
    expect(echo.http(5678, '/health').body).toBe('{"status":"ok"}\n');
    expect(echo.logs).toHaveLength(2);
    const other = start('hashicorp/http-echo', {
      args: ['-listen=:8080', '-text', 'bye', '-status-code=418'],
    });
    expect(other.http(8080, '/')).toMatchObject({ status: 418, body: 'bye\n' });
  });

  it('hashicorp/http-echo without -text exits 127 as the real one does', () => {
    const { program } = start('hashicorp/http-echo');
    expect(program.exit).toEqual({
      code: 127,
      message: 'Missing -text option OR ENV var TEXT is empty!',
    });
    const env = start('hashicorp/http-echo', { env: [{ name: 'ECHO_TEXT', value: 'from env' }] });
    expect(env.http(5678, '/').body).toBe('from env\n');
  });

  it('agnhost pauses by default, and serve-hostname answers the pod name on 9376', () => {
    expect(start('registry.k8s.io/e2e-test-images/agnhost:2.39').program.listeners).toEqual([]);
    const sh = start('registry.k8s.io/e2e-test-images/agnhost:2.39', { args: ['serve-hostname'] });
    expect(sh.http(9376, '/')).toEqual({ status: 200, body: 'web-7d4b9' });
    const udp = start('agnhost', { args: ['serve-hostname', '--udp', '--http=false'] });
    expect(udp.udp(9376, 'x')).toBe('web-7d4b9');
    const both = start('agnhost', { args: ['serve-hostname', '--tcp'] });
    expect(both.program.exit?.code).toBe(1);
  });

  it("registry.k8s.io/serve_hostname answers its pod's name on 9376, no port declared", () => {
    // The docs' "Debug Services" page: `kubectl expose deployment hostnames --target-port=9376`.
    const sh = start('registry.k8s.io/serve_hostname');
    expect(sh.program.listeners.map((l) => `${l.protocol}/${l.port}`)).toEqual(['TCP/9376']);
    expect(sh.http(9376, '/')).toEqual({ status: 200, body: 'web-7d4b9' });
    const tcp = start('registry.k8s.io/serve_hostname:1.1', { args: ['-tcp', '-http=false'] });
    expect(tcp.program.listeners).toEqual([{ protocol: 'TCP', port: 9376, banner: 'web-7d4b9' }]);
  });

  it('agnhost netexec serves /hostname, /echo?msg=, /clientip, / and its UDP commands', () => {
    const n = start('agnhost', { args: ['netexec', '--http-port=8080', '--udp-port=8081'] });
    expect(n.http(8080, '/hostname').body).toBe('web-7d4b9');
    expect(n.http(8080, '/echo?msg=hello%20world')).toEqual({ status: 200, body: 'hello world' });
    expect(n.http(8080, '/echo?msg=gone&code=404')).toEqual({ status: 404, body: 'gone' });
    expect(n.http(8080, '/clientip').body).toBe('127.30.0.7:41234');
    expect(n.http(8080, '/').body).toMatch(/^NOW: 2026-01-01 00:00:00\.000 \+0000 UTC m=\+0\.0+$/);
    expect(n.http(8080, '/dial?host=x').status).toBe(501);
    expect(n.udp(8081, 'hostname\n')).toBe('web-7d4b9');
    expect(n.udp(8081, 'echo Hi')).toBe('hi'); // netexec lowercases what it reads
    expect(n.udp(8081, 'clientip')).toBe('127.30.0.7:5353');
  });

  it('agnhost liveness: /healthz is ok for 10 s, then 500', () => {
    const l = start('agnhost', { args: ['liveness'] });
    expect(l.http(8080, '/healthz')).toEqual({ status: 200, body: 'ok' });
    l.clock.advance(11_000);
    expect(l.http(8080, '/healthz')).toEqual({ status: 500, body: 'error: 11' });
    expect(l.http(8080, '/nope').status).toBe(404);
  });

  it("hello-app greets with its tag's version and the hostname, on $PORT or 8080", () => {
    const h = start('gcr.io/google-samples/hello-app:2.0');
    expect(h.http(8080, '/').body).toBe('Hello, world!\nVersion: 2.0.0\nHostname: web-7d4b9\n');
    expect(start('gcr.io/google-samples/hello-app').http(8080, '/').body).toContain(
      'Version: 1.0.0\n',
    );
    const p = start('gcr.io/google-samples/hello-app:1.0', {
      env: [{ name: 'PORT', value: '9000' }],
    });
    expect(p.http(9000, '/x').status).toBe(200);
  });

  it("the Kubernetes Basics tutorial's kubernetes-bootcamp: its line, its version, its log", () => {
    const b = start('gcr.io/google-samples/kubernetes-bootcamp:v1');
    const started = new Date(b.clock.now()).toISOString();
    expect(b.program.log).toEqual([
      `Kubernetes Bootcamp App Started At: ${started} | Running On:  web-7d4b9 `,
      '',
    ]);
    b.clock.advance(1500);
    expect(b.http(8080, '/')).toEqual({
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: 'Hello Kubernetes bootcamp! | Running on: web-7d4b9 | v=1\n',
    });
    expect(b.logs.at(-1)).toBe(
      `Running On: web-7d4b9 | Total Requests: 1 | App Uptime: 1.5 seconds | Log Time: ${new Date(b.clock.now()).toISOString()}`,
    );
    expect(b.http(8080, '/x').body).toContain('| v=1');
    expect(b.logs.at(-1)).toContain('| Total Requests: 2 |');
    // The rolling update's image, from another repository.
    expect(start('docker.io/jocatalin/kubernetes-bootcamp:v2').http(8080, '/').body).toBe(
      'Hello Kubernetes bootcamp! | Running on: web-7d4b9 | v=2\n',
    );
    // The update that fails: a tag google-samples does not have.
    expect(standInOf('gcr.io/google-samples/kubernetes-bootcamp:v10')?.tags).toEqual(['v1']);
    // `cat server.js` in the container: the program these answers come from.
    const js = imageFiles('gcr.io/google-samples/kubernetes-bootcamp:v1')['/server.js']!;
    expect(js).toContain('response.end(" | v=1\\n");');
    expect(js).toContain('www.listen(8080,function () {');
    expect(imageFiles('jocatalin/kubernetes-bootcamp:v2')['/server.js']).toContain('v=2');
    expect(imageFiles('nginx:1.27')).toEqual({});
  });

  it("node-hello (the docs' load-balancer-example) says Hello Kubernetes! and logs each URL", () => {
    const n = start('gcr.io/google-samples/node-hello:1.0');
    expect(n.http(8080, '/path?x=1').body).toBe('Hello Kubernetes!');
    expect(n.logs).toEqual(['Received request for URL: /path?x=1']);
  });

  it('traefik/whoami prints Hostname, IPs, RemoteAddr and the request as Go writes it', () => {
    const w = start('traefik/whoami:v1.10');
    expect(w.http(80, '/path?q=1').body).toBe(
      'Hostname: web-7d4b9\nIP: 127.0.0.1\nIP: ::1\nIP: 127.244.1.5\nRemoteAddr: 127.30.0.7:41234\n' +
        'GET /path?q=1 HTTP/1.1\r\nHost: 127.244.1.5:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n',
    );
    const api = JSON.parse(w.http(80, '/api').body) as { hostname: string; remoteAddr: string };
    expect(api).toMatchObject({ hostname: 'web-7d4b9', remoteAddr: '127.30.0.7:41234' });
    expect(start('traefik/whoami', { args: ['--port', '8081'] }).http(8081, '/').status).toBe(200);
  });

  it('ealen/echo-server echoes the request as JSON on port 80', () => {
    const e = start('ealen/echo-server:0.9.2');
    const answer = e.http(80, '/hi?a=1');
    const body = JSON.parse(answer.body) as Record<string, Record<string, unknown>>;
    expect(body.host).toEqual({ hostname: '127.244.1.5', ip: '::ffff:127.30.0.7', ips: [] });
    expect(body.http).toEqual({
      method: 'GET',
      baseUrl: '',
      originalUrl: '/hi?a=1',
      protocol: 'http',
    });
    expect(body.request).toMatchObject({
      query: { a: '1' },
      headers: { 'user-agent': 'curl/8.5.0' },
    });
    expect(body.environment).toMatchObject({ HOSTNAME: 'web-7d4b9' });
    expect(e.http(80, '/?echo_code=503').status).toBe(503);
  });

  it('registry.k8s.io/echoserver prints its Hostname, Request Information and headers on 8080', () => {
    const body = start('registry.k8s.io/echoserver:1.10').http(8080, '/a?b=c').body;
    expect(body).toContain(
      '\n\nHostname: web-7d4b9\n\nPod Information:\n\t-no pod information available-\n',
    );
    expect(body).toContain(
      '\tclient_address=127.30.0.7\n\tmethod=GET\n\treal path=/a\n\tquery=b=c\n',
    );
    expect(body).toContain(
      'Request Headers:\n\taccept=*/*\n\thost=127.244.1.5:8080\n\tuser-agent=curl/8.5.0\n',
    );
  });

  it('paulbouwer/hello-kubernetes shows $MESSAGE and the pod on 8080', () => {
    const h = start('paulbouwer/hello-kubernetes:1.10', {
      env: [{ name: 'MESSAGE', value: 'I just deployed this on Kubernetes!' }],
    });
    const page = h.http(8080, '/');
    expect(page.headers).toEqual({ 'Content-Type': 'text/html; charset=utf-8' });
    expect(page.body).toContain('I just deployed this on Kubernetes!');
    expect(page.body).toContain('<td>web-7d4b9</td>');
  });
});
