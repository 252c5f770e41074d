// The demo images the Kubernetes documentation and tutorials run, emulated: each answers as the
// real program does (its ports, flags, paths and words), small, from their sources:
// hashicorp/http-echo main.go, kubernetes test/images/agnhost (netexec, serve-hostname,
// liveness), GoogleCloudPlatform kubernetes-engine-samples hello-app, traefik/whoami app.go,
// Ealenn/Echo-Server, the echoserver image's nginx template, paulbouwer/hello-kubernetes, and the
// Node.js servers of the docs' node-hello and the Kubernetes Basics tutorial's kubernetes-bootcamp.
import {
  goDuration,
  goFlags,
  goHeader,
  goLogTime,
  goNotFound,
  goNow,
  goRequestDump,
} from './goFormat.ts';
import type {
  HttpAnswer,
  HttpAsk,
  ImageProgram,
  Listener,
  ProgramContext,
} from './standInTypes.ts';

const text = (body: string, status = 200): HttpAnswer => ({ status, body });
const exit = (ctx: ProgramContext, code: number, message: string): ImageProgram => ({
  listeners: [],
  log: [`${goLogTime(ctx.clock.now())}${message}`],
  exit: { code, message },
});
const query = (ask: HttpAsk) => new URL(ask.path, 'http://stand-in').searchParams;
const pathname = (ask: HttpAsk) => new URL(ask.path, 'http://stand-in').pathname;
const portOf = (listen: string) => Number(listen.slice(listen.lastIndexOf(':') + 1));

/** `hashicorp/http-echo -text=hello [-listen=:5678] [-status-code=200]`. */
export function httpEcho(args: string[], ctx: ProgramContext): ImageProgram {
  const { flags, rest } = goFlags(args, ['version']);
  if (flags.has('version'))
    return { ...exit(ctx, 0, 'http-echo v1.0.0'), log: ['http-echo v1.0.0'] };
  const body = flags.get('text') || ctx.env.get('ECHO_TEXT');
  if (!body) return exit(ctx, 127, 'Missing -text option OR ENV var TEXT is empty!');
  if (rest.length > 0) return exit(ctx, 127, 'Too many arguments!');
  const listen = flags.get('listen') ?? ':5678';
  const status = Number(flags.get('status-code') ?? 200) || 200;
  const headers = { 'X-App-Name': 'http-echo', 'X-App-Version': '1.0.0' };
  const http = (ask: HttpAsk): HttpAnswer => {
    if (pathname(ask) === '/health') return { status: 200, headers, body: '{"status":"ok"}\n' };
    const ua = ask.headers.find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? '';
    ctx.log(
      `${goLogTime(ctx.clock.now())}${ask.host} ${ask.remoteAddress}:${ask.remotePort} "${ask.method} ${pathname(ask)} HTTP/${ask.httpVersion}" ${status} ${body.length + 1} "${ua}" 0s`,
    );
    return { status, headers, body: `${body}\n` };
  };
  return {
    listeners: [{ protocol: 'TCP', port: portOf(listen), http }],
    log: [`${goLogTime(ctx.clock.now())}[INFO] server is listening on ${listen}`],
  };
}

/**
 * `agnhost serve-hostname [--tcp] [--udp] [--http=false] [--port 9376]`, and the older
 * registry.k8s.io/serve_hostname image (same flags, same answer: the pod's name, no newline).
 */
export function serveHostname(args: string[], ctx: ProgramContext): ImageProgram {
  const { flags } = goFlags(args, ['tcp', 'udp', 'http', 'close']);
  const on = (f: string, dflt: boolean) => (flags.has(f) ? flags.get(f) !== 'false' : dflt);
  const [tcp, udp, http] = [on('tcp', false), on('udp', false), on('http', true)];
  if (http && (tcp || udp))
    return exit(ctx, 1, "Can't server TCP/UDP mode and HTTP mode at the same time");
  const port = Number(flags.get('port') ?? 9376);
  const name = ctx.pod.hostname ?? ctx.pod.name; // os.Hostname()
  const listeners: Listener[] = [];
  if (tcp) listeners.push({ protocol: 'TCP', port, banner: name });
  if (udp) listeners.push({ protocol: 'UDP', port, udp: () => name });
  if (http) listeners.push({ protocol: 'TCP', port, http: () => text(name) });
  return { listeners, log: [`${goLogTime(ctx.clock.now())}Serving on port ${port}.`] };
}

const NOT_EMULATED = ['/dial', '/shell', '/upload', '/exit', '/shutdown'];

