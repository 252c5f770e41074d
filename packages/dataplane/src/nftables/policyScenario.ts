// NetworkPolicies in the kernel dataplane, run by policyTable.integration.test.ts inside a network
// namespace of its own (`unshare -n`): the NftablesProxier (kube-proxy's table) and, beside it,
// the pods' network's table, with real sockets at pod addresses. Every connection goes to
// 127.0.0.0/8 inside that namespace; each wait and each connection attempt is bounded. Pods:
// web on node-1, client on node-2, stranger and dns on node-3 (addresses from the cluster's pod
// CIDRs), Services from 127.96.0.0/16, nodes 127.18.0.2-4. Prints one JSON line of findings.
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { KubeObject, NetworkPolicy, Pod, Service } from '@l4lab/protocol';
import { Cluster, NetworkPolicyIndex, realClock, type PolicyFlow } from '@l4lab/cluster';
import { findProgram, nftListTable } from './commands.ts';
import { NftablesProxier } from './nftablesProxier.ts';
import { POLICY_TABLE, policyTableScript } from './policyTable.ts';

const logs: string[] = [];
const logger = {
  info: (o: object, msg: string) => logs.push(`${msg} ${JSON.stringify(o)}`),
  warn: (o: object, msg: string) => logs.push(`${msg} ${JSON.stringify(o)}`),
};

/** Long enough for a SYN and its answer on `lo`; a dropped SYN is next sent after 1 s. */
const CONNECT_TIMEOUT_MS = 500;

function apply(cluster: Cluster, objects: KubeObject[]): void {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
}

/** A bare pod on a node, run as the kubelet would: an address and Ready. */
function runPod(
  cluster: Cluster,
  name: string,
  node: string,
  labels: Record<string, string>,
  port?: { containerPort: number; protocol: 'TCP' | 'UDP' },
): string {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: {
      nodeName: node,
      containers: [{ name: 'c', image: 'nginx', ...(port ? { ports: [port] } : {}) }],
    },
  };
  apply(cluster, [pod]);
  const uid = cluster.store.get('Pod', 'default', name)!.metadata.uid;
  const podIP = cluster.allocatePodIP(node);
  cluster.updatePodStatus('default', name, uid, {
    phase: 'Running',
    podIP,
    hostIP: cluster.nodeIP(node),
    conditions: [{ type: 'Ready', status: 'True' }],
  });
  return podIP;
}

function service(name: string, port: number, protocol: 'TCP' | 'UDP', over = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'ClusterIP',
      selector: { app: name },
      ports: [{ name: 'p', port, targetPort: port, protocol }],
      ...over,
    },
  };
}

function policy(name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'default' },
    spec,
  };
}

/** A pod's TCP server: answers its name and the address it sees the client at, then closes. */
function tcpServer(ip: string, port: number, name: string): Promise<Server> {
  const srv = createServer((s) => {
    s.on('error', () => {});
    s.end(`${name} ${s.remoteAddress}`);
  });
  return new Promise((resolve) => srv.listen(port, ip, () => resolve(srv)));
}

/** A pod's TCP echo server (a long-lived connection's far end). */
function echoServer(ip: string, port: number): Promise<Server> {
  const srv = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  return new Promise((resolve) => srv.listen(port, ip, () => resolve(srv)));
}

/** A pod's UDP server: answers each datagram with its name. */
function udpServer(ip: string, port: number, name: string): Promise<UdpSocket> {
  const s = createSocket('udp4');
  s.on('message', (_m, r) => s.send(name, r.port, r.address));
  return new Promise((resolve) => s.bind(port, ip, () => resolve(s)));
}

/** One TCP connection from a pod's address: the answer, `timeout` (never established) or the error. */
function tcp(from: string, ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect({ host: ip, port, localAddress: from });
    const timer = setTimeout(() => {
      const established = !s.connecting;
      s.destroy();
      resolve(established ? `established, then no answer: ${got}` : 'timeout');
    }, CONNECT_TIMEOUT_MS);
    s.on('data', (d) => (got += d));
    s.on('end', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code ?? String(e));
    });
  });
}

/** One UDP datagram from a pod's address: the answer or `timeout`. */
function udp(from: string, ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (what: string) => {
      clearTimeout(timer);
      s.close();
      resolve(what);
    };
    const timer = setTimeout(() => done('timeout'), CONNECT_TIMEOUT_MS);
    s.on('message', (m) => done(String(m)));
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? String(e)));
    s.bind(0, from, () => s.send('q', port, ip));
  });
}

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A connection attempt, what the kernel did with it and what the reference decision says. */
interface Probe {
  got: string;
  /** NetworkPolicyIndex.check for the flow the pods' network sees (after kube-proxy's NAT). */
  allowed: boolean;
}

