// Where bench:dataplane runs: inside a network namespace of its own when it can make one, so
// every target (nginx direct, the userspace proxier, HAProxy, and kube-proxy's nftables table)
// shares one loopback and the kernel target never touches the host's firewall. The bench runs
// itself again under `unshare` (root: `unshare --net`; otherwise `unshare -Urn`, an unprivileged
// user namespace owning the network namespace), as scripts/test.mjs's kernel stage does.
import { spawn } from 'node:child_process';
import { inNamespace, prepareNamespace, probe, toolPath } from '@l4lab/netns';

/** Set in the child run inside the namespace (and guards against running itself again). */
const INSIDE_ENV = 'L4LAB_BENCH_NETNS';

export type BenchPlace =
  /** This process runs inside a network namespace other than the host's, loopback up. */
  | { kind: 'inside'; how: string; warnings: string[] }
  /** The host's namespace: the kernel target is left out, `why` says what is missing. */
  | { kind: 'host'; why: string }
  /** The bench ran in a child inside a namespace; this process only waited for it. */
  | { kind: 'ran'; code: number };

/**
 * Inside a namespace already: prepares it (loopback up, conntrack accounting) and says so.
 * Otherwise runs this same bench again inside a new one and waits for it, or says why not.
 * BENCH_NETNS=off keeps the bench in the host's namespace (the kernel target is then missing).
 */
export async function benchPlace(): Promise<BenchPlace> {
  const reran = process.env[INSIDE_ENV];
  if (inNamespace()) {
    const warnings = await prepareNamespace();
    return { kind: 'inside', how: reran ?? 'a namespace the bench was started in', warnings };
  }
  if (reran) return { kind: 'host', why: `ran again with ${reran}, but still in the host's` };
  if (process.env.BENCH_NETNS === 'off') return { kind: 'host', why: 'BENCH_NETNS=off' };
  const verdict = await probe();
  if (!verdict.ok) return { kind: 'host', why: `${verdict.missing.join(', ')}: ${verdict.hint}` };
  const flags = verdict.method === 'netns' ? ['--net'] : ['--user', '--map-root-user', '--net'];
  return { kind: 'ran', code: await runAgainInside(flags) };
}

/** This bench again (same node flags, same arguments) under `unshare <flags>`; its exit code. */
function runAgainInside(flags: string[]): Promise<number> {
  const how = `unshare ${flags.join(' ')}`;
  const argv = [...process.execArgv, ...process.argv.slice(1)];
  const child = spawn(toolPath('unshare')!, [...flags, '--', process.execPath, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [INSIDE_ENV]: how },
  });
  // Ctrl-C reaches the child through the terminal's process group: it stops its own children.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.log(`bench:dataplane: cannot run ${how}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