/** `agnhost netexec [--http-port 8080] [--udp-port 8081]`: /hostname, /echo, /clientip ... */
function netexec(args: string[], ctx: ProgramContext): ImageProgram {
  const { flags } = goFlags(args);
  const httpPort = Number(flags.get('http-port') ?? 8080);
  const udpPort = Number(flags.get('udp-port') ?? 8081);
  const http = (ask: HttpAsk): HttpAnswer => {
    const path = pathname(ask);
    const q = query(ask);
    if (path === '/hostname' || path === '/hostName') return text(ctx.pod.name);
    if (path === '/clientip') return text(`${ask.remoteAddress}:${ask.remotePort}`);
    if (path === '/healthz') return text('');
    if (path === '/echo') {
      const code = q.get('code') ?? '';
      if (code && !/^-?\d+$/.test(code))
        return text(`argument 'code' must be an integer or empty, got "${code}"\n`);
      return text(q.get('msg') ?? '', code ? Number(code) : 200);
    }
    if (path === '/redirect') {
      const status = Number(q.get('code') || 302);
      return { status, headers: { Location: q.get('location') ?? '/' }, body: '' };
    }
    if (NOT_EMULATED.includes(path))
      return text(`l4lab stand-in for ${ctx.image}: netexec ${path} is not emulated\n`, 501);
    return text(`NOW: ${goNow(ctx.clock.now(), ctx.startedAt)}`);
  };
  const udp = (data: string, from: { address: string; port: number }) => {
    const said = data.trim().toLowerCase();
    if (said === 'hostname') return ctx.pod.name;
    if (said.startsWith('echo ')) return said.slice(5);
    if (said === 'clientip') return `${from.address}:${from.port}`;
    return undefined;
  };
  const listeners: Listener[] = [{ protocol: 'TCP', port: httpPort, http }];
  if (udpPort !== -1) listeners.push({ protocol: 'UDP', port: udpPort, udp });
  const t = goLogTime(ctx.clock.now());
  return {
    listeners,
    log: [
      ...(udpPort !== -1 ? [`${t}Started UDP server on port  ${udpPort}`] : []),
      `${t}Started HTTP server on port ${httpPort}`,
    ],
  };
}

/** `agnhost liveness`: /healthz answers 200 for 10 s, then 500 (the docs' liveness example). */
function liveness(ctx: ProgramContext): ImageProgram {
  const http = (ask: HttpAsk): HttpAnswer => {
    const ms = ctx.clock.now() - ctx.startedAt;
    if (pathname(ask) === '/started') return text(goDuration(ms));
    if (pathname(ask) !== '/healthz') return goNotFound;
    return ms > 10_000 ? text(`error: ${ms / 1000}`, 500) : text('ok');
  };
  return { listeners: [{ protocol: 'TCP', port: 8080, http }], log: [] };
}

/** `registry.k8s.io/e2e-test-images/agnhost <subcommand>` (its image's default: `pause`). */
export function agnhost(args: string[], ctx: ProgramContext): ImageProgram {
  const [sub = 'pause', ...rest] = args;
  if (sub === 'pause') return { listeners: [], log: ['Paused'] };
  if (sub === 'serve-hostname') return serveHostname(rest, ctx);
  if (sub === 'netexec') return netexec(rest, ctx);
  if (sub === 'liveness') return liveness(ctx);
  return {
    listeners: ctx.generic(),
    log: [`l4lab: agnhost ${sub} is not emulated; a stand-in answers on the declared ports`],
  };
}

/** `hello-app:2.0` prints `Version: 2.0.0`. */
function helloAppVersion(tag: string): string {
  if (/^\d+\.\d+$/.test(tag)) return `${tag}.0`;
  return /^\d+\.\d+\.\d+$/.test(tag) ? tag : '1.0.0';
}

/** `gcr.io/google-samples/hello-app`: `Hello, world!`, its version and the hostname, on $PORT or 8080. */
export function helloApp(_args: string[], ctx: ProgramContext): ImageProgram {
  const port = Number(ctx.env.get('PORT') || 8080);
  const version = helloAppVersion(ctx.tag);
  const http = (ask: HttpAsk): HttpAnswer => {
    ctx.log(`${goLogTime(ctx.clock.now())}Serving request: ${pathname(ask)}`);
    return text(`Hello, world!\nVersion: ${version}\nHostname: ${ctx.pod.name}\n`);
  };
  return {
    listeners: [{ protocol: 'TCP', port, http }],
    log: [`${goLogTime(ctx.clock.now())}Server listening on port ${port}`],
  };
}

