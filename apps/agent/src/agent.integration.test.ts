// The agent as a node runs it: testAgentLab.ts plays the node inside a network namespace this
// test makes (a named `ip netns` as root, `unshare -Urn` for everyone), with a kube-proxy-like
// nftables table, two endpoints and a stand-in for kube-proxy's metrics server; it starts the
// agent (main.ts), reads /events with and without the token, and joins the stream with
// ClusterJoiner against Kubernetes objects matching the table. Nothing touches the host's
// namespace; the named one is deleted in a finally (the userns one dies with its process), and
// the harness stops the agent by PID and checks its reader is gone. Addresses, only inside the
// namespace: testAgentLab.ts's header.
import { resolve } from 'node:path';
import type { AgentHello, AgentMessage, ClusterJoinOptions } from '@l4lab/agent';
import {
  namespaceMissing,
  nativeReaderMissing,
  runInNamespace,
  runOnlyIf,
} from '@l4lab/dataplane/testing';
import { describe, expect, it } from 'vitest';

type ConnectionEvent = Parameters<ClusterJoinOptions['emit']>[0];

const LAB = resolve(import.meta.dirname, 'testAgentLab.ts');
const LAB_TIMEOUT_MS = 55_000;

type Method = 'netns' | 'userns';
type Reader = 'native' | 'cli';

interface LabResult {
  refused: { status: number; body: string };
  wrong: { status: number; body: string };
  hello: AgentHello;
  helloB: AgentMessage;
  settled: boolean;
  connections: { port: number; answer: string; open?: ConnectionEvent; end?: ConnectionEvent }[];
  conntrackLines: { a: number; b: number };
  webEvents: { a: string[]; b: string[] };
  untranslated: number;
  stats?: AgentMessage;
  lost: AgentMessage[];
  decodeErrors: string[];
  joinStats: { opened: number; missedStarts: number; missedEnds: number };
  exitCode: number | null;
  childrenAtStop: number[];
  childrenAlive: number[];
  agentLog: string[];
}

/** What this machine lacks to run the lab one way, or undefined when it can. */
const missing = (method: Method, reader: Reader) =>
  namespaceMissing(method, ['nft', 'ip', 'unshare', ...(reader === 'cli' ? ['conntrack'] : [])]) ??
  nativeReaderMissing(reader);

/** Runs the lab in a namespace of its own and returns what it saw. */
const runLab = (method: Method, reader: Reader) =>
  runInNamespace<LabResult>(method, 'l4lab-agent', LAB, [reader], LAB_TIMEOUT_MS);

describe('the agent on a node (a network namespace of its own)', () => {
  for (const [method, reader] of [
    ['netns', 'native'],
    ['userns', 'native'],
    ['netns', 'cli'],
  ] as const) {
    it(`streams the node's conntrack to token holders, joined to the pod that answered (${method}, ${reader})`, async (ctx) => {
      runOnlyIf(ctx, missing(method, reader));
      const r = await runLab(method, reader);

      // No token, or the wrong one: the API server's own 401.
      for (const refused of [r.refused, r.wrong]) {
        expect(refused.status).toBe(401);
        expect(JSON.parse(refused.body)).toMatchObject({ reason: 'Unauthorized', code: 401 });
      }

      // The hello: the node, kube-proxy's mode from its metrics server, the sysctls as set in
      // this namespace (read, not changed), and the reader that runs.
      expect(r.hello).toEqual({
        type: 'hello',
        version: 1,
        node: 'node-1',
        agentVersion: '0.1.0',
        kubeProxyMode: 'nftables',
        conntrack: { acct: true, timeWaitSeconds: 1, closeSeconds: 1 },
        reader,
      });
      expect(r.helloB).toEqual(r.hello);
      expect(r.decodeErrors).toEqual([]);

      // Each of the 24 connections: its NEW joined to the endpoint that answered it, by
      // nftables' numgen over the slice's two endpoints. Both answer some (all 24 on one: 2 in
      // 2^24, under 1 in 8 million).
      expect(r.settled).toBe(true);
      expect(new Set(r.connections.map((c) => c.answer))).toEqual(new Set(['pod-a', 'pod-b']));
      for (const c of r.connections) {
        const k = c.answer === 'pod-a' ? 1 : 2;
        expect(c.open).toMatchObject({
          outcome: 'open',
          mode: 'nftables',
          reason: `random ${k} of 2`,
          client: { ip: '127.244.1.50', port: c.port, pod: 'default/client' },
          frontend: { kind: 'ClusterIP', ip: '127.96.0.10', port: 80 },
          service: { namespace: 'default', name: 'web', port: 'http' },
          endpoint: { pod: c.answer, namespace: 'default', node: k === 1 ? 'node-1' : 'node-2' },
        });
        // "hello" in, "pod-x\n" out: conntrack's counters (acct on) less the headers. The
        // native reader's look-ups bring each DESTROY a second after the close (its TIME_WAIT);
        // `conntrack -E` waits for the kernel's garbage collector, too late for this test.
        if (reader === 'native')
          expect(c.end).toMatchObject({ id: c.open!.id, outcome: 'ok', bytesIn: 5, bytesOut: 6 });
      }
      expect(r.joinStats).toMatchObject({ opened: 24, missedStarts: 0, missedEnds: 0 });
      // Both streams got every event of the ClusterIP's (a NEW, and with the native reader a
      // DESTROY, each), the same ones in the same order.
      expect(r.webEvents.a.length).toBeGreaterThanOrEqual(reader === 'native' ? 48 : 24);
      expect(r.webEvents.b).toEqual(r.webEvents.a);
      // Only what kube-proxy translated: not the streams' own connections to the agent.
      expect(r.untranslated).toBe(0);
      expect(r.conntrackLines.b).toBeGreaterThanOrEqual(r.webEvents.b.length);
      expect(r.lost).toEqual([]);
      expect(r.stats).toMatchObject({ type: 'stats', lost: 0, dropped: 0 });

      // Stopped by PID: exited cleanly, its reader with it.
      expect(r.exitCode).toBe(0);
      expect(r.childrenAtStop.length).toBeGreaterThanOrEqual(1);
      expect(r.childrenAlive).toEqual([]);
      ctx.annotate(`${method}, ${reader}: warnings ${JSON.stringify(r.agentLog)}`);
    });
  }
});
