// The built-in shell with a fake pod (no sockets: the nameserver is an in-memory fake).
// Addresses: pod 127.244.1.9, kube-dns 127.96.0.10, Services 127.96.0.0/16.
import { describe, expect, it } from 'vitest';
import { podResolvConf } from './resolveName.ts';
import { runShell } from './shell.ts';
import type { PodContext } from './types.ts';

function pod(): PodContext {
  return {
    namespace: 'default',
    name: 'client-abc',
    ip: '127.244.1.9',
    hostname: 'client-abc',
    ...podResolvConf('default', '127.96.0.10'),
    env: { HOSTNAME: 'client-abc', MY_NGINX_SERVICE_HOST: '127.96.0.12' },
    dns: {
      server: '127.96.0.10',
      async query(name) {
        if (name === 'alias.default.svc.cluster.local')
          return {
            rcode: 'NOERROR',
            transport: 'udp',
            attempts: [],
            answers: [
              { name, type: 'CNAME', ttl: 5, data: 'web.web.svc.cluster.local' },
              { name: 'web.web.svc.cluster.local', type: 'A', ttl: 5, data: '127.96.0.13' },
            ],
          };
        return { rcode: 'NXDOMAIN', transport: 'udp', attempts: [], answers: [] };
      },
    },
    net: { route: (ip, port) => ({ ip, port }), localAddress: '127.244.1.9', reaches: () => true },
    files: new Map(),
  };
}

const run = (line: string, p = pod(), opts = {}) => runShell(line, p, opts);

describe('runShell: what a pod can reach', () => {
  it("refuses this machine's own services like a pod's loopback would, and says why", async () => {
    const p = pod();
    p.net = { ...p.net, reaches: (ip) => ip.startsWith('127.244.') || ip.startsWith('127.96.') };
    const r = await run('wget -q -O - http://127.0.0.5:7395/; nc -z 127.0.0.1 7070; echo $?', p);
    expect(r.stderr).toContain(
      "wget: can't connect to remote host (127.0.0.5): Connection refused",
    );
    expect(r.stderr).toContain('--allow-host-targets');
    expect(r.stdout).toBe('1\n');
  });
});

