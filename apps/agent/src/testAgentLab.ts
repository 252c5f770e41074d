// Run by agent.integration.test.ts INSIDE a network namespace the test made (never the host's):
// plays one node. Loads a small kube-proxy-like nftables table by hand (as
// packages/dataplane/src/conntrack/testConntrackLab.ts does), serves two endpoints that answer
// their own name and a stand-in for kube-proxy's metrics server answering `nftables`, starts the
// agent (main.ts, as the DaemonSet runs it) with a token, and reads /events with and without it.
// One stream is joined by ClusterJoiner with a ClusterView built from Kubernetes JSON matching
// the table, while bounded connections go to the ClusterIP. Prints what it saw as one JSON line.
// Its argument picks the agent's reader: `native` (default) or `cli`.
//
// This namespace's conntrack sysctls are set here (accounting on, TIME_WAIT and CLOSE 1 s), in
// the namespace the test owns: the agent only reads them, and reports them in its hello.
//
// Addresses (all on this namespace's `lo`): ClusterIP 127.96.0.10:80 (Service default/web, port
// `http`; endpoints pod-a 127.100.0.1:8080 on node-1, pod-b 127.100.0.2:8080 on node-2); the
// client pod `client` at 127.244.1.50 on node-1; nodes node-1 127.18.0.2, node-2 127.18.0.3; the
// agent on 127.0.0.1:9641, kube-proxy's stand-in on 127.0.0.1:10249.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AGENT_TOKEN_HEADER,
  AgentStreamDecoder,
  ClusterJoiner,
  nodeProxyModeOf,
  type AgentMessage,
  type ClusterJoinOptions,
  type WatchedObjects,
} from '@l4lab/agent';

type ConnectionEvent = Parameters<ClusterJoinOptions['emit']>[0];

