// The stand-in shell: the commands and scripts of manifests (`sh -c "..."`, busybox's commands)
// with their output, exit codes and time, on a fake clock. No processes, no sockets.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '@l4lab/cluster';
import { PodFiles } from './podFiles.ts';
import type { CommandIO } from './shellBuiltins.ts';
import { Shell, Stopped, isShellCommand } from './shellRun.ts';

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

function shell(
  opts: {
    env?: Record<string, string>;
    stdinOpen?: boolean;
    network?: (argv: string[], io: CommandIO, signal: AbortSignal) => Promise<number>;
  } = {},
) {
  const clock = new FakeClock();
  const files = new PodFiles({ name: 'box', ip: '127.244.1.9' });
  let log = '';
  const sh = new Shell({
    clock,
    files,
    env: { PATH: '/bin', HOSTNAME: 'box', ...opts.env },
    hostname: 'box',
    log: (t) => void (log += t),
    ...(opts.stdinOpen ? { stdinOpen: true } : {}),
    ...(opts.network ? { network: opts.network } : {}),
  });
  /** Runs argv for `ms` of fake time: its exit code, or 'running'. */
  const run = async (argv: string[], ms = 0): Promise<number | 'running'> => {
    let result: number | 'running' = 'running';
    void sh.run(argv).then(
      (code) => void (result = code),
      () => {},
    );
    await flush();
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await flush();
    }
    return result;
  };
  return { sh, clock, files, run, log: () => log };
}