describe('runShell', () => {
  it('runs lists with && || ; and keeps $?', async () => {
    expect((await run('false && echo no || echo yes; echo $?')).stdout).toBe('yes\n0\n');
    expect((await run('false; echo $?')).stdout).toBe('1\n');
  });

  it('answers like busybox for an unknown command', async () => {
    expect(await run('vi -l')).toMatchObject({
      stdout: '',
      stderr: 'sh: vi: not found\n',
      exitCode: 127,
    });
    expect(await run('/bin/foo')).toMatchObject({ exitCode: 127, stderr: 'sh: foo: not found\n' });
  });

  it('says in which order it wrote to stdout and stderr (segments)', async () => {
    const r = await run('echo a; cat /nope; echo c');
    expect(r.stdout).toBe('a\nc\n');
    expect(r.segments).toEqual([
      [1, 2],
      [2, r.stderr.length],
      [1, 2],
    ]);
  });

  it('says why a network tool it has not is missing, and what does the same (ping: nc -zv)', async () => {
    const ping = await run('ping -c 1 my-nginx');
    expect(ping.exitCode).toBe(127);
    expect(ping.stderr).toMatch(
      /^sh: ping: not found \(l4lab's pods send TCP and UDP, not ICMP: nc -zv HOST PORT tries a port/,
    );
    expect((await run('dig my-nginx')).stderr).toBe(
      'sh: dig: not found (nslookup HOST asks the cluster DNS)\n',
    );
    expect((await run('ip addr')).stderr).toMatch(/hostname -i/);
  });

  it('pipes output into head and grep', async () => {
    expect((await run('cat /etc/resolv.conf | head -n 1')).stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\n',
    );
    expect((await run('env | grep SERVICE_HOST')).stdout).toBe(
      'MY_NGINX_SERVICE_HOST=127.96.0.12\n',
    );
    // -o: each match on a line of its own (`wget -qO- web | grep -o 'Hostname: .*'`).
    expect((await run(`echo 'a1 b2 c3' | grep -o '[a-z][0-9]'`)).stdout).toBe('a1\nb2\nc3\n');
    expect((await run(`echo 'Title' | grep -io 'title'`)).stdout).toBe('Title\n');
    expect((await run(`echo abc | grep -ov x`)).stdout).toBe('');
  });

  it('shows the kubelet-managed files and the hostname', async () => {
    expect((await run('cat /etc/resolv.conf')).stdout).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.96.0.10\noptions ndots:5\n',
    );
    expect((await run('cat /etc/hosts')).stdout).toContain('127.244.1.9\tclient-abc\n');
    expect((await run('hostname; echo $HOSTNAME')).stdout).toBe('client-abc\nclient-abc\n');
    // A StatefulSet's pod: the kubelet's /etc/hosts names it under its Service.
    const member = {
      ...pod(),
      hostname: 'web-0',
      mounted: {
        '/etc/hosts':
          '127.0.0.1\tlocalhost\n127.244.1.9\tweb-0.nginx.default.svc.cluster.local\tweb-0\n',
      },
    };
    expect((await run('hostname -f; hostname -d; hostname -i; hostname', member)).stdout).toBe(
      'web-0.nginx.default.svc.cluster.local\nnginx.default.svc.cluster.local\n127.244.1.9\nweb-0\n',
    );
    expect(await run('cat /nope')).toMatchObject({
      exitCode: 1,
      stderr: "cat: can't open '/nope': No such file or directory\n",
    });
  });

  it("shows the files the kubelet wrote for the pod, not a ClusterFirst pod's defaults", async () => {
    const p = pod();
    const resolvConf = 'search my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n';
    const hosts = '# Kubernetes-managed hosts file.\n10.1.2.3\tfoo.remote\n';
    p.mounted = { '/etc/resolv.conf': resolvConf, '/etc/hosts': hosts };
    expect((await run('cat /etc/resolv.conf', p)).stdout).toBe(resolvConf);
    expect((await run('cat /etc/hosts', p)).stdout).toBe(hosts);
    // An alias of the pod's /etc/hosts is found before any DNS query (and, being no cluster
    // address, refused without a connection).
    p.net = { ...p.net, reaches: (ip) => ip.startsWith('127.') };
    const r = await run('wget -q -O - http://foo.remote:1/', p);
    expect(r.stderr).toContain("can't connect to remote host (10.1.2.3)");
    expect(r.trace).toContainEqual({ kind: 'hosts', name: 'foo.remote', address: '10.1.2.3' });
  });

  it('sorts lines as busybox does: -r, -n, -u, files or stdin', async () => {
    expect((await run('printenv | sort | head -n 1')).stdout).toBe('HOSTNAME=client-abc\n');
    const p = pod();
    await run('echo 10 > /tmp/n; echo 9 >> /tmp/n; echo 100 >> /tmp/n; echo 9 >> /tmp/n', p);
    expect((await run('sort /tmp/n', p)).stdout).toBe('10\n100\n9\n9\n');
    expect((await run('sort -n /tmp/n', p)).stdout).toBe('9\n9\n10\n100\n');
    expect((await run('cat /tmp/n | sort -rnu', p)).stdout).toBe('100\n10\n9\n');
    expect(await run('sort /nope')).toMatchObject({
      exitCode: 2,
      stderr: 'sort: /nope: No such file or directory\n',
    });
  });

  it("lists a ConfigMap volume's files with ls, and refuses to write in it", async () => {
    const p = pod();
    p.mounted = {
      '/etc/config/color': 'blue',
      '/etc/config/app.properties': 'mode=demo\n',
      '/etc/creds/db/password': 's3cret',
    };
    p.mountPoints = ['/etc/config', '/etc/creds', '/data'];
    expect((await run('ls /etc/config', p)).stdout).toBe('app.properties\ncolor\n');
    expect((await run('ls /etc/creds/ /etc/config/color', p)).stdout).toBe(
      '/etc/config/color\n\n/etc/creds/:\ndb\n',
    );
    expect((await run('ls /etc', p)).stdout).toBe('config\ncreds\nhostname\nhosts\nresolv.conf\n');
    expect(await run('ls /nope', p)).toMatchObject({
      exitCode: 1,
      stderr: 'ls: /nope: No such file or directory\n',
    });
    expect((await run('cat /etc/config/color', p)).stdout).toBe('blue');
    expect(await run('echo red > /etc/config/color; cat /etc/config/color', p)).toMatchObject({
      stdout: 'blue',
      stderr: "sh: can't create /etc/config/color: Read-only file system\n",
    });
    // An empty (optional) volume is read-only too; the rest of the pod is not.
    expect((await run('echo x > /data/new', p)).stderr).toBe(
      "sh: can't create /data/new: Read-only file system\n",
    );
    expect((await run('echo x > /database; cat /database', p)).stdout).toBe('x\n');
  });

  it('redirects to /dev/null, to files in the pod and between streams', async () => {
    const p = pod();
    expect((await run('echo hi > /tmp/x; echo more >> /tmp/x; cat /tmp/x', p)).stdout).toBe(
      'hi\nmore\n',
    );
    expect(await run('foo 2>&1', p)).toMatchObject({ stdout: 'sh: foo: not found\n', stderr: '' });
    expect(await run('foo 2>/dev/null', p)).toMatchObject({
      stdout: '',
      stderr: '',
      exitCode: 127,
    });
    expect((await run('echo x > /etc/hosts', p)).stderr).toBe(
      "sh: can't create /etc/hosts: Read-only file system\n",
    );
  });

  it('counts with wc like busybox: one count bare, several in columns, files by name', async () => {
    const p = pod();
    expect((await run('cat /etc/resolv.conf | wc -l', p)).stdout).toBe('3\n');
    expect((await run('echo a b c | wc -w', p)).stdout).toBe('3\n');
    expect((await run('echo hello | wc -c', p)).stdout).toBe('6\n');
    expect((await run('echo hello | wc', p)).stdout).toBe('        1         1         6\n');
    await run('echo one > /tmp/a; echo two three > /tmp/b', p);
    expect((await run('wc -l /tmp/a /tmp/b', p)).stdout).toBe('1 /tmp/a\n1 /tmp/b\n2 total\n');
    expect(await run('wc -z', p)).toMatchObject({ exitCode: 1 });
  });

  it('keeps a quoted sh -c line whole: its pipes and && run inside', async () => {
    expect((await run(`sh -c "env | grep SERVICE_HOST | wc -l"`)).stdout).toBe('1\n');
    expect((await run(`sh -c 'hostname && echo "a | b"' | grep -c 'a | b'`)).stdout).toBe('1\n');
  });

  it('runs sh -c, variables and exit', async () => {
    expect((await run(`sh -c 'X=1; echo "x=$X"'`)).stdout).toBe('x=1\n');
    expect(await run('echo a; exit 3; echo b')).toMatchObject({ stdout: 'a\n', exitCode: 3 });
  });

  it('prints nslookup like busybox, CNAME as canonical name', async () => {
    const r = await run('nslookup alias');
    expect(r.stdout).toBe(
      'Server:\t\t127.96.0.10\nAddress:\t127.96.0.10:53\n\n' +
        'alias.default.svc.cluster.local\tcanonical name = web.web.svc.cluster.local\n' +
        'Name:\tweb.web.svc.cluster.local\nAddress: 127.96.0.13\n\n',
    );
    expect(r.trace[0]).toMatchObject({
      kind: 'dns',
      name: 'alias.default.svc.cluster.local',
      from: '127.244.1.9',
    });
    const nx = await run('nslookup nope');
    expect(nx.exitCode).toBe(1);
    expect(nx.stdout).toContain("** server can't find nope: NXDOMAIN\n");
  });

  it("prints busybox 1.28's nslookup for an old busybox image: resolver, reverse names", async () => {
    const p = pod();
    p.oldNslookup = true;
    const ptr: Record<string, string> = {
      '10.0.96.127.in-addr.arpa': 'kube-dns.kube-system.svc.cluster.local',
      '13.0.96.127.in-addr.arpa': 'web.web.svc.cluster.local',
    };
    const inner = p.dns;
    p.dns = {
      server: inner.server,
      async query(name, type, signal) {
        if (type === 'PTR' && ptr[name])
          return {
            rcode: 'NOERROR',
            transport: 'udp',
            attempts: [],
            answers: [{ name, type: 'PTR', ttl: 5, data: ptr[name] }],
          };
        if (type === 'PTR')
          return { rcode: 'NXDOMAIN', transport: 'udp', attempts: [], answers: [] };
        return inner.query(name, type, signal);
      },
    };
    const r = await run('nslookup alias', p);
    expect([r.stdout, r.exitCode]).toEqual([
      'Server:    127.96.0.10\nAddress 1: 127.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n' +
        'Name:      alias\nAddress 1: 127.96.0.13 web.web.svc.cluster.local\n',
      0,
    ]);
    // The search path as the resolver walks it, traced like any other query.
    expect(r.trace.map((t) => t.kind === 'dns' && `${t.type} ${t.name}`)).toEqual([
      'PTR 10.0.96.127.in-addr.arpa',
      'A alias.default.svc.cluster.local',
      'PTR 13.0.96.127.in-addr.arpa',
    ]);
    const nx = await run('nslookup nope', p);
    expect([nx.stdout, nx.stderr, nx.exitCode]).toEqual([
      'Server:    127.96.0.10\nAddress 1: 127.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n',
      "nslookup: can't resolve 'nope'\n",
      1,
    ]);
  });

  it('reports syntax errors with exit code 2', async () => {
    expect(await run('echo "a')).toMatchObject({
      exitCode: 2,
      stderr: 'sh: syntax error: unterminated quoted string\n',
    });
  });

  it('is bounded in output and in time', async () => {
    const big = await run('echo 0123456789abcdef', pod(), { maxOutputBytes: 8 });
    expect(big).toMatchObject({ stdout: '01234567', truncated: true });
    const slow = await run('sleep 5; echo never', pod(), { timeoutMs: 20 });
    expect(slow).toMatchObject({ stdout: '', exitCode: 124, timedOut: true });
    expect((await run('sleep 60')).stderr).toMatch(/at most 10 seconds/);
  });

  it('a cancelled exec stops', async () => {
    const ac = new AbortController();
    const r = run('sleep 5; echo never', pod(), { signal: ac.signal });
    ac.abort();
    expect(await r).toMatchObject({ stdout: '', exitCode: 130 });
  });
});
