// The lab server's side of --dataplane nftables: it runs inside the lab's network namespace,
// started by the launcher (netnsLauncher.ts), and serves on the listener the launcher opened in
// the host's namespace, passed over the IPC channel.
import type { Server as HttpServer } from 'node:http';
import { type Server, type Socket, createServer } from 'node:net';
import {
  destroyNamespace,
  namespaceExists,
  prepareNamespace,
  readRecord,
  removeRecord,
} from '@l4lab/netns';
import { advertiseAddress } from './lab.ts';

/** Messages between the launcher and the server inside (the `l4lab:` prefix is ours). */
export const LISTEN = 'l4lab:listen';
export const CONNECTION = 'l4lab:connection';
export const LISTENING = 'l4lab:listening';
/** Set by the launcher in the server's environment. */
export const CHILD_ENV = 'L4LAB_NETNS_CHILD';

export function isNamespaceChild(): boolean {
  return process.env[CHILD_ENV] === '1' && typeof process.send === 'function';
}

export interface NamespaceChild {
  /** The host-side listener, to serve on (LabConfig.listener). */
  listener: Server;
  /** What the namespace could not set up (printed as warnings). */
  warnings: string[];
  /**
   * Once the lab serves: take the connections the launcher accepted meanwhile, serve the lab's
   * API inside the namespace too, and stop the lab when the launcher goes away.
   */
  attach(server: HttpServer, host: string, shutdown: (why: string) => void): Promise<string[]>;
  /**
   * The lab's stop, wrapped: the in-namespace listener closes first; after the lab stopped, if
   * the launcher is gone (kill -9), this server removes the namespace itself.
   */
  stopping(stopLab: () => Promise<void>, workspace: string): () => Promise<void>;
}

/** Prepares the namespace and waits for the launcher's listener (bounded: 20 s). */
export async function adoptLauncher(): Promise<NamespaceChild> {
  const early: Socket[] = [];
  let deliver = (socket: Socket): void => {
    early.push(socket);
  };
  let inside: Server | undefined;
  const listener = await new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the launcher sent no listener')), 20_000);
    process.on('message', function fromLauncher(msg: unknown, handle?: unknown) {
      if (msg === CONNECTION && handle) deliver(handle as Socket);
      if (msg === LISTEN && handle) {
        clearTimeout(timer);
        resolve(handle as Server);
      }
    });
  });
  const warnings = await prepareNamespace();
  return {
    listener,
    warnings,
    async attach(server, host, shutdown) {
      deliver = (socket) => server.emit('connection', socket);
      for (const socket of early.splice(0)) deliver(socket);
      // The launcher may be gone already (a kill -9 while this started): stop in order, once.
      let gone = false;
      const launcherGone = () => {
        if (gone) return;
        gone = true;
        shutdown('the launcher is gone');
      };
      process.once('disconnect', launcherGone);
      if (!process.connected) launcherGone();
      else process.send!(LISTENING, (err: Error | null) => err && launcherGone());
      const served = await serveInside(server, host);
      inside = served.server;
      return served.warnings;
    },
    stopping: (stopLab, workspace) => async () => {
      inside?.close();
      await stopLab();
      if (!process.connected) await removeOwnNamespace(workspace);
    },
  };
}

/** The launcher died: no one else removes the namespace (what still runs in it, its name). */
async function removeOwnNamespace(workspace: string): Promise<void> {
  const record = await readRecord(workspace);
  if (!record || !namespaceExists(record)) return;
  await destroyNamespace(record);
  await removeRecord(workspace);
}

/**
 * The lab's own address inside the namespace: the `kubernetes` Service's endpoint, and the
 * kubeconfig's server for a kubectl run in `l4lab shell`, is the listening address; the listener
 * itself is in the host's namespace, so the same address and port also serve in here.
 */
async function serveInside(
  server: HttpServer,
  host: string,
): Promise<{ server?: Server; warnings: string[] }> {
  const address = server.address();
  if (!address || typeof address === 'string') return { warnings: [] };
  const ip = advertiseAddress(host);
  const inside = createServer((socket) => server.emit('connection', socket));
  return new Promise((resolve) => {
    inside.once('error', (err) =>
      resolve({
        warnings: [
          `the API does not answer on ${ip}:${address.port} in the lab's namespace: ${err.message}`,
        ],
      }),
    );
    inside.listen(address.port, ip, () => resolve({ server: inside, warnings: [] }));
  });
}
