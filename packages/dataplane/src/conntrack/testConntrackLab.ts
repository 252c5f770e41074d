// Run by conntrackEvents.integration.test.ts INSIDE a network namespace the test made (never in
// the host's: ConntrackEventSource refuses): loads a small kube-proxy-like table by hand, serves
// two endpoints that answer their own name, starts ConntrackEventSource, makes bounded
// connections and prints what it saw as one JSON line on stdout. Its argument picks the event
// reader (ConntrackEventSourceOptions.reader): `native` (the default) or `cli`.
//
// Addresses (all on this namespace's `lo`): ClusterIPs 127.96.0.10 (web: endpoints pod-a
// 127.100.0.1:8080, pod-b 127.100.0.2:8080), 127.96.0.11 (empty: no endpoints, rejected) and
// 127.96.0.12 (local: internalTrafficPolicy Local, dropped for a client that is not a pod); the
// client pod `client` at 127.244.1.50 on node-1.
import { execFileSync } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import type { ConnectionEvent } from '@l4lab/protocol';
import { realClock } from '@l4lab/cluster';
import { ConntrackEventSource } from './conntrackEvents.ts';
import { makeEndpoint, makeRules, makeService } from './testRules.ts';
import { processAlive } from '../testProcesses.ts';

const CLIENT = '127.244.1.50';
const TABLE = `
add table ip kube-proxy
delete table ip kube-proxy
table ip kube-proxy {
  map no-endpoint-services {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 127.96.0.11 . tcp . 80 : goto reject-no-endpoints,
                 127.96.0.12 . tcp . 80 : goto drop-no-endpoints }
  }
  map service-ips {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 127.96.0.10 . tcp . 80 : goto service-web }
  }
  chain filter-output {
    type filter hook output priority -110; policy accept;
    ct state new ip daddr . meta l4proto . th dport vmap @no-endpoint-services
  }
  chain reject-no-endpoints {
    meta nftrace set 1
    counter reject
  }
  chain drop-no-endpoints {
    meta nftrace set 1
    counter drop
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

const rules = makeRules(
  [
    {
      svc: makeService('web'),
      endpoints: [
        makeEndpoint('127.100.0.1', 8080, 'node-1', 'pod-a'),
        makeEndpoint('127.100.0.2', 8080, 'node-2', 'pod-b'),
      ],
    },
    { svc: makeService('empty', { clusterIP: '127.96.0.11' }), endpoints: [] },
    {
      svc: makeService('local', { clusterIP: '127.96.0.12', internalTrafficPolicy: 'Local' }),
      endpoints: [makeEndpoint('127.100.0.3', 8080, 'node-2', 'pod-c')],
    },
  ],
  [[CLIENT, 'client', 'node-1']],
);

/** An endpoint: answers every connection with its pod's name once the client has spoken. */
function serve(ip: string, name: string): Promise<Server> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end(`${name}\n`));
  });
  return new Promise((resolve) => server.listen(8080, ip, () => resolve(server)));
}

interface Answer {
  port: number;
  answer: string;
  /** When the client saw it end (ms since the epoch). */
  closedAt: number;
}

/** One connection: says "hello", returns who answered (or the error code) and its local port. */
function ask(host: string, localAddress: string, timeoutMs = 3000): Promise<Answer> {
  return new Promise((resolve) => {
    const s = connect({ host, port: 80, localAddress });
    let port = 0;
    let out = '';
    const done = (answer: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ port, answer, closedAt: Date.now() });
    };
    const timer = setTimeout(() => done('TIMEOUT'), timeoutMs);
    s.on('connect', () => {
      port = s.localPort ?? 0;
      s.write('hello');
    });
    s.on('data', (d) => (out += String(d)));
    s.on('end', () => done(out.trim()));
    s.on('error', (e: NodeJS.ErrnoException) => {
      port ||= s.localPort ?? 0;
      done(e.code ?? e.message);
    });
  });
}

/** `total` connections, `parallel` at a time (bounded), to the web ClusterIP. */
async function load(total: number, parallel: number): Promise<{ ok: number; ms: number }> {
  const t0 = Date.now();
  let started = 0;
  let ok = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      if ((await ask('127.96.0.10', CLIENT)).answer.startsWith('pod-')) ok++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { ok, ms: Date.now() - t0 };
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * 4. The events' rate limit (eventRateLimit.ts): 200 connections as fast as they come, over a
 * limit of 20 a second. Each is either reported (its NEW and its DESTROY) or counted by the
 * kernel without events, per endpoint; the table is gone after stop.
 */
async function limitedEvents() {
  const events: ConnectionEvent[] = [];
  const counted = new Map<string, number>();
  const warnings: string[] = [];
  const source = new ConntrackEventSource({
    rules: () => rules,
    onEvent: (e) => events.push(e),
    onCounted: (at, n) => {
      const key = `${at.service.name}/${at.endpoint?.pod ?? ''}`;
      counted.set(key, (counted.get(key) ?? 0) + n);
    },
    eventsRateLimit: 20,
    unreportedPollMs: 200,
    clock: realClock,
    logger: { info: () => {}, warn: (o, msg) => warnings.push(`${msg} ${JSON.stringify(o)}`) },
  });
  source.start();
  await until(() => source.stats().rateLimit > 0, 5000);
  await new Promise((r) => setTimeout(r, 300)); // the readers subscribe
  const total = 200;
  const run = await load(total, 20);
  const sum = () => [...counted.values()].reduce((a, b) => a + b, 0);
  const opens = () => events.filter((e) => e.outcome === 'open');
  const ended = () =>
    opens().every((o) => events.some((e) => e.id === o.id && e.outcome !== 'open'));
  const settled = await until(() => opens().length + sum() >= total && ended(), 10_000);
  const stats = source.stats();
  // The readers and the `nft -j -i` that read the counts (its third pid).
  const pids = source.pids();
  await source.stop();
  let tableAfterStop = true;
  try {
    execFileSync('nft', ['list', 'table', 'ip', 'l4lab-events'], { stdio: 'ignore' });
  } catch {
    tableAfterStop = false;
  }
  return {
    total,
    ok: run.ok,
    settled,
    opens: opens().length,
    finals: events.filter((e) => e.outcome !== 'open').length,
    counted: Object.fromEntries(counted),
    stats: { rateLimit: stats.rateLimit, unreported: stats.unreported },
    tableAfterStop,
    processes: pids.length,
    aliveAfterStop: pids.filter(processAlive),
    warnings,
  };
}

async function main(): Promise<void> {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('nft', ['-f', '-'], { input: TABLE });
  const servers = await Promise.all([serve('127.100.0.1', 'pod-a'), serve('127.100.0.2', 'pod-b')]);
  const events: ConnectionEvent[] = [];
  /** When each event came (ms since the epoch). */
  const arrived = new Map<ConnectionEvent, number>();
  const warnings: string[] = [];
  const reader = process.argv[2] === 'cli' ? 'cli' : 'native';
  const source = new ConntrackEventSource({
    reader,
    rules: () => rules,
    onEvent: (e) => {
      events.push(e);
      arrived.set(e, Date.now());
    },
    clock: realClock,
    logger: { info: () => {}, warn: (o, msg) => warnings.push(`${msg} ${JSON.stringify(o)}`) },
  });
  source.start();
  await new Promise((r) => setTimeout(r, 300)); // the readers subscribe

  // 1. Connections joined to the endpoint that answered them.
  const answers: Answer[] = [];
  for (let i = 0; i < 24; i++) answers.push(await ask('127.96.0.10', CLIENT));
  // A client port can come back within the 24 (the kernel hands out ephemeral ports anew once
  // a connection is gone): the k-th answer from a port is matched with the k-th connection the
  // events saw from it.
  const nth = answers.map((a, i) => answers.slice(0, i).filter((b) => b.port === a.port).length);
  const opensOf = (port: number) =>
    events.filter((e) => e.client.port === port && e.outcome === 'open');
  const finalOf = (open: ConnectionEvent | undefined) =>
    open && events.find((e) => e.id === open.id && e.outcome !== 'open');
  const joinedInMs = Date.now();
  await until(() => answers.every((a, i) => finalOf(opensOf(a.port)[nth[i]!])), 10_000);
  const joinWaitMs = Date.now() - joinedInMs;
  const joined = answers.map((a, i) => {
    const open = opensOf(a.port)[nth[i]!];
    const end = finalOf(open);
    // From the client's end to the event's: the entry's TIME_WAIT (1 s), then its reaping.
    return { ...a, open, end, endLagMs: end ? arrived.get(end)! - a.closedAt : undefined };
  });

  // 2. No endpoints: rejected (refused at once), then dropped (retransmitted, one event).
  const refused = await ask('127.96.0.11', CLIENT);
  const dropped = await ask('127.96.0.12', '127.0.0.1', 2500);
  await until(() => events.some((e) => e.client.port === dropped.port), 3000);
  await new Promise((r) => setTimeout(r, 500));
  const refusedEvents = events.filter((e) => e.service.name === 'empty');
  const droppedEvents = events.filter((e) => e.service.name === 'local');

  // 3. How many events per second the reader keeps up with.
  const before = events.length;
  const loadStats0 = source.stats();
  const total = 2000;
  const run = await load(total, 50);
  const t0 = Date.now();
  // Every connection opened and ended: by its DESTROY, or (events lost) by the reconciling dump.
  const settled = await until(() => events.length - before >= 2 * total, 15_000);
  const loadEvents = events.slice(before);
  const lastAt = Date.now();
  const stats = source.stats();
  const pids = source.pids();
  await source.stop();
  const alive = pids.filter(processAlive);
  const limited = await limitedEvents();
  for (const s of servers) s.close();
  process.stdout.write(
    `${JSON.stringify({
      reader: source.reader,
      joined,
      joinWaitMs,
      refused,
      refusedEvents,
      dropped,
      droppedEvents,
      load: {
        total,
        ok: run.ok,
        connectMs: run.ms,
        settled,
        settleMs: lastAt - t0,
        opens: loadEvents.filter((e) => e.outcome === 'open').length,
        finals: loadEvents.filter((e) => e.outcome !== 'open').length,
        lost: stats.lost - loadStats0.lost,
        missedStarts: stats.missedStarts - loadStats0.missedStarts,
        missedEnds: stats.missedEnds - loadStats0.missedEnds,
      },
      stats,
      readersAliveAfterStop: alive,
      limited,
      warnings,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
