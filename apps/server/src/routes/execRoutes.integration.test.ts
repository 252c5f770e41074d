// Seed 03 (ExternalName) end to end: cluster DNS (the kube-dns Service in front of two coredns pods
// serving real DNS), exec into the busybox client pod with the built-in tools, and traffic from the
// pod. Addresses: random test ranges (testRanges.ts); in native mode (Linux, root) the pod's own IP
// is the source of its connections and the kube-dns address answers on port 53 itself.
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent, ExecResponse, Pod, Service, TrafficStatus } from '@l4lab/protocol';
import { startTestLab, waitFor, type TestLab } from '../testLab.ts';
import { runOnlyIf } from '../testSkip.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
let t: TestLab;
let client: Pod;
let native = false;

const exec = async (command: string) => {
  const r = await t.api<ExecResponse>(
    'POST',
    `/api/pods/default/${client.metadata.name}/exec`,
    JSON.stringify({ command }),
    'application/json',
  );
  expect(r.status).toBe(200);
  return r.body;
};
const events = async () =>
  (await t.api<{ items: ConnectionEvent[] }>('GET', '/api/connections?limit=1000')).body.items;
const clusterIP = async (ns: string, name: string) =>
  (await t.api<Service>('GET', `/api/objects/services/${ns}/${name}`)).body.spec.clusterIP!;

beforeAll(async () => {
  t = await startTestLab();
  native = t.lab.info.addressMode === 'native';
  // The seed's order: client, client-svc, the nginx-ns namespace, the nginx Deployment, nginx-svc.
  const seed = await readFile(join(ROOT, 'scenarios/03-externalname.yaml'), 'utf8');
  for (const doc of seed.split(/^---$/m)) await t.apply(doc);
  client = await waitFor('the client pod', async () => {
    const p = await t.readyPods('client-');
    return p.length === 1 ? p[0] : undefined;
  });
  await waitFor('the nginx pod and both coredns pods', async () => {
    const nginx = await t.readyPods('nginx-', 'nginx-ns');
    const dns = await t.readyPods('coredns-', 'kube-system');
    return nginx.length === 1 && dns.length === 2 ? true : undefined;
  });
});

afterAll(async () => {
  await t?.stop();
});

