// --dataplane nftables: this process stays in the host's network namespace as a launcher. It
// opens the HTTP listener here (the browser and the host's kubectl reach it), makes the lab's
// own network namespace, and runs the real lab server inside it, handing it the listener over
// the IPC channel. So every part of the lab (pods, stand-ins, traffic, DNS, exec tools, nft,
// conntrack) lives in the namespace with no per-socket switching, and nothing changes in the
// host's firewall or routes.
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { constants } from 'node:os';
import {
  type NamespaceMethod,
  type NamespaceRecord,
  type NamespaceRef,
  cleanStaleNamespace,
  probe,
  createNamespace,
  destroyNamespace,
  namespaceName,
  removeRecord,
  spawnInNamespace,
  writeRecord,
} from '@l4lab/netns';
import { type LabConfig, nftablesConflict } from './config.ts';
import { PortInUseError } from './lab.ts';
import { CHILD_ENV, CONNECTION, LISTEN, LISTENING } from './netnsChild.ts';
import { workspaceOwner } from './workspaceLock.ts';

export interface LaunchOptions {
  config: LabConfig;
  /** The command line's flags (the server inside gets them, with `--dataplane nftables`). */
  argv: string[];
  method: NamespaceMethod;
  print: (line: string) => void;
  printError: (line: string) => void;
}

export type DataplaneDecision =
  | { dataplane: 'userspace'; note?: string }
  | { dataplane: 'nftables'; method: NamespaceMethod; note?: string }
  | { error: string };

/**
 * `--dataplane`: userspace as asked; nftables only where the probe passes (else the error says
 * what is missing and how to get it); auto takes nftables where it works, and says why.
 */
export async function decideDataplane(config: LabConfig): Promise<DataplaneDecision> {
  if (config.dataplane === 'userspace') return { dataplane: 'userspace' };
  const conflict = config.dataplane === 'auto' ? nftablesConflict(config) : undefined;
  if (conflict)
    return {
      dataplane: 'userspace',
      note: `dataplane auto: userspace (nftables cannot serve ${conflict})`,
    };
  const verdict = await probe();
  if (verdict.ok) {
    const how = verdict.method === 'netns' ? 'root: a named network namespace' : 'a user namespace';
    if (config.dataplane === 'nftables') return { dataplane: 'nftables', method: verdict.method };
    const note = `dataplane auto: nftables (${how}; nft and conntrack work in it)`;
    return { dataplane: 'nftables', method: verdict.method, note };
  }
  const missing = `${verdict.missing.join(', ')} missing: ${verdict.hint}`;
  if (config.dataplane === 'nftables')
    return { error: `L4_E_DATAPLANE_UNAVAILABLE: --dataplane nftables: ${missing}` };
  return { dataplane: 'userspace', note: `dataplane auto: userspace (nftables: ${missing})` };
}

/** Runs the lab inside a new network namespace; resolves to the exit code to leave with. */
export async function launchInNamespace(o: LaunchOptions): Promise<number> {
  const { config } = o;
  await mkdir(config.workspace, { recursive: true });
  const owner = await workspaceOwner(config.workspace);
  if (owner !== undefined) {
    o.printError(
      `l4lab: L4_E_WORKSPACE_BUSY: another l4lab (pid ${owner}) is using the workspace ` +
        `${config.workspace}: stop it, or pass --workspace DIR`,
    );
    return 1;
  }
  try {
    for (const r of await cleanStaleNamespace(config.workspace)) o.print(`cleaned up: ${r}`);
  } catch (err) {
    o.printError(`l4lab: ${messageOf(err)}`);
    return 1;
  }
  let listener: Server;
  try {
    listener = await listenOnHost(config.port, config.host);
  } catch (err) {
    o.printError(`l4lab: ${messageOf(err)}`);
    return 1;
  }
  let ref: NamespaceRef | undefined;
  try {
    ref = await createNamespace(o.method, namespaceName(config.workspace));
    o.print(namespaceBanner(ref));
    return await runServerInside(o, ref, listener);
  } catch (err) {
    o.printError(`l4lab: ${messageOf(err)}`);
    return 1;
  } finally {
    listener.close();
    // Accepted while the server inside could not start: closed, not left waiting.
    for (const socket of held.get(listener)?.splice(0) ?? []) socket.destroy();
    if (ref) await destroyNamespace(ref).catch(() => []);
    await removeRecord(config.workspace);
  }
}

/** The server's flags: the user's, with the dataplane settled (auto was resolved here). */
export function serverArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dataplane') i++;
    else if (!argv[i]!.startsWith('--dataplane=')) out.push(argv[i]!);
  }
  return [...out, '--dataplane', 'nftables'];
}

function namespaceBanner(ref: NamespaceRef): string {
  const how =
    ref.method === 'netns'
      ? `ip netns ${ref.name}; also: ip netns exec ${ref.name} bash`
      : `a user namespace of its own (unshare -Urn)`;
  return `dataplane: nftables: the cluster's network is the namespace ${ref.name} (${how}); a shell in it: npm run shell`;
}

/**
 * Connections the host-side listener accepted before the server inside was started (from the
 * listen on, while the namespace is made and the server spawned): held, paused, for handOver.
 */
const held = new WeakMap<Server, Socket[]>();
const hold = function holdUntilHandedOver(this: Server, socket: Socket) {
  held.get(this)?.push(socket);
};

export function listenOnHost(port: number, host: string): Promise<Server> {
  // Paused: a connection this side accepts before the server inside takes over is handed to it
  // untouched (its bytes unread).
  const server = createServer({ pauseOnConnect: true });
  held.set(server, []);
  server.on('connection', hold);
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${port} on ${host} is in use: stop the other server or pass --port`,
            )
          : err,
      ),
    );
    server.listen(port, host, () => resolve(server));
  });
}

/** Starts the server inside, hands it the listener, forwards signals; resolves to its exit code. */
async function runServerInside(o: LaunchOptions, ref: NamespaceRef, listener: Server) {
  const child = spawnInNamespace(
    ref,
    process.execPath,
    [...process.execArgv, process.argv[1]!, ...serverArgs(o.argv)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [CHILD_ENV]: '1' },
      // Its own process group: a terminal's Ctrl-C reaches the launcher only, which passes it on
      // once (the server takes a second signal as "exit now").
      detached: true,
    },
  );
  const record: NamespaceRecord = {
    ...ref,
    workspace: o.config.workspace,
    launcherPid: process.pid,
    ...(child.pid ? { serverPid: child.pid } : {}),
    createdAt: new Date().toISOString(),
  };
  await writeRecord(record);
  handOver(child, listener);
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const signals = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, f] of signals) process.on(s, f);
  try {
    return await exitCodeOf(child);
  } finally {
    for (const [s, f] of signals) process.off(s, f);
  }
}

/**
 * The listener goes to the server inside; until it says it serves, connections accepted here
 * follow it there (so none waits on a side that will not answer); then this side's copy closes.
 */
export function handOver(child: ChildProcess, listener: Server): void {
  const pass = (socket: Socket) => {
    child.send(CONNECTION, socket, (err) => {
      if (err) socket.destroy();
    });
  };
  listener.off('connection', hold);
  for (const socket of held.get(listener)?.splice(0) ?? []) pass(socket);
  listener.on('connection', pass);
  child.on('message', (msg) => {
    if (msg !== LISTENING) return;
    listener.off('connection', pass);
    listener.close();
  });
  child.send(LISTEN, listener);
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1)),
    );
  });
}

function messageOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && code.startsWith('L4_E_') ? `${code}: ${message}` : message;
}
