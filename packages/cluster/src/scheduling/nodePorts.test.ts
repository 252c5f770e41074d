import { describe, expect, it } from 'vitest';
import type { ContainerPort, Pod } from '@l4lab/protocol';
import { hostPortsOf, hostPortsTaken } from './nodePorts.ts';

const podWith = (...ports: ContainerPort[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx', ports }] },
});

describe('NodePorts (host ports)', () => {
  it('a host IP conflicts with itself and with the wildcard, not with another address', () => {
    const on = (hostIP: string | undefined) =>
      hostPortsOf(podWith({ containerPort: 80, hostPort: 8080, ...(hostIP ? { hostIP } : {}) }));
    const bound = [podWith({ containerPort: 80, hostPort: 8080, hostIP: '127.18.0.2' })];
    expect(hostPortsTaken(on('127.18.0.2'), bound)).toBe(true);
    expect(hostPortsTaken(on(undefined), bound)).toBe(true); // 0.0.0.0 covers every address
    expect(hostPortsTaken(on('127.0.0.1'), bound)).toBe(false);
    expect(hostPortsTaken(on('127.0.0.1'), [podWith({ containerPort: 1, hostPort: 8080 })])).toBe(
      true,
    );
  });

  it('a container port without a host port asks for nothing', () => {
    expect(hostPortsOf(podWith({ containerPort: 80 }))).toEqual([]);
    expect(hostPortsTaken([], [podWith({ containerPort: 80, hostPort: 80 })])).toBe(false);
  });
});
