// bench:dataplane's CPU profile of the kernel's NAT (BENCH_PERF=0 skips it): what kube-proxy's
// DNAT itself costs a keep-alive request, measured where requests/s cannot show it. On a 2-CPU
// machine wrk, nginx and the kernel's softirqs share two CPUs, so a run's requests/s moves with
// where the scheduler puts them (the rounds scatter by +-10 %); a profile counts the CPU time spent
// in the NAT's own functions instead. `perf record -a` samples every CPU while wrk runs through
// each target; printed per target: the share of the busy samples (idle ones left out), and of
// nginx's (its one worker is the bottleneck: the DNAT of its replies runs on its CPU), spent in
// netfilter's NAT, its checksums and the xfrm look-up the kernel makes for every packet NAT
// rewrote (nf_xfrm_me_harder). Direct pays the NAT hooks too (conntrack and the kube-proxy table
// are in force in the namespace): the difference is the DNAT's rewriting.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The kernel functions of the NAT's work on a packet (netfilter NAT, its checksums, xfrm). */
const NAT = /\b(nf_nat_\w+|nf_xfrm_me_harder|__?xfrm_\w+|inet_proto_csum_replace\w*)$/;
/** A CPU waiting for work (the hypervisor's halt, the idle loop). */
const IDLE =
  /\b(pv_native_safe_halt|native_safe_halt|default_idle\w*|\w*cpuidle\w*|do_idle|intel_idle\w*|acpi_idle\w*|poll_idle|mwait_idle\w*|tick_nohz_idle_\w+)$/;

export interface NatShare {
  target: string;
  requests: number;
  /** Percent of all samples spent idle. */
  idle: number;
  /** Percent of the busy samples spent in the NAT's functions. */
  nat: number;
  /** Percent of all samples that were nginx's, and the NAT's share of those. */
  nginx: number;
  nginxNat: number;
}

/** Whether perf is there and may sample the whole machine (root, or perf_event_paranoid <= 0). */
export async function perfAvailable(perf: string | undefined): Promise<string | undefined> {
  if (!perf) return 'perf is not installed (apt-get install linux-perf)';
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-perf-'));
  try {
    await promisify(execFile)(perf, ['record', '-a', '-q', '-o', join(dir, 'p'), '--', 'true']);
    return undefined;
  } catch (err) {
    return `perf cannot sample the machine here: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `load` under `perf record -a` and reads what share of the busy CPU the NAT took. */
export async function natShare(
  perf: string,
  target: string,
  load: () => Promise<{ requests: number }>,
): Promise<NatShare> {
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-perf-'));
  const data = join(dir, 'perf.data');
  try {
    const recorder = spawn(perf, ['record', '-a', '-q', '-F', '999', '-o', data], {
      stdio: 'ignore',
    });
    const stopped = new Promise<void>((r) => recorder.once('exit', () => r()));
    await new Promise((r) => setTimeout(r, 300)); // perf starts sampling
    const { requests } = await load();
    recorder.kill('SIGINT');
    await stopped;
    const { stdout } = await promisify(execFile)(
      perf,
      ['report', '-i', data, '--no-children', '--sort', 'comm,sym', '--stdio', '-g', 'none'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    let total = 0;
    let idle = 0;
    let nat = 0;
    let nginx = 0;
    let nginxNat = 0;
    for (const line of stdout.split('\n')) {
      const m = /^\s+([\d.]+)%\s+(\S+)\s+\[[k.]\]\s+(\S+)/.exec(line);
      if (!m) continue;
      const pct = Number(m[1]);
      const inNat = NAT.test(m[3]!);
      total += pct;
      if (IDLE.test(m[3]!)) idle += pct;
      else if (inNat) nat += pct;
      if (m[2] === 'nginx') {
        nginx += pct;
        if (inNat) nginxNat += pct;
      }
    }
    const busy = total - idle;
    return {
      target,
      requests,
      idle,
      nat: busy > 0 ? (100 * nat) / busy : 0,
      nginx,
      nginxNat: nginx > 0 ? (100 * nginxNat) / nginx : 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function printNatShares(shares: NatShare[], seconds: number): void {
  console.log(
    `\nthe kernel's NAT in the CPU profile (perf record -a, ${seconds} s of keep-alive per target; BENCH_PERF=0 skips it)`,
  );
  console.log(
    `  (netfilter's NAT, its checksums and xfrm look-ups, as a share of the busy samples and of nginx's; direct pays the NAT hooks too)`,
  );
  for (const s of shares)
    console.log(
      `  ${s.target.padEnd(28)} NAT ${s.nat.toFixed(2).padStart(5)} % of the busy CPU, ${s.nginxNat.toFixed(2).padStart(5)} % of nginx's   (nginx ${s.nginx.toFixed(0)} % of all samples, idle ${s.idle.toFixed(0)} %, ${s.requests} requests)`,
    );
  const direct = shares.find((s) => s.target === 'nginx direct');
  for (const s of shares) {
    if (s === direct || !direct) continue;
    const extra = s.nginxNat - direct.nginxNat;
    console.log(
      `  ${s.target}: the DNAT adds ${extra.toFixed(2)} % to the bottleneck's (nginx's) CPU per request: keep-alive at about ${(100 / (100 + extra)).toFixed(3)}x of going direct, where nginx's CPU sets the pace`,
    );
  }
}