const MAIN = resolve(import.meta.dirname, 'main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLIENT = '127.244.1.50';
const AGENT_PORT = 9641;
const CONNECTIONS = 24;
const TOKEN = `l4lab-test-${process.pid}-${Date.now()}`;

const TABLE = `
add table ip kube-proxy
delete table ip kube-proxy
table ip kube-proxy {
  map service-ips {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 127.96.0.10 . tcp . 80 : goto service-web }
  }
  chain nat-output {
    type nat hook output priority -100; policy accept;
    ip daddr . meta l4proto . th dport vmap @service-ips
  }
  chain service-web {
    numgen random mod 2 vmap { 0 : goto endpoint-pod-a, 1 : goto endpoint-pod-b }
  }
  chain endpoint-pod-a {
    counter meta l4proto tcp dnat to 127.100.0.1:8080
  }
  chain endpoint-pod-b {
    counter meta l4proto tcp dnat to 127.100.0.2:8080
  }
}
`;

/** The same Service, as the API server would serve it to l4lab's informers. */
const OBJECTS: WatchedObjects = {
  services: [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'web' },
        clusterIP: '127.96.0.10',
        clusterIPs: ['127.96.0.10'],
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  ],
  endpointSlices: [
    {
      metadata: {
        name: 'web-x7k2p',
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': 'web' },
      },
      addressType: 'IPv4',
      endpoints: [
        endpoint('127.100.0.1', 'pod-a', 'node-1'),
        endpoint('127.100.0.2', 'pod-b', 'node-2'),
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ],
  nodes: [
    node('node-1', '127.18.0.2', '127.244.1.0/24'),
    node('node-2', '127.18.0.3', '127.244.2.0/24'),
  ],
  pods: [
    pod('pod-a', '127.100.0.1', 'node-1'),
    pod('pod-b', '127.100.0.2', 'node-2'),
    pod('client', CLIENT, 'node-1'),
  ],
};

function endpoint(ip: string, name: string, nodeName: string) {
  return {
    addresses: [ip],
    conditions: { ready: true, serving: true, terminating: false },
    nodeName,
    targetRef: { kind: 'Pod' as const, namespace: 'default', name, uid: `uid-${name}` },
  };
}

function node(name: string, ip: string, podCIDR: string) {
  return {
    metadata: { name },
    spec: { podCIDR },
    status: {
      addresses: [{ type: 'InternalIP', address: ip }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pod(name: string, ip: string, nodeName: string) {
  return {
    metadata: { name, namespace: 'default' },
    spec: { nodeName },
    status: { phase: 'Running', podIP: ip },
  };
}

/** An endpoint: answers every connection with its pod's name once the client has spoken. */
function serve(ip: string, name: string): Promise<Server> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end(`${name}\n`));
  });
  return new Promise((done) => server.listen(8080, ip, () => done(server)));
}

/** kube-proxy's metrics server, as far as the agent asks it. */
function kubeProxy(): Promise<ReturnType<typeof createHttpServer>> {
  const server = createHttpServer((req, res) => {
    if (req.url === '/proxyMode') res.end('nftables');
    else res.writeHead(404).end('404 page not found');
  });
  return new Promise((done) => server.listen(10249, '127.0.0.1', () => done(server)));
}

interface Answer {
  port: number;
  answer: string;
}

/** One connection: says "hello", returns who answered (or the error code) and its local port. */
function ask(): Promise<Answer> {
  return new Promise((done) => {
    const s = connect({ host: '127.96.0.10', port: 80, localAddress: CLIENT });
    let port = 0;
    let out = '';
    const finish = (answer: string) => {
      clearTimeout(timer);
      s.destroy();
      done({ port, answer });
    };
    const timer = setTimeout(() => finish('TIMEOUT'), 3000);
    s.on('connect', () => {
      port = s.localPort ?? 0;
      s.write('hello');
    });
    s.on('data', (d) => (out += String(d)));
    s.on('end', () => finish(out.trim()));
    s.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

interface Stream {
  status: number;
  messages: AgentMessage[];
  errors: string[];
  body: string;
  close(): void;
}

/** GET /events; its messages as they come (or, refused, its status and body). */
function events(token?: string): Promise<Stream> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = token ? { [AGENT_TOKEN_HEADER]: token } : {};
    const req = request({ host: '127.0.0.1', port: AGENT_PORT, path: '/events', headers });
    req.on('response', (res) => {
      const stream: Stream = {
        status: res.statusCode ?? 0,
        messages: [],
        errors: [],
        body: '',
        close: () => req.destroy(),
      };
      const decoder = new AgentStreamDecoder(
        (m) => stream.messages.push(m),
        (e) => stream.errors.push(e),
      );
      res.setEncoding('utf8');
      res.on('data', (d: string) =>
        stream.status === 200 ? decoder.write(d) : (stream.body += d),
      );
      res.on('error', () => {});
      done(stream);
    });
    req.on('error', fail);
    req.end();
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Polls /healthz until it answers (the first start builds the native reader: seconds). */
async function healthy(timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((done) => {
      const req = request({ host: '127.0.0.1', port: AGENT_PORT, path: '/healthz' }, (res) => {
        res.resume();
        done(res.statusCode === 200);
      });
      req.on('error', () => done(false));
      req.end();
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The PIDs whose parent is `pid` (the agent's reader). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const reader = process.argv[2] === 'cli' ? 'cli' : 'native';
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('nft', ['-f', '-'], { input: TABLE });
  // This namespace's, the test's own: the agent reads them (never writes).
  const sysctls: [string, string][] = [
    ['nf_conntrack_acct', '1'],
    ['nf_conntrack_tcp_timeout_time_wait', '1'],
    ['nf_conntrack_tcp_timeout_close', '1'],
  ];
  for (const [name, value] of sysctls) writeFileSync(`/proc/sys/net/netfilter/${name}`, value);
  const servers = await Promise.all([serve('127.100.0.1', 'pod-a'), serve('127.100.0.2', 'pod-b')]);
  const metrics = await kubeProxy();
  const dir = mkdtempSync(join(tmpdir(), 'l4lab-agent-lab-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  let agentLog = '';
  const agent = spawn(
    process.execPath,
    [
      ...['--import', TSX, MAIN],
      ...['--listen', `127.0.0.1:${AGENT_PORT}`, '--token-file', tokenFile],
      ...['--reader', reader],
    ],
    { env: { ...process.env, NODE_NAME: 'node-1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  agent.stderr.on('data', (d) => (agentLog += String(d)));
  const exited = new Promise<number | null>((done) => agent.on('exit', (code) => done(code)));
  try {
    if (!(await healthy(30_000))) throw new Error(`the agent did not answer /healthz: ${agentLog}`);
    const refused = await events();
    const wrong = await events('not-the-token');
    const a = await events(TOKEN);
    const b = await events(TOKEN);
    await until(() => a.messages.length > 0 && b.messages.length > 0, 5000);

    // Stream a, joined as the l4lab server will join it (the node's closing timeouts from the
    // hello, so each end is dated when the client closed).
    const hello = a.messages[0];
    if (hello?.type !== 'hello') throw new Error(`no hello first: ${JSON.stringify(hello)}`);
    const joined: ConnectionEvent[] = [];
    const joiner = new ClusterJoiner({
      emit: (e) => joined.push(e),
      lingerMs: {
        TIME_WAIT: (hello.conntrack.timeWaitSeconds ?? 120) * 1000,
        CLOSE: (hello.conntrack.closeSeconds ?? 10) * 1000,
      },
    });
    joiner.objects.replace(OBJECTS);
    let fed = 0;
    const feed = () => {
      for (; fed < a.messages.length; fed++) {
        const m = a.messages[fed]!;
        if (m.type === 'hello') joiner.setProxyMode(m.node, nodeProxyModeOf(m));
        else if (m.type === 'mode') joiner.setProxyMode(hello.node, nodeProxyModeOf(m));
        else if (m.type === 'conntrack') joiner.conntrack(hello.node, m.event);
        else if (m.type === 'lost') joiner.lost(hello.node, m.count);
      }
    };

    const answers: Answer[] = [];
    for (let i = 0; i < CONNECTIONS; i++) answers.push(await ask());
    // A client port can come back within the 24: the k-th answer from a port is matched with
    // the k-th connection the events show from it.
    const nth = answers.map((x, i) => answers.slice(0, i).filter((y) => y.port === x.port).length);
    const opensOf = (port: number) =>
      joined.filter((e) => e.client.port === port && e.outcome === 'open');
    const endOf = (open: ConnectionEvent | undefined) =>
      open && joined.find((e) => e.id === open.id && e.outcome !== 'open');
    // The native reader looks each entry up once its 1 s TIME_WAIT may be over: its DESTROY
    // comes then. `conntrack -E` only hears the kernel's garbage collector (up to a minute
    // later; the agent does not sweep the table): its opens are waited for, not its ends.
    const settled = await until(() => {
      feed();
      return answers.every((x, i) => {
        const open = opensOf(x.port)[nth[i]!];
        return reader === 'cli' ? open : endOf(open);
      });
    }, 15_000);
    const connections = answers.map((x, i) => {
      const open = opensOf(x.port)[nth[i]!];
      return { ...x, open, end: endOf(open) };
    });
    // The other stream: the same events for the ClusterIP (both connected before the first).
    // The agent's own loopback connections (these streams, its look-ups of kube-proxy) are
    // conntrack entries too, but nothing translated them: not streamed (see untranslated).
    const web = (st: Stream) =>
      st.messages.flatMap((m) =>
        m.type === 'conntrack' && m.event.orig.dst === '127.96.0.10'
          ? [`${m.event.type} ${m.event.id}`]
          : [],
      );
    await until(() => web(b).length >= web(a).length, 3000);
    // A stats line comes every 5 s of the agent's: waited for up to two of them, as a loaded
    // machine (the whole integration stage) once missed the first within 7 s.
    await until(() => a.messages.some((m) => m.type === 'stats'), 12_000);
    a.close();
    b.close();

    const children = childrenOf(agent.pid!);
    agent.kill('SIGTERM');
    const force = setTimeout(() => agent.kill('SIGKILL'), 5000);
    const exitCode = await exited;
    clearTimeout(force);
    await until(() => children.every((pid) => !alive(pid)), 3000);
    const count = (s: Stream, type: string) => s.messages.filter((m) => m.type === type).length;
    process.stdout.write(
      `${JSON.stringify({
        refused: { status: refused.status, body: refused.body },
        wrong: { status: wrong.status, body: wrong.body },
        hello,
        helloB: b.messages[0],
        settled,
        connections,
        conntrackLines: { a: count(a, 'conntrack'), b: count(b, 'conntrack') },
        webEvents: { a: web(a), b: web(b) },
        untranslated: [...a.messages, ...b.messages].filter(
          (m) =>
            m.type === 'conntrack' &&
            m.event.reply.src === m.event.orig.dst &&
            m.event.reply.sport === m.event.orig.dport,
        ).length,
        stats: a.messages.find((m) => m.type === 'stats'),
        lost: a.messages.filter((m) => m.type === 'lost'),
        decodeErrors: [...a.errors, ...b.errors],
        joinStats: joiner.nodeStats(hello.node),
        exitCode,
        childrenAtStop: children,
        childrenAlive: children.filter(alive),
        agentLog: agentLog.split('\n').filter((l) => /"level":"(warn|error)"/.test(l)),
      })}\n`,
    );
  } finally {
    if (agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGKILL');
      await exited;
    }
    for (const s of [...servers, metrics]) s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
