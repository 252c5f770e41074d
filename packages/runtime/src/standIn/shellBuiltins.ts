// The commands a stand-in container's shell runs itself, with busybox's output and error words:
// what the Kubernetes documentation's scripts call (echo, printenv, sleep, touch, rm, cat, date,
// test ...). Anything else is the image's own program (shellRun.ts decides what that does).
import type { Clock } from '@l4lab/cluster';
import { PodFiles } from './podFiles.ts';
import { type DnsQuery, nslookup } from './podResolver.ts';

export interface CommandIO {
  stdin: string;
  out(text: string): void;
  err(text: string): void;
  /** The command's environment: the exported variables, and its own `NAME=value` prefixes. */
  env: Map<string, string>;
}

/** What the commands need from the shell that runs them. */
export interface ShellHost {
  readonly files: PodFiles;
  readonly clock: Clock;
  readonly hostname: string;
  /** DNS queries from the pod (nslookup); absent when the runtime gives none. */
  readonly dns?: DnsQuery | undefined;
  /** busybox older than 1.29: nslookup through the resolver, in its first format. */
  readonly oldNslookup?: boolean;
  readonly vars: Map<string, string>;
  readonly exported: Set<string>;
  cwd: string;
  errexit: boolean;
  lastStatus: number;
  sleep(ms: number): Promise<void>;
  forever(): Promise<never>;
  exit(code: number): never;
  waitBackground(): Promise<void>;
  exec(argv: string[], io: CommandIO, env?: Map<string, string>): Promise<number>;
}

type Builtin = (args: string[], io: CommandIO, sh: ShellHost) => number | Promise<number>;

/** The longest timer Node keeps (about 24.8 days); a longer sleep is as good as forever. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** busybox `sleep`: numbers with an optional s/m/h/d suffix, summed; `inf`/`infinity` forever. */
export function sleepMs(args: string[]): number | string {
  let total = 0;
  for (const a of args) {
    if (/^inf(inity)?$/i.test(a)) return Infinity;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return `sleep: invalid number '${a}'\n`;
    total += Number(m[1]) * UNITS[m[2]!]! * 1000;
  }
  return total;
}

/**
 * busybox `hostname`: the name; `-f` (`--fqdn`) the full name and `-i` the address the pod's
 * /etc/hosts gives it (a StatefulSet's pod: `web-0.nginx.default.svc.cluster.local`), `-s` the
 * short name, `-d` the domain.
 */