describe('the stand-in shell', () => {
  it('exits as told: exit N, true, false, and the last status', async () => {
    expect(await shell().run(['sh', '-c', 'exit 1'])).toBe(1);
    expect(await shell().run(['sh', '-c', 'exit 300'])).toBe(44);
    expect(await shell().run(['true'])).toBe(0);
    expect(await shell().run(['/bin/false'])).toBe(1);
    expect(await shell().run(['sh', '-c', 'false; exit'])).toBe(1);
    expect(await shell().run(['sh', '-ec', 'false; echo not here'])).toBe(1);
  });

  it('prints: echo, printf, printenv, env, hostname, date', async () => {
    const s = shell({ env: { GREETING: 'hello' } });
    await s.run([
      'sh',
      '-c',
      'echo hi "$GREETING"; echo -n a; echo b; printf "%s=%d\\n" n 3; printenv GREETING; hostname; date',
    ]);
    expect(s.log()).toBe('hi hello\nab\nn=3\nhello\nbox\nThu Jan  1 00:00:00 UTC 2026\n');
    const env = shell({ env: { A: '1' } });
    expect(await env.run(['printenv'])).toBe(0);
    expect(env.log()).toBe('PATH=/bin\nHOSTNAME=box\nA=1\n');
    expect(await shell().run(['printenv', 'NOPE'])).toBe(1);
  });

  it("hostname -f, -i and -d read the pod's /etc/hosts, as a StatefulSet's pod has it", async () => {
    const s = shell();
    s.files.write(
      '/etc/hosts',
      '127.0.0.1\tlocalhost\n127.244.1.9\tbox.web.default.svc.cluster.local\tbox\n',
    );
    await s.run(['sh', '-c', 'hostname -f; hostname -i; hostname -d; hostname -s']);
    expect(s.log()).toBe(
      'box.web.default.svc.cluster.local\n127.244.1.9\nweb.default.svc.cluster.local\nbox\n',
    );
  });

  it('sleeps as long as told, and forever for infinity', async () => {
    const s = shell();
    expect(await s.run(['sleep', '5'], 4_900)).toBe('running');
    const again = shell();
    expect(await again.run(['sh', '-c', 'sleep 2; sleep 1m; exit 4'], 62_000)).toBe(4);
    expect(await shell().run(['sleep', 'infinity'], 100_000)).toBe('running');
    expect(await shell().run(['sleep', 'later'])).toBe(1);
  });

  it('keeps files: touch, rm, cat, redirections, test', async () => {
    const s = shell();
    const code = await s.run([
      'sh',
      '-c',
      'touch /tmp/healthy; echo ok > /tmp/ready; echo more >> /tmp/ready; rm -f /tmp/healthy; ' +
        '[ -f /tmp/healthy ] || echo gone; cat /tmp/ready; cat /tmp/healthy',
    ]);
    expect(code).toBe(1);
    expect(s.log()).toBe(
      "gone\nok\nmore\ncat: can't open '/tmp/healthy': No such file or directory\n",
    );
    expect(s.files.read('/tmp/ready')).toBe('ok\nmore\n');
  });

  it('runs loops, conditions, variables and arithmetic', async () => {
    const s = shell();
    await s.run([
      'sh',
      '-c',
      'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo "n$i"; done\n' +
        'for f in a b; do echo $f; done\n' +
        'if [ "$i" = 3 ]; then echo three; elif true; then echo no; else echo no; fi\n' +
        'echo ${UNSET:-dflt} $(echo sub) `hostname` $?',
    ]);
    expect(s.log()).toBe('n1\nn2\nn3\na\nb\nthree\ndflt sub box 0\n');
  });

  it('sleeps between turns of `while true` and ends it when stopped', async () => {
    const s = shell();
    expect(await s.run(['sh', '-c', 'while true; do echo tick; sleep 10; done'], 25_000)).toBe(
      'running',
    );
    expect(s.log()).toBe('tick\ntick\ntick\n');
    s.sh.stop();
    expect(s.clock.pendingTimers()).toBe(0);
  });

  it('does not spin on a loop without a sleep: it keeps running, quietly', async () => {
    const s = shell();
    expect(await s.run(['sh', '-c', 'while true; do echo spin; done'])).toBe('running');
    expect(s.log().split('\n').length).toBeLessThanOrEqual(1001);
  });

  it("runs the image's programs and the unknown ones until stopped", async () => {
    for (const argv of [
      ['redis-server'],
      ['sh', '-c', 'python -m http.server 8000'],
      ['tail', '-f', '/dev/null'],
    ]) {
      const s = shell();
      expect(await s.run(argv, 1_000), argv.join(' ')).toBe('running');
      const ended = s.sh.run(['sleep', '100']);
      s.sh.stop();
      await expect(ended).rejects.toBeInstanceOf(Stopped);
    }
    // Package installs and network checks on the way end at once, so the script goes on.
    const net = shell();
    expect(await net.run(['sh', '-c', 'apk add curl && wget -q -O- http://x; exit 5'])).toBe(5);
    // The request is not made, and the log says so (no made-up page).
    expect(net.log()).toBe(
      "wget: not run by l4lab's stand-in shell (kubectl exec -it <pod> -- wget ... makes a real request)\n",
    );
  });

  it("runs wget, curl and nc with the pod's network tools, at most ten a second, and stops them", async () => {
    const asked: string[] = [];
    const signals: AbortSignal[] = [];
    const s = shell({
      network: async (argv, io, signal) => {
        asked.push(argv.join(' '));
        signals.push(signal);
        io.out(`page of ${argv.at(-1)}\n`);
        return argv.includes('nope') ? 1 : 0;
      },
    });
    expect(isShellCommand(['wget', '-qO-', 'web'])).toBe(false);
    expect(isShellCommand(['wget', '-qO-', 'web'], true)).toBe(true);
    // Each request waits a tenth of a second first: not run after 0 ms, done after 100.
    expect(await s.run(['wget', '-qO-', 'web'])).toBe('running');
    expect(asked).toEqual([]);
    s.clock.advance(100);
    await flush();
    expect(asked).toEqual(['wget -qO- web']);
    expect(s.log()).toBe('page of web\n');
    // What a pipe gives it is its stdin; a listening nc is not run (the stand-in's ports answer).
    const stdins: string[] = [];
    const piped = shell({
      network: async (_argv, io) => {
        stdins.push(io.stdin);
        return 0;
      },
    });
    expect(
      await piped.run(
        ['sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc web 80; nc -l -p 8080'],
        200,
      ),
    ).toBe(0);
    expect(stdins).toEqual(['GET / HTTP/1.0\r\n\r\n']);
    expect(isShellCommand(['nc', '-lk', '-p', '8080'], true)).toBe(false);
    const loop = shell({
      network: async (argv, _io, signal) => {
        asked.push(argv.join(' '));
        signals.push(signal);
        return 0;
      },
    });
    // A loop without a sleep is paced by the requests, not stopped as a spinning one (1,000 turns).
    expect(await loop.run(['sh', '-c', 'while true; do curl -s web; done'], 150_000)).toBe(
      'running',
    );
    expect(asked.length).toBeGreaterThan(1_000);
    expect(asked.length).toBeLessThanOrEqual(1_501);
    loop.sh.stop();
    // A request still waiting for its answer is ended with the container.
    const hung = shell({
      network: (_argv, _io, signal) => {
        signals.push(signal);
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve(1)));
      },
    });
    const waiting = hung.sh.run(['nc', 'web', '80']);
    hung.clock.advance(100);
    await flush();
    expect(signals.at(-1)!.aborted).toBe(false);
    hung.sh.stop();
    expect(signals.at(-1)!.aborted).toBe(true);
    await expect(waiting).rejects.toBeInstanceOf(Stopped);
    // Tools it does not run for real still say so.
    const ping = shell({ network: async () => 0 });
    expect(await ping.run(['sh', '-c', 'ping -c1 web; wget -qO- nope'], 200)).toBe(0);
    expect(ping.log()).toContain("ping: not run by l4lab: l4lab's pods send TCP and UDP, not ICMP");
  });

  it("feeds a pipe to the pod tools' grep, head, sort and wc, unpaced, when it has them", async () => {
    const calls: string[][] = [];
    const s = shell({
      network: async (argv, io) => {
        calls.push(argv);
        if (argv[0] === 'grep')
          io.out(
            io.stdin
              .split('\n')
              .filter((l) => l.includes('b'))
              .join('\n') + '\n',
          );
        return 0;
      },
    });
    expect(await s.run(['sh', '-c', 'printf "a\\nb\\n" | grep b'], 200)).toBe(0);
    expect(calls).toEqual([['grep', 'b']]);
    expect(s.log()).toBe('b\n');
  });

  it('runs a command of ping, dig or host alone in the shell, which says why it is not run and what does the same', async () => {
    expect(isShellCommand(['ping', '-c', '2', 'web'])).toBe(true);
    expect(isShellCommand(['/bin/dig', 'web'])).toBe(true);
    const s = shell();
    expect(await s.run(['ping', '-c', '2', 'web'], 200)).toBe(0);
    expect(await s.run(['dig', 'web'], 200)).toBe(0);
    expect(s.log()).toMatch(/^ping: .*nc -zv HOST PORT tries a port/m);
    expect(s.log()).toMatch(/^dig: .*nslookup HOST asks the cluster DNS/m);
  });

  it('ends a bare sh at once (no stdin), unless stdin is open', async () => {
    expect(await shell().run(['sh'])).toBe(0);
    expect(await shell({ stdinOpen: true }).run(['sh'], 1_000)).toBe('running');
  });

  it('says what sh says about a syntax error', async () => {
    const s = shell();
    expect(await s.run(['sh', '-c', 'echo "open'])).toBe(2);
    expect(s.log()).toBe('sh: unterminated quoted string\n');
    const t = shell();
    expect(await t.run(['sh', '-c', 'while true; do echo x'])).toBe(2);
    expect(t.log()).toBe('sh: syntax error: expected "done"\n');
  });
});