async function main(): Promise<void> {
  const ip = findProgram('ip');
  const nft = findProgram('nft');
  if (!ip || !nft || spawnSync(ip, ['link', 'set', 'lo', 'up']).status !== 0)
    throw new Error('cannot bring lo up in the namespace (or no nft)');
  const out: Record<string, unknown> = {};
  const cluster = new Cluster({ clock: realClock });
  const proxier = new NftablesProxier({ cluster, clock: realClock, logger, minSyncPeriodMs: 5 });
  const policies = proxier.networkPolicies;

  const WEB = runPod(
    cluster,
    'web',
    'node-1',
    { app: 'web' },
    { containerPort: 8080, protocol: 'TCP' },
  );
  const CLIENT = runPod(cluster, 'client', 'node-2', { role: 'frontend' });
  const STRANGER = runPod(cluster, 'stranger', 'node-3', { role: 'other' });
  const DNS = runPod(
    cluster,
    'dns',
    'node-3',
    { app: 'dns' },
    { containerPort: 53, protocol: 'UDP' },
  );
  const NODE_1 = cluster.nodeIP('node-1')!;
  const NODE_2 = cluster.nodeIP('node-2')!;
  apply(cluster, [service('web', 8080, 'TCP', { type: 'NodePort' }), service('dns', 53, 'UDP')]);
  const servers = [await tcpServer(WEB, 8080, 'web'), await echoServer(WEB, 9090)];
  const dnsServer = await udpServer(DNS, 53, 'dns');
  proxier.start();
  const web = cluster.store.get('Service', 'default', 'web')!;
  const dns = cluster.store.get('Service', 'default', 'dns')!;
  const WEB_VIP = web.spec.clusterIP!;
  const DNS_VIP = dns.spec.clusterIP!;
  const NODE_PORT = web.spec.ports![0]!.nodePort!;
  const endpoints = (spn: string) => proxier.rulesInForce().routing.endpointsMap.get(spn)?.length;
  await until(
    'both Services in force',
    () => endpoints('default/web:p') === 1 && endpoints('default/dns:p') === 1,
  );

  /** The reference decision over the cluster as it is now. */
  const indexNow = () =>
    new NetworkPolicyIndex(
      cluster.list('NetworkPolicy'),
      cluster.list('Pod'),
      cluster.list('Namespace'),
      cluster.list('Node'),
    );
  /** The table the cluster's policies make now is in force (the enforcer's last write). */
  const policiesInForce = (what: string) =>
    until(what, () => policies.inForce() === policyTableScript(indexNow().compile()));
  const check = (flow: PolicyFlow) => indexNow().check(flow).allowed;
  const tcpProbe = async (
    from: string,
    to: string,
    port: number,
    flow: PolicyFlow,
  ): Promise<Probe> => ({
    got: await tcp(from, to, port),
    allowed: check(flow),
  });
  const udpProbe = async (from: string, to: string, flow: PolicyFlow): Promise<Probe> => ({
    got: await udp(from, to, 53),
    allowed: check(flow),
  });
  const toWeb = (srcIP: string, seenSrcIP?: string): PolicyFlow => ({
    srcIP,
    ...(seenSrcIP ? { seenSrcIP } : {}),
    dstIP: WEB,
    port: 8080,
    protocol: 'TCP',
  });
  const toDns = (srcIP: string): PolicyFlow => ({ srcIP, dstIP: DNS, port: 53, protocol: 'UDP' });

  await policiesInForce('the first (empty) write');
  out.addresses = { WEB, CLIENT, STRANGER, DNS, WEB_VIP, DNS_VIP, NODE_1, NODE_2 };
  out.tableWithoutPolicies = (await nftListTable(nft, POLICY_TABLE)) ?? null;
  out.open = {
    clientToWeb: await tcpProbe(CLIENT, WEB, 8080, toWeb(CLIENT)),
    strangerToWeb: await tcpProbe(STRANGER, WEB, 8080, toWeb(STRANGER)),
  };

  // A connection opened while nothing isolates web: the policies below judge new ones only.
  const longLived = await openEcho(STRANGER, WEB, 9090);

  // Ingress: every pod isolated, web open to the frontend pods on 8080 only.
  apply(cluster, [
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('allow-frontend', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 8080 }] },
      ],
    }),
  ]);
  await policiesInForce('the ingress policies');
  out.ingress = {
    clientToWeb: await tcpProbe(CLIENT, WEB, 8080, toWeb(CLIENT)),
    clientToWebVip: await tcpProbe(CLIENT, WEB_VIP, 8080, toWeb(CLIENT)),
    strangerToWeb: await tcpProbe(STRANGER, WEB, 8080, toWeb(STRANGER)),
    strangerToWebVip: await tcpProbe(STRANGER, WEB_VIP, 8080, toWeb(STRANGER)),
    // NodePort, externalTrafficPolicy Cluster: masqueraded to the node it came in through.
    nodePortViaWebsNode: await tcpProbe(STRANGER, NODE_1, NODE_PORT, toWeb(STRANGER, NODE_1)),
    nodePortViaNode2: await tcpProbe(STRANGER, NODE_2, NODE_PORT, toWeb(STRANGER, NODE_2)),
    clientToDns: await udpProbe(CLIENT, DNS, toDns(CLIENT)),
  };
  out.longLivedAfterIngressPolicies = await longLived.echo('still here');
  longLived.close();
  out.tableWithIngressPolicies = (await nftListTable(nft, POLICY_TABLE)) ?? null;

  // Egress: the ingress policies gone, the client may reach UDP 53 anywhere and the Services'
  // range by address; its connection to web's ClusterIP is judged at web's own address.
  cluster.delete('NetworkPolicy', 'default', 'default-deny');
  cluster.delete('NetworkPolicy', 'default', 'allow-frontend');
  apply(cluster, [
    policy('client-egress', {
      podSelector: { matchLabels: { role: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '127.96.0.0/16' } }] },
        { ports: [{ port: 53, protocol: 'UDP' }] },
      ],
    }),
  ]);
  await policiesInForce('the egress policy');
  out.egress = {
    clientToWebVip: await tcpProbe(CLIENT, WEB_VIP, 8080, toWeb(CLIENT)),
    clientToWeb: await tcpProbe(CLIENT, WEB, 8080, toWeb(CLIENT)),
    clientToDnsVip: await udpProbe(CLIENT, DNS_VIP, toDns(CLIENT)),
    clientToDns: await udpProbe(CLIENT, DNS, toDns(CLIENT)),
    strangerToWebVip: await tcpProbe(STRANGER, WEB_VIP, 8080, toWeb(STRANGER)),
  };
  out.tableWithEgressPolicy = (await nftListTable(nft, POLICY_TABLE)) ?? null;
  // A second policy's rule adds to the first's.
  apply(cluster, [
    policy('client-to-web', {
      podSelector: { matchLabels: { role: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
    }),
  ]);
  await policiesInForce('the second egress policy');
  out.egressAddedUp = {
    clientToWebVip: await tcpProbe(CLIENT, WEB_VIP, 8080, toWeb(CLIENT)),
    clientToWebOtherPort: await tcpProbe(CLIENT, WEB, 9090, { ...toWeb(CLIENT), port: 9090 }),
  };

  // Every policy deleted: open again, and no table.
  cluster.delete('NetworkPolicy', 'default', 'client-egress');
  cluster.delete('NetworkPolicy', 'default', 'client-to-web');
  await policiesInForce('no policy');
  out.deleted = {
    clientToWebVip: await tcpProbe(CLIENT, WEB_VIP, 8080, toWeb(CLIENT)),
    strangerToWeb: await tcpProbe(STRANGER, WEB, 8080, toWeb(STRANGER)),
  };
  out.tableAfterDelete = (await nftListTable(nft, POLICY_TABLE)) ?? null;

  // Stopping the dataplane takes the pods' network's table away with kube-proxy's.
  apply(cluster, [policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
  await policiesInForce('default-deny again');
  out.tableBeforeShutdown = (await nftListTable(nft, POLICY_TABLE)) !== undefined;
  await proxier.shutdown();
  out.tableAfterShutdown = (await nftListTable(nft, POLICY_TABLE)) ?? null;
  out.kubeProxyTableAfterShutdown = (await nftListTable(nft, 'kube-proxy')) ?? null;
  out.warnings = logs;
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  dnsServer.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** A TCP connection kept open: `echo` sends a line and waits (bounded) for it to come back. */
async function openEcho(
  from: string,
  ip: string,
  port: number,
): Promise<{ echo(text: string): Promise<string>; close(): void }> {
  const s: Socket = await new Promise((resolve, reject) => {
    const c = connect({ host: ip, port, localAddress: from });
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`no connection to ${ip}:${port}`));
    }, CONNECT_TIMEOUT_MS);
    c.once('connect', () => {
      clearTimeout(timer);
      resolve(c);
    });
    c.once('error', reject);
  });
  s.on('error', () => {});
  return {
    echo: (text) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), CONNECT_TIMEOUT_MS);
        s.once('data', (d) => {
          clearTimeout(timer);
          resolve(String(d));
        });
        s.write(text);
      }),
    close: () => s.destroy(),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n${logs.join('\n')}\n`);
  process.exit(1);
});
