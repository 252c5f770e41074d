import type { Command } from '../types.ts';
import { filePaths, readFile } from './util.ts';

/** Longest `sleep` (s): an exec is bounded anyway; this keeps one command from using it all. */
export const MAX_SLEEP_S = 10;

export const echo: Command = async (args, _pod, io) => {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    if (args[i]!.includes('n')) newline = false;
    if (args[i]!.includes('e')) escapes = true;
  }
  let text = args.slice(i).join(' ');
  if (escapes) text = text.replaceAll('\\n', '\n').replaceAll('\\t', '\t').replaceAll('\\\\', '\\');
  io.out(text + (newline ? '\n' : ''));
  return 0;
};

export const env: Command = async (args, pod, io) => {
  if (args.length > 0) {
    io.err(`env: can't execute '${args[0]}': No such file or directory\n`);
    return 127;
  }
  for (const [k, v] of Object.entries(pod.env)) io.out(`${k}=${v}\n`);
  return 0;
};

export const printenv: Command = async (args, pod, io) => {
  if (args.length === 0) return env(args, pod, io);
  let code = 0;
  for (const a of args) {
    const v = pod.env[a];
    if (v === undefined) code = 1;
    else io.out(`${v}\n`);
  }
  return code;
};

/**
 * busybox `hostname`: the name; `-f` (`--fqdn`) the full name the pod's /etc/hosts gives it (a
 * StatefulSet's pod under its Service: `web-0.nginx.default.svc.cluster.local`), `-d` its domain,
 * `-s` the short name, `-i` the address.
 */
export const hostname: Command = async (args, pod, io) => {
  const name = pod.hostname;
  const line = (pod.mounted?.['/etc/hosts'] ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .find((f) => f.length > 1 && f.slice(1).includes(name));
  const fqdn = line?.[1] ?? name;
  const flag = args.find((a) => a.startsWith('-'));
  if (flag === '-i') io.out(`${line?.[0] ?? pod.ip}\n`);
  else if (flag === '-f' || flag === '--fqdn') io.out(`${fqdn}\n`);
  else if (flag === '-d')
    io.out(`${fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : ''}\n`);
  else if (flag === '-s') io.out(`${name.split('.')[0]}\n`);
  else io.out(`${name}\n`);
  return 0;
};

export const cat: Command = async (args, pod, io) => {
  if (args.length === 0 || (args.length === 1 && args[0] === '-')) {
    io.out(io.stdin);
    return 0;
  }
  let code = 0;
  for (const f of args) {
    const text = f === '-' ? io.stdin : readFile(pod, f);
    if (text === undefined) {
      io.err(`cat: can't open '${f}': No such file or directory\n`);
      code = 1;
    } else io.out(text);
  }
  return code;
};

export const head: Command = async (args, pod, io) => {
  let lines = 10;
  let bytes: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-(n|c)(\d*)$/.exec(a) ?? /^-(\d+)$/.exec(a);
    if (!m) {
      if (a.startsWith('-')) {
        io.err(`head: invalid option -- '${a.slice(1, 2)}'\n`);
        return 1;
      }
      files.push(a);
      continue;
    }
    const v = Number(m[2] === undefined ? m[1] : m[2] || args[++i]);
    if (!Number.isInteger(v) || v < 0) {
      io.err(`head: invalid number '${args[i]}'\n`);
      return 1;
    }
    if (m[1] === 'c') bytes = v;
    else lines = v;
  }
  const text = files.length ? files.map((f) => readFile(pod, f) ?? '').join('') : io.stdin;
  if (bytes !== undefined) io.out(text.slice(0, bytes));
  else
    io.out(
      text
        .split(/(?<=\n)/)
        .slice(0, lines)
        .join(''),
    );
  return 0;
};

export const grep: Command = async (args, pod, io) => {
  const flags = new Set<string>();
  const rest: string[] = [];
  for (const a of args) {
    if (/^-[ivcqEo]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else rest.push(a);
  }
  const [pattern, ...files] = rest;
  if (pattern === undefined) {
    io.err('Usage: grep [-ivcqEo] PATTERN [FILE]...\n');
    return 2;
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags.has('i') ? 'i' : '');
  } catch {
    io.err(`grep: bad regex '${pattern}'\n`);
    return 2;
  }
  const every = new RegExp(re.source, `${re.flags}g`);
  const text = files.length ? files.map((f) => readFile(pod, f) ?? '').join('') : io.stdin;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const hits = lines.filter((l) => re.test(l) !== flags.has('v'));
  if (flags.has('c')) io.out(`${hits.length}\n`);
  else if (flags.has('q')) return hits.length > 0 ? 0 : 1;
  // -o: each match on a line of its own (none with -v, as busybox).
  else if (flags.has('o')) {
    if (!flags.has('v'))
      for (const l of hits) for (const m of l.matchAll(every)) if (m[0]) io.out(`${m[0]}\n`);
  } else for (const l of hits) io.out(`${l}\n`);
  return hits.length > 0 ? 0 : 1;
};

