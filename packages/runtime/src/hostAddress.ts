import { createServer } from 'node:net';
import type { AddressMode, PortMapper } from '@l4lab/cluster';

/** Finds a free TCP port on an address (bind port 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Where a pod's containerPort really listens: its own address in native mode; 127.0.0.1 and a free
 * port (registered in the mapper, so the UI shows it) in mapped mode.
 */
export async function bindAddressFor(
  mapper: PortMapper,
  ip: string,
  port: number,
  protocol: 'TCP' | 'UDP',
): Promise<{ ip: string; port: number }> {
  if (mapper.mode === 'native') return { ip, port };
  const hostPort = await freePort();
  mapper.set({ ip, port, protocol, hostIp: '127.0.0.1', hostPort });
  return { ip: '127.0.0.1', port: hostPort };
}

/**
 * native when 127/8 routes to loopback here and ports below 1024 can be bound (Linux as root),
 * mapped otherwise. Tries a real bind on a service-range address.
 */
export function detectAddressMode(
  probeIp = '127.96.255.254',
): Promise<{ mode: AddressMode; reason: string }> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      resolve({
        mode: 'mapped',
        reason: `cannot bind ${probeIp}:80 (${err.code}): using 127.0.0.1 with mapped ports`,
      });
    });
    srv.listen({ host: probeIp, port: 80, exclusive: true }, () => {
      srv.close(() =>
        resolve({
          mode: 'native',
          reason: '127.0.0.0/8 routes to loopback and port 80 can be bound',
        }),
      );
    });
  });
}
