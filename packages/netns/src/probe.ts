import { readFileSync } from 'node:fs';
import { TOOLS, type RunResult, type Tool, run, toolPath } from './tools.ts';

/**
 * How the lab gets its network namespace: `netns` (root: a named `ip netns`), `userns`
 * (unprivileged: `unshare -Urn`, a user namespace that owns the network namespace).
 */
export type NamespaceMethod = 'netns' | 'userns';

export type ProbeResult =
  { ok: true; method: NamespaceMethod } | { ok: false; missing: string[]; hint: string };

/** One way of making a namespace, tried for real: creating it, then nft and conntrack inside. */
export interface MethodTrial {
  method: NamespaceMethod;
  unshare: RunResult;
  nft?: RunResult;
  conntrack?: RunResult;
}

/** What the probe found on this machine (gathered by `probe`, judged by `judgeProbe`). */
export interface ProbeFacts {
  platform: string;
  missingTools: Tool[];
  /** root with CAP_SYS_ADMIN. */
  root: boolean;
  /** kernel.unprivileged_userns_clone, user.max_user_namespaces, AppArmor's userns restriction. */
  usernsSysctls: { clone?: string; max?: string; apparmor?: string };
  trials: MethodTrial[];
}

/** What `--dataplane nftables` needs, present or not; `hint` says what to install or enable. */
export async function probe(): Promise<ProbeResult> {
  return judgeProbe(await gatherFacts());
}

export async function gatherFacts(): Promise<ProbeFacts> {
  const facts: ProbeFacts = {
    platform: process.platform,
    missingTools: [],
    root: false,
    usernsSysctls: {},
    trials: [],
  };
  if (process.platform !== 'linux') return facts;
  facts.missingTools = (Object.keys(TOOLS) as Tool[]).filter((t) => !toolPath(t));
  facts.root = process.geteuid?.() === 0 && hasCapSysAdmin();
  facts.usernsSysctls = {
    clone: sysctl('kernel/unprivileged_userns_clone'),
    max: sysctl('user/max_user_namespaces'),
    apparmor: sysctl('kernel/apparmor_restrict_unprivileged_userns'),
  };
  if (facts.missingTools.length > 0) return facts;
  for (const method of facts.root ? (['netns', 'userns'] as const) : (['userns'] as const)) {
    const trial = await tryMethod(method);
    facts.trials.push(trial);
    if (trialPassed(trial)) break;
  }
  return facts;
}

/** unshare's flags for a throwaway namespace of `method`. */
function unshareFlags(method: NamespaceMethod): string[] {
  return method === 'netns' ? ['--net'] : ['--user', '--map-root-user', '--net'];
}

async function tryMethod(method: NamespaceMethod): Promise<MethodTrial> {
  const unshare = toolPath('unshare')!;
  const inside = (file: string, args: string[]) =>
    run(unshare, [...unshareFlags(method), '--', file, ...args], 5000);
  const trial: MethodTrial = { method, unshare: await inside(toolPath('ip')!, ['-V']) };
  if (trial.unshare.code !== 0) return trial;
  trial.nft = await inside(toolPath('nft')!, ['list', 'tables']);
  if (trial.nft.code !== 0) return trial;
  trial.conntrack = await inside(toolPath('conntrack')!, ['-L']);
  return trial;
}

function trialPassed(t: MethodTrial): boolean {
  return t.unshare.code === 0 && t.nft?.code === 0 && t.conntrack?.code === 0;
}

/** The verdict, with the exact thing to install or enable (pure: unit-tested on facts). */
export function judgeProbe(f: ProbeFacts): ProbeResult {
  if (f.platform !== 'linux')
    return fail(
      ['Linux'],
      `the kernel dataplane programs Linux's nftables; on ${f.platform} use --dataplane userspace`,
    );
  if (f.missingTools.length > 0) {
    const packages = [...new Set(f.missingTools.map((t) => TOOLS[t]))];
    return fail(
      f.missingTools,
      `install them: sudo apt-get install ${packages.join(' ')} (Debian/Ubuntu package names)`,
    );
  }
  const passed = f.trials.find(trialPassed);
  if (passed) return { ok: true, method: passed.method };
  const last = f.trials.at(-1);
  if (!last || last.unshare.code !== 0) return namespaceRefused(f, last);
  if (last.nft?.code !== 0)
    return fail(
      ['nf_tables'],
      `nft cannot list tables in a new network namespace (${firstLine(last.nft)}): the kernel ` +
        `needs nf_tables (5.13 or later); load it with: sudo modprobe nf_tables`,
    );
  return fail(
    ['nf_conntrack'],
    `conntrack cannot read the connection table in a new network namespace ` +
      `(${firstLine(last.conntrack)}): load it with: sudo modprobe nf_conntrack nf_conntrack_netlink`,
  );
}

function namespaceRefused(f: ProbeFacts, last: MethodTrial | undefined): ProbeResult {
  const why = last ? ` (${firstLine(last.unshare)})` : '';
  if (f.root)
    return fail(
      ['network namespaces'],
      `root cannot create a network namespace here${why}: in a container, run it privileged ` +
        `(docker run --privileged, or --cap-add SYS_ADMIN --cap-add NET_ADMIN)`,
    );
  const { clone, max, apparmor } = f.usernsSysctls;
  const enable =
    clone === '0'
      ? 'sudo sysctl -w kernel.unprivileged_userns_clone=1'
      : max === '0'
        ? 'sudo sysctl -w user.max_user_namespaces=15000'
        : apparmor === '1'
          ? 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 23.10+)'
          : 'enable unprivileged user namespaces in the kernel';
  return fail(
    ['root or unprivileged user namespaces'],
    `unshare -Urn fails${why}: run as root (sudo), or let users create user namespaces: ${enable}`,
  );
}

function fail(missing: string[], hint: string): ProbeResult {
  return { ok: false, missing, hint };
}

function firstLine(r: RunResult | undefined): string {
  const text = `${r?.stderr ?? ''}`.trim() || `exit ${r?.code ?? '?'}`;
  return text.split('\n')[0]!;
}

function hasCapSysAdmin(): boolean {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    return hex !== undefined && (BigInt(`0x${hex}`) & (1n << 21n)) !== 0n;
  } catch {
    return false;
  }
}

function sysctl(name: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