function hostnameOf(args: string[], sh: ShellHost): string {
  const name = sh.hostname;
  const line = (sh.files.read('/etc/hosts') ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .find((f) => f.length > 1 && f.slice(1).includes(name));
  const fqdn = line?.[1] ?? name;
  const flag = args.find((a) => a.startsWith('-'));
  if (flag === '-f' || flag === '--fqdn') return fqdn;
  if (flag === '-i') return line?.[0] ?? name;
  if (flag === '-s') return name.split('.')[0]!;
  if (flag === '-d') return fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '';
  return name;
}

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date` in UTC (containers run in UTC): busybox's `Thu Jan  1 00:00:00 UTC 2026`, or +FORMAT. */
export function formatDate(ms: number, format = '%a %b %e %H:%M:%S %Z %Y'): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const fields: Record<string, string> = {
    a: DAY[d.getUTCDay()]!,
    b: MON[d.getUTCMonth()]!,
    e: String(d.getUTCDate()).padStart(2, ' '),
    d: p(d.getUTCDate()),
    m: p(d.getUTCMonth() + 1),
    Y: String(d.getUTCFullYear()),
    H: p(d.getUTCHours()),
    M: p(d.getUTCMinutes()),
    S: p(d.getUTCSeconds()),
    s: String(Math.floor(ms / 1000)),
    Z: 'UTC',
    z: '+0000',
    '%': '%',
  };
  fields.T = `${fields.H}:${fields.M}:${fields.S}`;
  fields.F = `${fields.Y}-${fields.m}-${fields.d}`;
  return format.replace(/%(.)/g, (all, c: string) => fields[c] ?? all);
}

function unescapeEcho(s: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', r: '\r', a: '\x07' };
  return s.replace(/\\(.)/g, (all, c: string) => map[c] ?? all);
}

function printf(args: string[]): string {
  const [format = '', ...rest] = args;
  let out = '';
  let k = 0;
  do {
    out += unescapeEcho(format).replace(/%([sdi%])/g, (_all, c: string) => {
      if (c === '%') return '%';
      const v = rest[k++] ?? '';
      return c === 's' ? v : String(Math.trunc(Number(v)) || 0);
    });
  } while (k > 0 && k < rest.length);
  return out;
}

function envLines(env: Map<string, string>): string {
  return [...env].map(([k, v]) => `${k}=${v}\n`).join('');
}

/** `test` / `[`: files, strings and integers, `!`, as the documentation's scripts use them. */
function test(args: string[], sh: ShellHost): number {
  if (args[0] === '!') return test(args.slice(1), sh) === 0 ? 1 : 0;
  const path = (p: string) => PodFiles.resolve(p, sh.cwd);
  if (args.length === 0) return 1;
  if (args.length === 1) return args[0] ? 0 : 1;
  if (args.length === 2) {
    const [op, v] = args as [string, string];
    const unary: Record<string, () => boolean> = {
      '-f': () => sh.files.isFile(path(v)),
      '-e': () => sh.files.isFile(path(v)) || sh.files.isDir(path(v)),
      '-d': () => sh.files.isDir(path(v)),
      '-s': () => (sh.files.read(path(v)) ?? '').length > 0,
      '-z': () => v === '',
      '-n': () => v !== '',
    };
    return unary[op] ? (unary[op]() ? 0 : 1) : 2;
  }
  const [a, op, b] = args as [string, string, string];
  const n = (x: string) => Number.parseInt(x, 10);
  const binary: Record<string, () => boolean> = {
    '=': () => a === b,
    '==': () => a === b,
    '!=': () => a !== b,
    '-eq': () => n(a) === n(b),
    '-ne': () => n(a) !== n(b),
    '-lt': () => n(a) < n(b),
    '-le': () => n(a) <= n(b),
    '-gt': () => n(a) > n(b),
    '-ge': () => n(a) >= n(b),
  };
  return binary[op] ? (binary[op]() ? 0 : 1) : 2;
}

function flagsAndOperands(args: string[]): { flags: string; operands: string[] } {
  let flags = '';
  const operands: string[] = [];
  for (const a of args) {
    if (a.startsWith('-') && a.length > 1 && operands.length === 0) flags += a.slice(1);
    else operands.push(a);
  }
  return { flags, operands };
}

async function sleep(args: string[], io: CommandIO, sh: ShellHost): Promise<number> {
  if (args.length === 0) {
    io.err('sleep: missing operand\n');
    return 1;
  }
  const ms = sleepMs(args);
  if (typeof ms === 'string') {
    io.err(ms);
    return 1;
  }
  if (ms > MAX_TIMER_MS) return sh.forever();
  await sh.sleep(ms);
  return 0;
}

function files(sh: ShellHost, operands: string[]): string[] {
  return operands.map((f) => PodFiles.resolve(f, sh.cwd));
}

function cat(args: string[], io: CommandIO, sh: ShellHost): number {
  const { operands } = flagsAndOperands(args);
  if (operands.length === 0) io.out(io.stdin);
  let status = 0;
  for (const [i, f] of files(sh, operands).entries()) {
    const text = sh.files.read(f);
    if (text === undefined) {
      io.err(`cat: can't open '${operands[i]}': No such file or directory\n`);
      status = 1;
    } else io.out(text);
  }
  return status;
}

function rm(args: string[], io: CommandIO, sh: ShellHost): number {
  const { flags, operands } = flagsAndOperands(args);
  let status = 0;
  for (const [i, f] of files(sh, operands).entries()) {
    if (!sh.files.remove(f, /[rR]/.test(flags)) && !flags.includes('f')) {
      io.err(`rm: can't remove '${operands[i]}': No such file or directory\n`);
      status = 1;
    }
  }
  return status;
}

async function tail(args: string[], io: CommandIO, sh: ShellHost): Promise<number> {
  const { flags, operands } = flagsAndOperands(args.filter((a) => !/^-n$|^\d+$/.test(a)));
  for (const f of files(sh, operands))
    io.out((sh.files.read(f) ?? '').split('\n').slice(-11).join('\n'));
  // `tail -f /dev/null`: the documentation's way of a container that runs until it is stopped.
  return flags.includes('f') || flags.includes('F') ? sh.forever() : 0;
}

function env(args: string[], io: CommandIO, sh: ShellHost): number | Promise<number> {
  const extra = new Map(io.env);
  let i = 0;
  for (; i < args.length && /^[A-Za-z_]\w*=/.test(args[i]!); i++) {
    const eq = args[i]!.indexOf('=');
    extra.set(args[i]!.slice(0, eq), args[i]!.slice(eq + 1));
  }
  if (i < args.length) return sh.exec(args.slice(i), io, extra);
  io.out(envLines(extra));
  return 0;
}