/** busybox sort: lines of its files or stdin; -r reverse, -n numeric, -u unique. */
export const sort: Command = async (args, pod, io) => {
  const flags = new Set<string>();
  const files: string[] = [];
  for (const a of args) {
    if (/^-[rnu]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else if (a.startsWith('-') && a !== '-') {
      io.err(`sort: unrecognized option '${a}'\n`);
      return 1;
    } else files.push(a);
  }
  let text = '';
  for (const f of files) {
    const t = f === '-' ? io.stdin : readFile(pod, f);
    if (t === undefined) {
      io.err(`sort: ${f}: No such file or directory\n`);
      return 2;
    }
    text += t.endsWith('\n') || t === '' ? t : `${t}\n`;
  }
  if (files.length === 0) text = io.stdin;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const number = (l: string) => Number.parseFloat(l) || 0;
  const order = flags.has('n')
    ? (a: string, b: string) => number(a) - number(b) || byText(a, b)
    : byText;
  let sorted = lines.sort(order);
  if (flags.has('r')) sorted = sorted.reverse();
  if (flags.has('u')) sorted = sorted.filter((l, i) => i === 0 || order(l, sorted[i - 1]!) !== 0);
  for (const l of sorted) io.out(`${l}\n`);
  return 0;
};

/** busybox wc: one count alone is printed bare (`3`), several in `%9u` columns; files by name. */
export const wc: Command = async (args, pod, io) => {
  const wanted = new Set<string>();
  const files: string[] = [];
  for (const a of args) {
    if (/^-[lwcm]+$/.test(a)) for (const c of a.slice(1)) wanted.add(c === 'm' ? 'c' : c);
    else if (a.startsWith('-') && a !== '-') {
      io.err(`wc: invalid option -- '${a[1]}'\nUsage: wc [-cmlwL] [FILE]...\n`);
      return 1;
    } else files.push(a);
  }
  if (wanted.size === 0) for (const c of 'lwc') wanted.add(c);
  const countsOf = (text: string): Record<string, number> => ({
    l: (text.match(/\n/g) ?? []).length,
    w: text.split(/\s+/).filter(Boolean).length,
    c: Buffer.byteLength(text),
  });
  const line = (counts: Record<string, number>, name: string) => {
    const shown = [...'lwc'].filter((c) => wanted.has(c)).map((c) => counts[c]!);
    const cols =
      shown.length === 1 ? String(shown[0]) : shown.map((n) => String(n).padStart(9)).join(' ');
    return `${cols}${name ? ` ${name}` : ''}\n`;
  };
  if (files.length === 0) {
    io.out(line(countsOf(io.stdin), ''));
    return 0;
  }
  let code = 0;
  const total: Record<string, number> = { l: 0, w: 0, c: 0 };
  for (const f of files) {
    const text = f === '-' ? io.stdin : readFile(pod, f);
    if (text === undefined) {
      io.err(`wc: can't open '${f}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const counts = countsOf(text);
    for (const k of 'lwc') total[k]! += counts[k]!;
    io.out(line(counts, f));
  }
  if (files.length > 1) io.out(line(total, 'total'));
  return code;
};

export const sleep: Command = async (args, _pod, io) => {
  const s = Number(args[0]);
  if (args.length !== 1 || !Number.isFinite(s) || s < 0) {
    io.err(`sleep: invalid number '${args[0] ?? ''}'\n`);
    return 1;
  }
  if (s > MAX_SLEEP_S) {
    io.err(`sleep: at most ${MAX_SLEEP_S} seconds in l4lab's built-in shell\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, s * 1000); // the exec's deadline aborts it
    io.signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      io.signal.removeEventListener('abort', done);
      resolve();
    }
  });
  return io.signal.aborted ? 130 : 0;
};

/**
 * busybox `ls` of the pod's files (a ConfigMap volume's keys, /etc): one name a line, as when
 * its output is not a terminal; directories are those the files are in.
 */
export const ls: Command = async (args, pod, io) => {
  const operands = args.filter((a) => !a.startsWith('-') || a === '-');
  const paths = filePaths(pod);
  const targets = operands.length > 0 ? operands : ['/'];
  let code = 0;
  const files: string[] = [];
  const dirs: [string, string[]][] = [];
  for (const raw of targets) {
    const p = `/${raw.replace(/^\/+|\/+$/g, '')}`;
    if (paths.includes(p)) {
      files.push(raw);
      continue;
    }
    const prefix = p === '/' ? '/' : `${p}/`;
    const inDir = paths.filter((f) => f.startsWith(prefix));
    if (inDir.length === 0 && p !== '/') {
      io.err(`ls: ${raw}: No such file or directory\n`);
      code = 1;
      continue;
    }
    dirs.push([raw, [...new Set(inDir.map((f) => f.slice(prefix.length).split('/')[0]!))].sort()]);
  }
  // Files first, then each directory, under its name when there is more than one operand.
  for (const f of files.sort()) io.out(`${f}\n`);
  const titled = files.length + dirs.length > 1;
  dirs.forEach(([raw, names], i) => {
    if (titled) io.out(`${i > 0 || files.length > 0 ? '\n' : ''}${raw}:\n`);
    for (const n of names) io.out(`${n}\n`);
  });
  return code;
};

export const trueCmd: Command = async () => 0;
export const falseCmd: Command = async () => 1;
