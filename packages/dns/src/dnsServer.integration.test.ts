// Real DNS queries over UDP and TCP against a DnsServer answering from a real Cluster (fake clock,
// fake kubelet: pods get IPs from the default plan, nothing else binds them).
// The server listens on a random 127.53.x.y:10053 (UDP and TCP), so parallel runs never collide.
import { nginxDeployment } from '@l4lab/cluster/testing';
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Service } from '@l4lab/protocol';
import { Cluster, FakeClock } from '@l4lab/cluster';
import { ClusterDnsIndex } from './clusterIndex.ts';
import { DnsClient } from './dnsClient.ts';
import { DnsServer } from './dnsServer.ts';

const ip = `127.53.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const port = 10053;
const cluster = new Cluster({ clock: new FakeClock() });
const index = ClusterDnsIndex.watch(cluster);
const server = new DnsServer({ view: index });
const resolver = new Resolver({ timeout: 2000, tries: 1 });

function deployment(name: string, replicas: number): Deployment {
  return nginxDeployment(name, replicas, { portName: 'http' });
}

function service(name: string, spec: Partial<Service['spec']>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'ClusterIP',
      sessionAffinity: 'None',
      selector: { app: name.replace(/-headless$/, '') },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
      ...spec,
    },
  };
}

/** The fake kubelet: every scheduled pod gets an IP and is Ready. */
function runPods(): void {
  for (const pod of cluster.list('Pod')) {
    if (!pod.spec.nodeName || pod.status?.podIP) continue;
    const podIP = cluster.allocatePodIP(pod.spec.nodeName);
    cluster.updatePodStatus('default', pod.metadata.name, pod.metadata.uid, {
      phase: 'Running',
      podIP,
      podIPs: [{ ip: podIP }],
      conditions: [{ type: 'Ready', status: 'True' }],
    });
  }
}

beforeAll(async () => {
  const outcome = cluster.apply([
    deployment('web', 2),
    deployment('big', 40),
    service('web', {}),
    service('web-headless', { clusterIP: 'None' }),
    service('big', { clusterIP: 'None' }),
    service('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
    service('lonely', { clusterIP: 'None', selector: { app: 'nobody' } }),
  ]);
  expect(outcome.ok).toBe(true);
  runPods();
  await server.listen({ ip, port }, { ip, port });
  resolver.setServers([`${ip}:${port}`]);
});

afterAll(async () => {
  await server.close();
  index.stop();
});

const clusterIP = (name: string) => cluster.store.get('Service', 'default', name)!.spec.clusterIP;
const podIPs = (prefix: string) =>
  cluster
    .list('Pod', 'default')
    .filter((p) => p.metadata.name.startsWith(`${prefix}-`))
    .map((p) => p.status!.podIP!)
    .sort();

describe('DnsServer over UDP (node:dns Resolver)', () => {
  it('answers A for a ClusterIP Service with TTL 5', async () => {
    const a = await resolver.resolve4('web.default.svc.cluster.local', { ttl: true });
    expect(a).toEqual([{ address: clusterIP('web'), ttl: 5 }]);
  });

  it('answers one A per ready endpoint for a headless Service, NXDOMAIN when none', async () => {
    expect((await resolver.resolve4('web-headless.default.svc.cluster.local')).sort()).toEqual(
      podIPs('web'),
    );
    await expect(resolver.resolve4('lonely.default.svc.cluster.local')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('answers CNAME for an ExternalName Service', async () => {
    expect(await resolver.resolveCname('alias.default.svc.cluster.local')).toEqual([
      'web.default.svc.cluster.local',
    ]);
    expect(await resolver.resolve4('alias.default.svc.cluster.local')).toEqual([clusterIP('web')]);
  });

  it('answers SRV for a named port', async () => {
    expect(await resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local')).toEqual([
      { name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 },
    ]);
  });

  it('answers NXDOMAIN for unknown names and REFUSED outside the zone', async () => {
    await expect(resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('retries a truncated answer over TCP (40 endpoints do not fit 512 bytes)', async () => {
    const a = await resolver.resolve4('big.default.svc.cluster.local');
    expect(a.sort()).toEqual(podIPs('big'));
  });

  it('follows the cluster: a new Service resolves at once', async () => {
    expect(cluster.apply([service('late', {})]).ok).toBe(true);
    expect(await resolver.resolve4('late.default.svc.cluster.local')).toEqual([clusterIP('late')]);
  });
});

describe('DnsClient (UDP with TCP fallback)', () => {
  it('queries over UDP when it answers', async () => {
    const r = await new DnsClient({ server: ip, port }).query('web.default.svc.cluster.local', 'A');
    expect(r).toMatchObject({ rcode: 'NOERROR', transport: 'udp', attempts: [] });
    expect(r.answers.map((a) => a.data)).toEqual([clusterIP('web')]);
  });

  it('queries over TCP (length-prefixed) when UDP has no route', async () => {
    const c = new DnsClient({
      server: ip,
      port,
      route: (host, p, proto) => (proto === 'TCP' ? { ip: host, port: p } : undefined),
    });
    const r = await c.query('alias.default.svc.cluster.local', 'A');
    expect(r.transport).toBe('tcp');
    expect(r.answers.map((a) => `${a.type} ${a.data}`)).toEqual([
      'CNAME web.default.svc.cluster.local',
      `A ${clusterIP('web')}`,
    ]);
    const nx = await c.query('nope.default.svc.cluster.local', 'A');
    expect(nx.rcode).toBe('NXDOMAIN');
  });

  it('falls back to TCP when the UDP port is closed', async () => {
    const udpClosed = new DnsServer({ view: index });
    const other = `127.53.251.${1 + Math.floor(Math.random() * 250)}`;
    const at = await udpClosed.listen({ ip: other, port: 0 }, { ip: other, port: 0 });
    const closed = at.udp.port === at.tcp.port + 1 ? at.tcp.port + 2 : at.tcp.port + 1;
    const c = new DnsClient({
      server: other,
      port: 53,
      // UDP goes to a port nothing listens on (ICMP port unreachable), TCP to the server
      route: (host, _p, proto) => (proto === 'TCP' ? at.tcp : { ip: host, port: closed }),
    });
    try {
      const r = await c.query('web.default.svc.cluster.local', 'A');
      expect(r.transport).toBe('tcp');
      expect(r.attempts[0]).toMatch(/^udp: (ECONNREFUSED|ETIMEDOUT)/);
    } finally {
      await udpClosed.close();
    }
  });
});