function printenv(args: string[], io: CommandIO): number {
  if (args.length === 0) {
    io.out(envLines(io.env));
    return 0;
  }
  let status = 0;
  for (const name of args) {
    const v = io.env.get(name);
    if (v === undefined) status = 1;
    else io.out(`${v}\n`);
  }
  return status;
}

function exportVars(args: string[], _io: CommandIO, sh: ShellHost): number {
  for (const a of args.filter((x) => x !== '-p')) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (eq >= 0) sh.vars.set(name, a.slice(eq + 1));
    sh.exported.add(name);
  }
  return 0;
}

function seq(args: string[], io: CommandIO): number {
  const [first, last] =
    args.length >= 2 ? [Number(args[0]), Number(args[1])] : [1, Number(args[0])];
  // A bounded count: `seq 1 100000000` in a manifest must not fill the server's memory.
  for (let v = first; v <= last && v - first < 10_000; v++) io.out(`${v}\n`);
  return 0;
}

export const BUILTINS: Record<string, Builtin> = {
  echo(args, io) {
    let newline = true;
    let escapes = false;
    while (/^-[neE]+$/.test(args[0] ?? '')) {
      const f = args.shift()!;
      if (f.includes('n')) newline = false;
      if (f.includes('e')) escapes = true;
    }
    const text = args.join(' ');
    io.out((escapes ? unescapeEcho(text) : text) + (newline ? '\n' : ''));
    return 0;
  },
  printf: (args, io) => (io.out(printf(args)), 0),
  printenv,
  env,
  sleep,
  exit: (args, _io, sh) =>
    sh.exit(args[0] === undefined ? sh.lastStatus : (Number.parseInt(args[0], 10) || 0) & 255),
  true: () => 0,
  ':': () => 0,
  false: () => 1,
  touch(args, _io, sh) {
    for (const f of files(sh, flagsAndOperands(args).operands))
      if (!sh.files.isFile(f)) sh.files.write(f, '');
    return 0;
  },
  rm,
  cat,
  mkdir(args, _io, sh) {
    for (const d of files(sh, flagsAndOperands(args).operands)) sh.files.mkdir(d);
    return 0;
  },
  cd(args, _io, sh) {
    sh.cwd = PodFiles.resolve(args[0] ?? '/root', sh.cwd);
    return 0;
  },
  ls(args, io, sh) {
    const dirs = files(sh, flagsAndOperands(args).operands);
    for (const d of dirs.length ? dirs : [sh.cwd])
      io.out(
        sh.files
          .list(d)
          .map((n) => `${n}\n`)
          .join(''),
      );
    return 0;
  },
  export: exportVars,
  unset(args, _io, sh) {
    for (const a of args) {
      sh.vars.delete(a);
      sh.exported.delete(a);
    }
    return 0;
  },
  set(args, _io, sh) {
    for (const a of args) if (/^-\w*e/.test(a)) sh.errexit = true;
    return 0;
  },
  trap: () => 0,
  wait: async (_args, _io, sh) => (await sh.waitBackground(), 0),
  test: (args, _io, sh) => test(args, sh),
  '[': (args, io, sh) => {
    if (args.at(-1) !== ']') {
      io.err('[: missing ]\n');
      return 2;
    }
    return test(args.slice(0, -1), sh);
  },
  date(args, io, sh) {
    const format = args.find((a) => a.startsWith('+'));
    io.out(`${formatDate(sh.clock.now(), format?.slice(1))}\n`);
    return 0;
  },
  hostname: (args, io, sh) => (io.out(`${hostnameOf(args, sh)}\n`), 0),
  tail,
  seq,
  nslookup,
  exec: (args, io, sh) => (args.length ? sh.exec(args, io) : 0),
};

/**
 * Programs a script calls on its way that l4lab does not run (package installs, network checks,
 * file tools): they end at once with success, so the script goes on to what it does next.
 */
export const ONE_SHOT = new Set([
  'apk',
  'apt',
  'apt-get',
  'yum',
  'dnf',
  'pip',
  'pip3',
  'npm',
  'chmod',
  'chown',
  'cp',
  'mv',
  'ln',
  'id',
  'whoami',
  'uname',
  'sync',
  'ps',
  'df',
  'free',
  'mount',
  'umount',
  'kill',
  'grep',
  'sed',
  'awk',
  'wc',
  'sort',
  'uniq',
  'cut',
  'tr',
  'head',
  'tee',
  'find',
  'stat',
  'wget',
  'curl',
  'nc',
  'ping',
  'dig',
  'host',
  'ulimit',
]);