/** `traefik/whoami [--port 80] [--name N]`: the hostname, IPs, client address and the request. */
export function whoami(args: string[], ctx: ProgramContext): ImageProgram {
  const { flags } = goFlags(args, ['verbose']);
  const port = flags.get('port') ?? (ctx.env.get('WHOAMI_PORT_NUMBER') || '80');
  const name = flags.get('name') ?? ctx.env.get('WHOAMI_NAME') ?? '';
  const ips = ['127.0.0.1', '::1', ctx.pod.ip];
  const http = (ask: HttpAsk): HttpAnswer => {
    const path = pathname(ask);
    const remote = `${ask.remoteAddress}:${ask.remotePort}`;
    if (path === '/health') return text('');
    if (path === '/bench') return text('1');
    if (path === '/api') {
      const data = {
        hostname: ctx.pod.name,
        ip: ips,
        headers: Object.fromEntries(goHeader(ask)),
        url: ask.path,
        host: ask.host,
        method: ask.method,
        ...(name ? { name } : {}),
        remoteAddr: remote,
      };
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: `${JSON.stringify(data)}\n`,
      };
    }
    const lines = [
      ...(name ? [`Name: ${name}`] : []),
      `Hostname: ${ctx.pod.name}`,
      ...ips.map((ip) => `IP: ${ip}`),
      `RemoteAddr: ${remote}`,
    ];
    return text(`${lines.join('\n')}\n${goRequestDump(ask)}`);
  };
  return {
    listeners: [{ protocol: 'TCP', port: Number(port), http }],
    log: [`${goLogTime(ctx.clock.now())}Starting up on port ${port}`],
  };
}

/** `ealen/echo-server`: the request as JSON (host, http, request, environment), on $PORT or 80. */
export function ealenEchoServer(_args: string[], ctx: ProgramContext): ImageProgram {
  const port = Number(ctx.env.get('PORT') || 80);
  const http = (ask: HttpAsk): HttpAnswer => {
    const url = new URL(ask.path, 'http://stand-in');
    const q = url.searchParams;
    const headers = Object.fromEntries(ask.headers.map(([k, v]) => [k.toLowerCase(), v]));
    const echo = {
      host: { hostname: ask.host.replace(/:\d+$/, ''), ip: `::ffff:${ask.remoteAddress}`, ips: [] },
      http: { method: ask.method, baseUrl: '', originalUrl: ask.path, protocol: 'http' },
      request: {
        params: { '0': url.pathname },
        query: Object.fromEntries(q),
        cookies: {},
        body: {},
        headers,
      },
      environment: Object.fromEntries(ctx.env),
    };
    ctx.log(`${ctx.clock.now()} | [${ask.method}] - http://${ask.host}${ask.path}`);
    const body = q.has('echo_body') ? JSON.stringify(q.get('echo_body')) : JSON.stringify(echo);
    return {
      status: Number(q.get('echo_code')) || 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body,
    };
  };
  return { listeners: [{ protocol: 'TCP', port, http }], log: [`Listening on port ${port}.`] };
}

/** `registry.k8s.io/echoserver` (nginx + lua, port 8080): the request, as its template prints it. */
export function echoserver(_args: string[], ctx: ProgramContext): ImageProgram {
  const env = (k: string) => ctx.env.get(k) || 'N/A';
  const podInfo = ctx.env.get('POD_NAME')
    ? [
        `\tnode name:\t${env('NODE_NAME')}`,
        `\tpod name:\t${env('POD_NAME')}`,
        `\tpod namespace:\t${env('POD_NAMESPACE')}`,
        `\tpod IP:\t${env('POD_IP')}`,
      ]
    : ['\t-no pod information available-'];
  const http = (ask: HttpAsk): HttpAnswer => {
    const url = new URL(ask.path, 'http://stand-in');
    const headers = ask.headers
      .map(([k, v]) => `\t${k.toLowerCase()}=${v}`)
      .sort((a, b) => a.localeCompare(b));
    const lines = [
      '',
      '',
      `Hostname: ${ctx.pod.name}`,
      '',
      'Pod Information:',
      ...podInfo,
      '',
      'Server values:',
      '\tserver_version=nginx: 1.13.3 - lua: 10008',
      '',
      'Request Information:',
      `\tclient_address=${ask.remoteAddress}`,
      `\tmethod=${ask.method}`,
      `\treal path=${url.pathname}`,
      `\tquery=${url.search.slice(1)}`,
      `\trequest_version=${ask.httpVersion}`,
      '\trequest_scheme=http',
      `\trequest_uri=http://${ask.host}${ask.path}`,
      '',
      'Request Headers:',
      ...headers,
      '',
      'Request Body:',
      '\t-no body in request-',
      '',
      '',
    ];
    return text(lines.join('\n'));
  };
  return { listeners: [{ protocol: 'TCP', port: 8080, http }], log: [] };
}

