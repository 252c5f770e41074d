// bench:dataplane's conntrack -> browser latency: new connections at a steady rate through the
// kernel target's ClusterIP, their conntrack events through the server's own path (EventHub, a
// `connection_events` frame every 50 ms, WsHub's broadcast over a real WebSocket) to a viewer in
// another process. What is measured, per open event that reached the viewer: the viewer's
// receive time minus the event's startedAt, which is conntrack's `-o timestamp` of the NEW line
// (conntrack-tools stamps it when it takes the event from netlink). The kernel-to-conntrack hop
// before that stamp is not in it; the join, the hub's batching, JSON and the socket are.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION } from '@l4lab/protocol';
import { ConnectionStats } from '@l4lab/dataplane';
import { EventHub } from '../src/eventHub.ts';
import { createLogger } from '../src/logger.ts';
import { WsHub } from '../src/wsHub.ts';
import type { EventWindow, KernelTarget } from './kernelTarget.ts';

export interface LatencyResult {
  load: { issued: number; answered: number; failed: number; seconds: number };
  viewer: {
    opens: number;
    ended: number;
    frames: number;
    sampled: number;
    p50: number;
    p95: number;
    p99: number;
    max: number;
  };
  window: EventWindow;
}

const CHILD = { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };

/** Runs `rate` new connections a second for `seconds` with a viewer watching; bounded. */
export async function measureEventLatency(
  kernel: KernelTarget,
  rate: number,
  seconds: number,
): Promise<LatencyResult> {
  const stats = new ConnectionStats();
  const hub = new EventHub(stats);
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const wsHub = labWsHub(server, kernel, stats);
  hub.start((msg) => wsHub.broadcast(msg));
  const previousSink = kernel.sink;
  kernel.sink = (e) => hub.record(e);
  const children: ChildProcess[] = [];
  try {
    const { port } = server.address() as AddressInfo;
    const viewer = child('wsViewer.ts', [`ws://127.0.0.1:${port}/ws`, 'bench-on'], children);
    await message(viewer, (m) => 'ready' in m, 10_000);
    await kernel.eventsOn('latency');
    const loader = child(
      'connectionLoad.ts',
      [kernel.onIP, '8080', `${rate}`, `${seconds}`],
      children,
    );
    const load = (await message(
      loader,
      (m) => 'issued' in m,
      (seconds + 15) * 1000,
    )) as LatencyResult['load'];
    const window = await kernel.eventsOff();
    await new Promise((r) => setTimeout(r, 200)); // the last frame
    const answer = message(viewer, (m) => 'opens' in m, 10_000);
    viewer.send('stop');
    return { load, viewer: (await answer) as LatencyResult['viewer'], window };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    kernel.sink = previousSink;
    hub.stop();
    wsHub.close();
    server.close();
  }
}

/** The server's WebSocket hub over the kernel target's cluster, as lab.ts builds it. */
function labWsHub(
  server: ReturnType<typeof createServer>,
  kernel: KernelTarget,
  stats: ConnectionStats,
): WsHub {
  const store = kernel.cluster.store;
  return new WsHub({
    server,
    logger: createLogger('warn'),
    hello: () => ({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      server: {
        version: 'bench',
        runtime: 'nginx',
        runtimeReason: 'bench:dataplane',
        dataplane: 'nftables',
        proxyMode: 'iptables',
        addressMode: 'native',
      },
    }),
    snapshot: () => ({
      type: 'cluster_snapshot',
      resourceVersion: store.resourceVersion,
      objects: store.all(),
      mappings: [],
      traffic: [],
      counters: stats.snapshot(),
    }),
    resourceVersion: () => store.resourceVersion,
    apply: () => Promise.resolve({ status: 405, body: {} }),
    allows: () => true,
  });
}

function child(file: string, args: string[], into: ChildProcess[]): ChildProcess {
  const c = fork(new URL(file, import.meta.url), args, CHILD as Parameters<typeof fork>[2]);
  into.push(c);
  return c;
}

/** The child's first IPC message that `ok` accepts; rejects when it exits first or after `ms`. */
function message(c: ChildProcess, ok: (m: object) => boolean, ms: number): Promise<object> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer from a bench child in ${ms} ms`)),
      ms,
    );
    const onMessage = (m: unknown) => {
      if (typeof m !== 'object' || m === null) return;
      if ('error' in m) reject(new Error(String(m.error)));
      else if (!ok(m)) return;
      else resolve(m);
      clearTimeout(timer);
      c.off('message', onMessage);
    };
    c.on('message', onMessage);
    c.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a bench child exited (${code}) before answering`));
    });
  });
}
