// `--workshop` (and its `--expose`) seen from another machine, without touching this one's
// network: the test makes two network namespaces joined by a veth pair (198.18.7.0/30, the
// benchmarking range, inside them only), runs the lab in the first ("the instructor's laptop")
// and a student in the second ("a laptop in the room"). The student joins over the LAN address,
// applies a NodePort Service with their kubeconfig's token, and curls the instructor's IP at that
// node port: the connection is answered, and the lab records it with the student's real address,
// so the lesson check "a NodePort answered a connection from outside this machine" passes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnlyIf } from '../testSkip.ts';
import { testRanges } from '../testRanges.ts';
import { SERVER_MAIN } from '../testServerProcess.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const IS_ROOT = process.getuid?.() === 0;
const suffix = `${process.pid}`;
const LAB_NS = `l4lab-t-lab-${suffix}`;
const ROOM_NS = `l4lab-t-room-${suffix}`;
const LAB_IP = '198.18.7.1';
const ROOM_IP = '198.18.7.2';

function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

async function must(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** An HTTP request made from the room's namespace (a student's laptop), by node's fetch. */
async function fromRoom(
  url: string,
  init: { method?: string; body?: string; type?: string; token?: string } = {},
): Promise<{ status: number; text: string }> {
  const script = `
    const init = JSON.parse(process.argv[2]);
    fetch(process.argv[1], {
      method: init.method ?? 'GET',
      headers: { ...(init.type ? { 'Content-Type': init.type } : {}), ...(init.token ? { Authorization: 'Bearer ' + init.token } : {}) },
      ...(init.body ? { body: init.body } : {}),
      signal: AbortSignal.timeout(10000),
    }).then(async (r) => console.log(JSON.stringify({ status: r.status, text: await r.text() })),
            (e) => { console.log(JSON.stringify({ status: 0, text: String(e.cause ?? e) })); });`;
  const out = await must('ip', [
    'netns',
    'exec',
    ROOM_NS,
    process.execPath,
    '-e',
    script,
    url,
    JSON.stringify(init),
  ]);
  return JSON.parse(out) as { status: number; text: string };
}

let lab: ChildProcess | undefined;
let workspace: string | undefined;
let base = '';
let output = '';
let usable = false;

beforeAll(async () => {
  if (!IS_ROOT) return;
  const ip = await run('ip', ['-V']);
  if (ip.code !== 0) return;
  await must('ip', ['netns', 'add', LAB_NS]);
  await must('ip', ['netns', 'add', ROOM_NS]);
  // The veth pair is made inside the lab's namespace: the host's own interfaces never change.
  await must('ip', [
    '-n',
    LAB_NS,
    'link',
    'add',
    'lan0',
    'type',
    'veth',
    'peer',
    'name',
    'lan0',
    'netns',
    ROOM_NS,
  ]);
  for (const [ns, addr] of [
    [LAB_NS, LAB_IP],
    [ROOM_NS, ROOM_IP],
  ] as const) {
    await must('ip', ['-n', ns, 'addr', 'add', `${addr}/30`, 'dev', 'lan0']);
    await must('ip', ['-n', ns, 'link', 'set', 'lan0', 'up']);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  workspace = await mkdtemp(join(tmpdir(), 'l4lab-expose-'));
  lab = spawn(
    'ip',
    [
      'netns',
      'exec',
      LAB_NS,
      process.execPath,
      SERVER_MAIN,
      '--workshop',
      '--port',
      '7070',
      '--runtime',
      'builtin',
      '--workspace',
      workspace,
      ...testRanges().flags,
      '--log-level',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  lab.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  lab.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const end = Date.now() + 60_000;
  while (!/l4lab projector:/.test(output)) {
    if (Date.now() > end || lab.exitCode !== null)
      throw new Error(`the lab did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  base = `http://${LAB_IP}:7070`;
  usable = true;
}, 90_000);

afterAll(async () => {
  if (lab && lab.exitCode === null) {
    const exited = new Promise((r) => lab!.once('exit', r));
    lab.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  }
  if (IS_ROOT) {
    await run('ip', ['netns', 'del', LAB_NS]);
    await run('ip', ['netns', 'del', ROOM_NS]);
  }
  if (workspace) await rm(workspace, { recursive: true, force: true });
}, 30_000);

describe('a workshop seen from a laptop in the room (network namespaces)', () => {
  it("prints a join URL on the LAN address; a student joins, applies a NodePort and curls the instructor's IP at it", async (ctx) => {
    runOnlyIf(ctx, usable, 'needs root and iproute2 (ip netns) to make the test network');
    const joinUrl = new RegExp(
      `l4lab join: (http://${LAB_IP.replaceAll('.', '\\.')}:7070/join\\?code=\\S+)`,
    ).exec(output)?.[1];
    expect(joinUrl, output).toBeDefined();
    const code = new URL(joinUrl!).searchParams.get('code')!;
    const joined = await fromRoom(`${base}/api/workshop/join`, {
      method: 'POST',
      type: 'application/json',
      body: JSON.stringify({ code, name: 'dana' }),
    });
    expect(joined.status).toBe(201);
    const { token, server } = JSON.parse(joined.text) as { token: string; server: string };
    expect(server).toBe(base);
    const kubeconfig = await fromRoom(`${base}/api/workshop/kubeconfig`, { token });
    expect(kubeconfig.text).toContain(`server: "${base}/k8s/${token}"`);
    // Through the Kubernetes API at the kubeconfig's server, as the student's kubectl would.
    const api = `${base}/k8s/${token}`;
    const objects: [string, object][] = [
      [
        'pods',
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web', labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
        },
      ],
      [
        'services',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web' },
          spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
        },
      ],
    ];
    for (const [plural, object] of objects) {
      const r = await fromRoom(`${api}/api/v1/namespaces/dana/${plural}`, {
        method: 'POST',
        type: 'application/json',
        body: JSON.stringify(object),
      });
      expect(r.status, r.text).toBe(201);
    }
    const svc = await fromRoom(`${api}/api/v1/namespaces/dana/services/web`);
    const nodePort = (JSON.parse(svc.text) as { spec: { ports: { nodePort: number }[] } }).spec
      .ports[0]!.nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(32000);
    let answer = { status: 0, text: '' };
    const end = Date.now() + 30_000;
    while (answer.status !== 200 && Date.now() < end) {
      answer = await fromRoom(`http://${LAB_IP}:${nodePort}/`);
      if (answer.status !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(answer.status, answer.text).toBe(200);
    const events = await fromRoom(`${base}/api/connections?limit=50`, { token });
    const seen = (
      JSON.parse(events.text) as {
        items: { client: { ip: string }; frontend: { kind: string; port: number } }[];
      }
    ).items;
    expect(seen).toContainEqual(
      expect.objectContaining({
        client: expect.objectContaining({ ip: ROOM_IP }),
        frontend: expect.objectContaining({ kind: 'NodePort', port: nodePort }),
      }),
    );
  }, 90_000);
});
