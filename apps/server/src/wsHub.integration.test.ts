// The WebSocket: hello, snapshot, live mode's `apply` answered by `apply_result`, and
// `object_changes` frames that chain by resourceVersion from each viewer's snapshot.
// Random test ranges (testRanges.ts); the socket on the lab's own loopback port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '@l4lab/protocol';
import { parseServerMessage } from '@l4lab/protocol';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';
import { testRanges } from './testRanges.ts';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab();
});
afterAll(async () => {
  await t?.stop();
});

function open(
  url = t.lab.url,
): Promise<{ ws: WebSocket; next: (type: string) => Promise<ServerMessage> }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  const seen: ServerMessage[] = [];
  const waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const msg = parseServerMessage(String(data));
    if (!msg) return;
    const w = waiters.findIndex((x) => x.type === msg.type);
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(msg);
    else seen.push(msg);
  });
  const next = (type: string) =>
    new Promise<ServerMessage>((resolve) => {
      const i = seen.findIndex((m) => m.type === type);
      if (i >= 0) resolve(seen.splice(i, 1)[0]!);
      else waiters.push({ type, resolve });
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('error', reject);
  });
}

describe('/ws', () => {
  it('says hello, sends a snapshot, and applies what live mode streams', async () => {
    const { ws, next } = await open();
    const hello = await next('hello');
    expect(hello).toMatchObject({ type: 'hello', protocolVersion: 1 });
    const snap = await next('cluster_snapshot');
    expect(snap.type === 'cluster_snapshot' && snap.objects.some((o) => o.kind === 'Node')).toBe(
      true,
    );

    ws.send(
      JSON.stringify({
        type: 'apply',
        id: 'a1',
        yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: live\n',
      }),
    );
    expect(await next('apply_result')).toEqual({
      type: 'apply_result',
      id: 'a1',
      status: 200,
      results: [{ kind: 'Namespace', name: 'live', action: 'created' }],
    });
    ws.send(
      JSON.stringify({
        type: 'apply',
        id: 'a2',
        yaml: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec: {}\n',
      }),
    );
    const bad = await next('apply_result');
    expect(bad).toMatchObject({ id: 'a2', status: 422 });
    expect(bad.type === 'apply_result' && bad.errors?.[0]?.message).toBe(
      'The Service "x" is invalid: spec.ports: Required value',
    );
    ws.close();
  });
});

describe('/ws apply when the cluster cannot allocate', () => {
  it('answers an error instead of crashing the server', async () => {
    // A service CIDR of 16 addresses (inside this run's random /16): 13 free ClusterIPs after
    // kube-dns's, so a 14th Service finds the range full.
    const serviceCIDR = testRanges().serviceCIDR.replace('/16', '/28');
    const small = await startTestLab({ serviceCIDR, runtime: 'builtin' });
    try {
      const { ws, next } = await open(small.lab.url);
      const yaml = Array.from(
        { length: 14 },
        (_, i) =>
          `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  ports:\n  - port: 80\n`,
      ).join('---\n');
      ws.send(JSON.stringify({ type: 'apply', id: 'full', yaml }));
      const answer = await next('apply_result');
      expect(answer).toMatchObject({ id: 'full', status: 500 });
      expect(answer.type === 'apply_result' && answer.errors?.[0]?.message).toMatch(
        /^Internal error occurred: no free address in /,
      );
      const healthz = await small.api<{ ok: boolean }>('GET', '/api/healthz');
      expect(healthz.body.ok).toBe(true);
      ws.close();
    } finally {
      await small.stop();
    }
  });
});

/** Every message a viewer gets, in order. */
async function record(url = t.lab.url): Promise<{ ws: WebSocket; messages: ServerMessage[] }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => {
    const msg = parseServerMessage(String(data));
    if (msg) messages.push(msg);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, messages };
}

/** The resourceVersion a viewer's mirror is at: its snapshot's, or its last frame's. */
function mirrorResourceVersion(messages: ServerMessage[]): string | undefined {
  const last = messages.findLast(
    (m) => m.type === 'cluster_snapshot' || m.type === 'object_changes',
  );
  return last?.type === 'cluster_snapshot' || last?.type === 'object_changes'
    ? last.resourceVersion
    : undefined;
}

describe('/ws object_changes', () => {
  it("chain by resourceVersion from each viewer's snapshot: no gap, no overlap", async () => {
    const viewers = [await record()];
    for (let i = 0; i < 3; i++) {
      // A change, and at once a new viewer: it connects while the change still waits for its
      // frame, so its snapshot and that frame must meet at one resourceVersion.
      const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: chain-${i}\n`;
      viewers[0]!.ws.send(JSON.stringify({ type: 'apply', id: `chain-${i}`, yaml }));
      viewers.push(await record());
    }
    await t.apply('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: chain-last\n');
    await waitFor(
      "every viewer at the cluster's resourceVersion",
      async () =>
        viewers.every(
          (v) => mirrorResourceVersion(v.messages) === t.lab.cluster.store.resourceVersion,
        ) || undefined,
    );

    for (const { ws, messages } of viewers) {
      const snapshot = messages.find((m) => m.type === 'cluster_snapshot');
      const frames = messages.filter((m) => m.type === 'object_changes');
      expect(messages.indexOf(snapshot!)).toBeLessThan(messages.indexOf(frames[0]!));
      let at = snapshot!.resourceVersion;
      for (const frame of frames) {
        expect(frame.fromResourceVersion).toBe(at);
        at = frame.resourceVersion;
      }
      expect(at).toBe(t.lab.cluster.store.resourceVersion);
      ws.close();
    }
  });
});
