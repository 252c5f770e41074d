// exec into a pod with the kubelet's view of its container (environment, /etc/resolv.conf), a
// fake nameserver transport and no sockets. Addresses: the default plan (pods 127.244.x,
// kube-dns 127.96.0.10); 192.0.2.1 (documentation range) must never be contacted.
import { describe, expect, it } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { Cluster, PortMapper } from '@l4lab/cluster';
import { BuiltinExecutor, type DnsTransportFactory } from './builtinExecutor.ts';
import type { ContainerView } from './types.ts';

const runningPod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'dns-example', namespace: 'default', uid: 'u-1' },
  spec: { containers: [{ name: 'test', image: 'nginx' }] },
  status: {
    phase: 'Running',
    podIP: '127.244.0.7',
    containerStatuses: [
      {
        name: 'test',
        image: 'nginx',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
      },
    ],
  },
};

function executor(view: ContainerView | undefined) {
  const asked: string[] = [];
  const dns: DnsTransportFactory = ({ server }) => ({
    server,
    async query(name) {
      asked.push(`${server} ${name}`);
      return { rcode: 'NXDOMAIN', transport: 'udp', attempts: [], answers: [] };
    },
  });
  const exec = new BuiltinExecutor({
    cluster: new Cluster(),
    mapper: new PortMapper('native'),
    dns,
    containerView: () => view,
  });
  return { exec, asked };
}

describe('BuiltinExecutor with the kubelet view of the container', () => {
  const view: ContainerView = {
    env: { HOSTNAME: 'dns-example', KUBERNETES_PORT: 'tcp://127.96.0.1:443' },
    files: {
      '/etc/resolv.conf':
        'search ns1.svc.cluster-domain.example\nnameserver 192.0.2.1\noptions ndots:2 edns0\n',
    },
    dns: { nameserver: '192.0.2.1', searches: ['ns1.svc.cluster-domain.example'], ndots: 2 },
  };

  it("shows the container's environment and its dnsConfig's resolv.conf", async () => {
    const { exec } = executor(view);
    const r = await exec.exec(runningPod, 'printenv KUBERNETES_PORT; cat /etc/resolv.conf');
    expect(r.stdout).toBe(`tcp://127.96.0.1:443\n${view.files['/etc/resolv.conf']}`);
  });

  it('asks no nameserver off the cluster: the lookup times out, nothing is sent', async () => {
    const { exec, asked } = executor(view);
    const r = await exec.exec(runningPod, 'nslookup example.com');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no servers could be reached');
    expect(asked).toEqual([]);
  });

  it("without the kubelet's view, a ClusterFirst pod's defaults", async () => {
    const { exec, asked } = executor(undefined);
    const r = await exec.exec(runningPod, 'cat /etc/resolv.conf; nslookup web');
    expect(r.stdout).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local/);
    expect(asked[0]).toBe('127.96.0.10 web.default.svc.cluster.local');
  });
});