describe('cluster DNS', () => {
  it('runs kube-dns at the plan address in front of two coredns pods', async () => {
    const svc = (await t.api<Service>('GET', '/api/objects/services/kube-system/kube-dns')).body;
    expect(svc.spec.clusterIP).toBe(t.lab.cluster.plan.dnsServiceIP);
    expect(svc.spec.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual([
      'dns 53/UDP',
      'dns-tcp 53/TCP',
      'metrics 9153/TCP',
    ]);
  });

  it('answers a query to the kube-dns address from this host (dig @<dns IP>)', async (ctx) => {
    runOnlyIf(ctx, native, 'mapped mode: port 53 is not bound as such (the UI shows the mapping)');
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([t.lab.cluster.plan.dnsServiceIP]);
    expect(await r.resolve4('nginx-svc.nginx-ns.svc.cluster.local')).toEqual([
      await clusterIP('nginx-ns', 'nginx-svc'),
    ]);
  });
});

describe('exec into the client pod (seed 03)', () => {
  it('wget through the ExternalName and through the Service return the same nginx page', async () => {
    const viaAlias = await exec('wget -q -O - client-svc.default.svc.cluster.local');
    const direct = await exec('wget -q -O - nginx-svc.nginx-ns.svc.cluster.local');
    for (const r of [viaAlias, direct]) {
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('<h1>Welcome to nginx!</h1>');
      expect(r.stdout).toMatch(/Served by pod <b>nginx-ns\/nginx-[a-z0-9]+-[a-z0-9]{5}<\/b>/);
    }
    expect(viaAlias.stdout).toBe(direct.stdout);
    // The DNS step: the alias is a CNAME to nginx-svc, answered by the cluster's nameserver.
    const ip = await clusterIP('nginx-ns', 'nginx-svc');
    const answered = viaAlias.trace.find((e) => e.kind === 'dns' && e.rcode === 'NOERROR');
    expect(answered).toMatchObject({
      name: 'client-svc.default.svc.cluster.local',
      server: `${t.lab.cluster.plan.dnsServiceIP}:53`,
      answers: ['CNAME nginx-svc.nginx-ns.svc.cluster.local', `A ${ip}`],
    });
    expect(viaAlias.trace.at(-1)).toMatchObject({ kind: 'connect', to: `${ip}:80`, outcome: 'ok' });
  });

  it('shows the DNS queries and the connection as events from the pod IP', async () => {
    await exec('wget -q -O - client-svc');
    const podIP = client.status!.podIP!;
    const all = await events();
    const dns = all.filter(
      (e) => e.service.namespace === 'kube-system' && e.service.name === 'kube-dns',
    );
    const web = all.filter((e) => e.service.name === 'nginx-svc');
    expect(dns.length).toBeGreaterThan(0);
    expect(web.length).toBeGreaterThan(0);
    expect(dns.every((e) => e.endpoint?.pod.startsWith('coredns-'))).toBe(true);
    if (native) {
      expect(dns.some((e) => e.client.ip === podIP)).toBe(true);
      expect(web.every((e) => e.client.ip === podIP)).toBe(true);
    }
  });

  it('nslookup client-svc shows the CNAME and the address', async () => {
    const r = await exec('nslookup client-svc');
    const dnsIP = t.lab.cluster.plan.dnsServiceIP;
    const ip = await clusterIP('nginx-ns', 'nginx-svc');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `Server:\t\t${dnsIP}\nAddress:\t${dnsIP}:53\n\n` +
        'client-svc.default.svc.cluster.local\tcanonical name = nginx-svc.nginx-ns.svc.cluster.local\n' +
        `Name:\tnginx-svc.nginx-ns.svc.cluster.local\nAddress: ${ip}\n\n`,
    );
  });

  it("nslookup kubernetes.default (the docs' DNS check) answers the kubernetes Service, whose 443 is the lab's API", async () => {
    const r = await exec('nslookup kubernetes.default');
    const dnsIP = t.lab.cluster.plan.dnsServiceIP;
    const ip = await clusterIP('default', 'kubernetes');
    expect(ip).toBe(t.config.serviceCIDR.replace(/\.0\/\d+$/, '.1'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `Server:\t\t${dnsIP}\nAddress:\t${dnsIP}:53\n\n` +
        `Name:\tkubernetes.default.svc.cluster.local\nAddress: ${ip}\n\n`,
    );
    // Plain HTTP (the lab serves its API without TLS), by address: the lab answers requests
    // addressed to a loopback address or name only (DNS rebinding), and a ClusterIP is one.
    const version = await exec(`wget -q -O - http://${ip}:443/version`);
    expect(version).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(version.stdout)).toMatchObject({ major: '1', minor: '32' });
  });

  it('answers like busybox for unknown names, commands and bad flags', async () => {
    expect(await exec('wget -q -O - nope')).toMatchObject({
      exitCode: 1,
      stderr: "wget: bad address 'nope'\n",
    });
    expect(await exec('foo')).toMatchObject({ exitCode: 127, stderr: 'sh: foo: not found\n' });
    const bad = await exec('wget -Z x');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^wget: invalid option -- 'Z'\n/);
    const conf = await exec('cat /etc/resolv.conf');
    expect(conf.stdout).toBe(
      `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${t.lab.cluster.plan.dnsServiceIP}\noptions ndots:5\n`,
    );
  });

  it('runs in the container it names (kubectl exec -c), and refuses one the pod does not have', async () => {
    const path = `/api/pods/default/${client.metadata.name}/exec`;
    const [first] = client.spec.containers;
    const body = (container: string) => JSON.stringify({ command: 'hostname', container });
    const ok = await t.api<ExecResponse>('POST', path, body(first!.name), 'application/json');
    expect([ok.status, ok.body.stdout]).toEqual([200, `${client.metadata.name}\n`]);
    const bad = await t.api<{ error: { code: string; message: string } }>(
      'POST',
      path,
      body('db'),
      'application/json',
    );
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      `container db is not valid for pod ${client.metadata.name}`,
    ]);
  });
});

describe('traffic from the pod', () => {
  it('keep-alive: one connection carries many requests to a single pod', async () => {
    const before = new Set((await events()).map((e) => e.id));
    const start = await t.api<{ id: string }>(
      'POST',
      '/api/traffic',
      JSON.stringify({
        target: 'client-svc:80',
        from: `pod:default/${client.metadata.name}`,
        rate: 100,
        count: 40,
        keepAlive: true,
      }),
      'application/json',
    );
    expect(start.status).toBe(201);
    const done = await waitFor('the generator to finish', async () => {
      const { body } = await t.api<{ items: TrafficStatus[] }>('GET', '/api/traffic');
      const g = body.items.find((x) => x.id === start.body.id);
      return g?.state === 'finished' ? g : undefined;
    });
    expect(done).toMatchObject({ sent: 40, ok: 40, errors: 0, connections: 1 });
    expect(Object.values(done.byPod)).toEqual([40]);
    const closed = await waitFor('the connection to close', async () => {
      const e = (await events()).filter(
        (x) => !before.has(x.id) && x.service.name === 'nginx-svc' && x.outcome !== 'open',
      );
      return e.length > 0 ? e : undefined;
    });
    expect(closed).toHaveLength(1);
    expect(closed[0]!.outcome).toBe('ok');
    // 40 answers of the ~600-byte page went back on that one connection
    expect(closed[0]!.bytesOut).toBeGreaterThan(40 * 600);
    if (native) {
      expect(done.source).toBe(client.status!.podIP);
      expect(closed[0]!.client.ip).toBe(client.status!.podIP);
    }
  });

  it('refuses a rate above the limit with the limit in the message', async () => {
    const r = await t.api<{ error: { message: string } }>(
      'POST',
      '/api/traffic',
      JSON.stringify({ target: 'client-svc:80', rate: 5000 }),
      'application/json',
    );
    expect(r.status).toBe(422);
    expect(r.body.error.message).toContain('500');
  });
});