/**
 * The Kubernetes Basics tutorial's app (`gcr.io/google-samples/kubernetes-bootcamp:v1`, and
 * `jocatalin/kubernetes-bootcamp:v2` for its rolling update): its server.js on 8080 answers one
 * line naming the pod and the version, and logs each request, as Node's console.log prints them.
 */
export function kubernetesBootcamp(_args: string[], ctx: ProgramContext): ImageProgram {
  const version = /^v(\d+)$/.exec(ctx.tag)?.[1] ?? '1';
  const host = ctx.env.get('HOSTNAME') || ctx.pod.name;
  let requests = 0;
  const http = (): HttpAnswer => {
    const now = ctx.clock.now();
    ctx.log(
      `Running On: ${host} | Total Requests: ${++requests} | App Uptime: ${(now - ctx.startedAt) / 1000} seconds | Log Time: ${new Date(now).toISOString()}`,
    );
    return {
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: `Hello Kubernetes bootcamp! | Running on: ${host} | v=${version}\n`,
    };
  };
  const started = new Date(ctx.startedAt).toISOString();
  return {
    listeners: [{ protocol: 'TCP', port: 8080, http }],
    // console.log(..., host, "\n"): a space and an empty line after the name.
    log: [`Kubernetes Bootcamp App Started At: ${started} | Running On:  ${host} `, ''],
  };
}

/**
 * `gcr.io/google-samples/node-hello` (the docs' "Exposing an External IP Address" tutorial's
 * load-balancer-example): `Hello Kubernetes!` on 8080, a log line per request.
 */
export function nodeHello(_args: string[], ctx: ProgramContext): ImageProgram {
  const http = (ask: HttpAsk): HttpAnswer => {
    ctx.log(`Received request for URL: ${ask.path}`);
    return text('Hello Kubernetes!');
  };
  return { listeners: [{ protocol: 'TCP', port: 8080, http }], log: [] };
}

/** The image's /server.js, which the tutorial has you `cat` from `kubectl exec -ti ... -- bash`. */
export function bootcampServerJs(tag: string): string {
  const version = /^v(\d+)$/.exec(tag)?.[1] ?? '1';
  return `var http = require('http');
var requests=0;
var podname= process.env.HOSTNAME;
var startTime;
var host;
var handleRequest = function(request, response) {
  response.setHeader('Content-Type', 'text/plain');
  response.writeHead(200);
  response.write("Hello Kubernetes bootcamp! | Running on: ");
  response.write(host);
  response.end(" | v=${version}\\n");
  console.log("Running On:" ,host, "| Total Requests:", ++requests,"| App Uptime:", (new Date() - startTime)/1000 , "seconds", "| Log Time:",new Date());
}
var www = http.createServer(handleRequest);
www.listen(8080,function () {
    startTime = new Date();;
    host = process.env.HOSTNAME;
    console.log ("Kubernetes Bootcamp App Started At:",startTime, "| Running On: " ,host, "\\n" );
});
`;
}

/** `paulbouwer/hello-kubernetes`: its page with $MESSAGE, the pod, namespace and node, on 8080. */
export function helloKubernetes(_args: string[], ctx: ProgramContext): ImageProgram {
  const port = Number(ctx.env.get('PORT') || 8080);
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const message = esc(ctx.env.get('MESSAGE') || 'Hello world!');
  const ns = esc(ctx.env.get('KUBERNETES_NAMESPACE') || '-');
  const pod = esc(ctx.env.get('KUBERNETES_POD_NAME') || ctx.pod.name);
  const node = esc(`${ctx.env.get('KUBERNETES_NODE_NAME') || '-'} (Linux)`);
  const page = `<!DOCTYPE html>
<html>
<head>
    <title>Hello Kubernetes!</title>
</head>
<body>
  <div class="main">
    <div class="content">
      <div id="message">
  ${message}
</div>
<div id="info">
  <table>
    <tr>
      <th>namespace:</th>
      <td>${ns}</td>
    </tr>
    <tr>
      <th>pod:</th>
      <td>${pod}</td>
    </tr>
    <tr>
      <th>node:</th>
      <td>${node}</td>
    </tr>
  </table>
</div>
    </div>
  </div>
</body>
</html>
`;
  const http = (ask: HttpAsk): HttpAnswer =>
    pathname(ask) === '/'
      ? { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page }
      : text(`Cannot GET ${pathname(ask)}\n`, 404);
  return {
    listeners: [{ protocol: 'TCP', port, http }],
    log: [`Server running on http://${ctx.pod.name}:${port}`],
  };
}
