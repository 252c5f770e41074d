// Dialing a pod's port for port-forward, as the kubelet does from inside the pod's network: the
// pod's IP and port (or where the lab really listens for them), with Go's words for what failed.
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Pod } from '@l4lab/protocol';

/** Opens a TCP connection to the pod's port, as from inside the pod; rejects with Go's words. */
export type PodDialer = (pod: Pod, port: number) => Promise<Duplex>;

/** A socket error's errno as Go's net package words it (the kubelet's messages quote it). */
export function goErrno(err: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by peer',
    ETIMEDOUT: 'i/o timeout',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network is unreachable',
    EADDRNOTAVAIL: 'cannot assign requested address',
    EPIPE: 'broken pipe',
  };
  return words[err.code ?? ''] ?? err.message;
}

/** How long a dial to a pod's port may take. */
const DIAL_TIMEOUT_MS = 10_000;

/**
 * A PodDialer over this host's sockets: the pod's IP and port, or where they really listen
 * (`where`: the lab's port mapping). The connection is half-open capable, as a forwarded one is.
 */
export function podDialer(
  where: (ip: string, port: number) => { host: string; port: number },
): PodDialer {
  const dial = addressDialer(where);
  return async (pod, port) => {
    const ip = pod.status?.podIP;
    const inside = `failed to connect to localhost:${port} inside the pod's network`;
    if (!ip) throw new Error(`${inside}: the pod has no IP address yet`);
    try {
      return await dial(ip, port);
    } catch (err) {
      throw new Error(`${inside}: ${(err as Error).message.replace(/^dial tcp /, 'dial tcp4 ')}`);
    }
  };
}

/**
 * Dials a lab address (a pod's IP and port, or where it really listens: `where`), as Go's net
 * package does: rejects with `dial tcp IP:PORT: connect: connection refused` or `... i/o timeout`.
 */
export function addressDialer(
  where: (ip: string, port: number) => { host: string; port: number },
): (ip: string, port: number) => Promise<Duplex> {
  return (ip, port) =>
    new Promise((resolve, reject) => {
      const to = where(ip, port);
      const conn = connect({ host: to.host, port: to.port, allowHalfOpen: true });
      const fail = (why: string) => {
        clearTimeout(timer);
        conn.destroy();
        reject(new Error(`dial tcp ${ip}:${port}: ${why}`));
      };
      const timer = setTimeout(() => fail('i/o timeout'), DIAL_TIMEOUT_MS);
      conn.once('error', (err: NodeJS.ErrnoException) => fail(`connect: ${goErrno(err)}`));
      conn.once('connect', () => {
        clearTimeout(timer);
        conn.removeAllListeners('error');
        conn.setNoDelay(true);
        resolve(conn);
      });
    });
}
