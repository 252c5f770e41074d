// Runs a stand-in container's process: `sh -c "..."` scripts, busybox's commands, or the image's
// own program (the `external` hook). Time goes through the injected clock, so `sleep 30` takes 30 s
// of the lab's time and no timer outlives `stop()`.
import type { Clock } from '@l4lab/cluster';
import { missingToolHint } from '@l4lab/protocol';
import { PodFiles } from './podFiles.ts';
import type { DnsQuery } from './podResolver.ts';
import { arithmetic } from './shellArith.ts';
import { BUILTINS, type CommandIO, ONE_SHOT, type ShellHost } from './shellBuiltins.ts';
import {
  type ShellNode,
  ShellSyntaxError,
  type Word,
  parseShell,
  substitutionLength,
} from './shellParse.ts';

/** The container was stopped: whatever it was running ends here. */
export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

/** `exit N`: unwinds to the shell that runs the script. */
class ShellExit {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

export interface ShellOptions {
  clock: Clock;
  files: PodFiles;
  /** The container's environment (its `env`, PATH, HOSTNAME, ...). */
  env: Record<string, string>;
  hostname: string;
  /** DNS queries from the pod, for nslookup (without: it succeeds at once). */
  dns?: DnsQuery;
  /** The image's busybox is older than 1.29: nslookup in its first format (hasOldNslookup). */
  oldNslookup?: boolean;
  /** Everything the process writes (stdout and stderr), for the container's log. */
  log(text: string): void;
  /** `stdin: true` in the manifest: a bare `sh` waits for input instead of ending at once. */
  stdinOpen?: boolean;
  /** A program the shell does not know: the image's own. Without it, it runs until stopped. */
  external?(argv: string[], io: CommandIO): Promise<number>;
  /**
   * The pod's tools (PodNetworkTools): wget, curl and nc for real, as the pod, and the text filters
   * a pipe feeds (grep, head, sort, wc); without, they are not run.
   */
  network?(argv: string[], io: CommandIO, signal: AbortSignal): Promise<number>;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** Tools whose output is the network's answer: the stand-in shell says it did not run them. */
const NETWORK_TOOLS = new Set(['wget', 'curl', 'nc', 'ping', 'dig', 'host']);
/** Network tools no stand-in runs: a command of one alone runs in the shell, which says so. */
const NEVER_RUN = new Set(['ping', 'dig', 'host']);
/** Text filters the pod's tools have (as kubectl exec's): run by them when the shell has them. */
const FILTERS = new Set(['grep', 'head', 'sort', 'wc']);
/** The network tools the pod's own tools run for real when the shell is given them. */
const REAL_NETWORK_TOOLS = new Set(['wget', 'curl', 'nc']);
/** A loop whose iterations never sleep is stopped after this many (it would spin the CPU). */
const MAX_SPINS = 1000;
/** The shortest sleep, so `while true; do sleep 0; done` cannot busy the event loop either. */
const MIN_SLEEP_MS = 100;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** A shell with nothing to run (`sh`, `/bin/bash`): with stdin open, it waits for input. */
export function isBareShell(argv: string[]): boolean {
  return argv.length === 1 && SHELLS.has(basename(argv[0]!));
}

/**
 * True when argv is something the shell runs itself: a shell, or one of its commands (wget, curl
 * and nc too when it has the pod's network tools).
 */
export function isShellCommand(argv: string[], network = false): boolean {
  const name = basename(argv[0] ?? '');
  return SHELLS.has(name) || name in BUILTINS || NEVER_RUN.has(name) || (network && requests(argv));
}

/** Why a network tool was not run, and what does the same here (wget, curl, nc: exec's). */
function notRun(name: string): string {
  const hint = missingToolHint(name);
  return hint
    ? `not run by l4lab: ${hint}`
    : `not run by l4lab's stand-in shell (kubectl exec -it <pod> -- ${name} ... makes a real request)`;
}

/**
 * A network tool that makes a request (wget, curl, nc to a host): run for real when the shell has
 * the pod's tools. A listening `nc -l` is not: the stand-in's ports answer its clients.
 */
function requests(argv: string[]): boolean {
  const name = basename(argv[0] ?? '');
  const listens = name === 'nc' && argv.slice(1).some((a) => /^-\w*l/.test(a));
  return REAL_NETWORK_TOOLS.has(name) && !listens;
}

export class Shell implements ShellHost {
  readonly #o: ShellOptions;
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  cwd = '/';
  errexit = false;
  lastStatus = 0;
  #positional = ['sh'];
  #stopped = false;
  #sleeps = 0;
  readonly #wakers = new Set<() => void>();
  readonly #background = new Set<Promise<unknown>>();

  constructor(o: ShellOptions) {
    this.#o = o;
    for (const [k, v] of Object.entries(o.env)) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
  }

  get files(): PodFiles {
    return this.#o.files;
  }
  get clock(): Clock {
    return this.#o.clock;
  }
  get hostname(): string {
    return this.#o.hostname;
  }
  get dns(): DnsQuery | undefined {
    return this.#o.dns;
  }
  get oldNslookup(): boolean {
    return this.#o.oldNslookup === true;
  }

  /** Ends whatever runs: pending sleeps and long-running commands reject with Stopped. */
  stop(): void {
    this.#stopped = true;
    for (const wake of [...this.#wakers]) wake();
    this.#wakers.clear();
  }

  sleep(ms: number): Promise<void> {
    this.#sleeps++;
    return new Promise((resolve, reject) => {
      if (this.#stopped) return reject(new Stopped());
      const wake = () => {
        timer.cancel();
        reject(new Stopped());
      };
      const timer = this.#o.clock.setTimeout(
        () => {
          this.#wakers.delete(wake);
          resolve();
        },
        Math.max(ms, MIN_SLEEP_MS),
      );
      this.#wakers.add(wake);
    });
  }

  forever(): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (this.#stopped) reject(new Stopped());
      else this.#wakers.add(() => reject(new Stopped()));
    });
  }

  exit(code: number): never {
    throw new ShellExit(code);
  }

  async waitBackground(): Promise<void> {
    await Promise.all([...this.#background]);
  }

  /** Runs the container's argv (exec form): its exit code, or a rejection with Stopped. */
  async run(argv: string[]): Promise<number> {
    const io: CommandIO = {
      stdin: '',
      out: (t) => this.#o.log(t),
      err: (t) => this.#o.log(t),
      env: new Map(),
    };
    try {
      return await this.exec(argv, io);
    } catch (err) {
      if (err instanceof ShellExit) return err.code;
      throw err;
    }
  }

  async exec(argv: string[], io: CommandIO, env?: Map<string, string>): Promise<number> {
    if (this.#stopped) throw new Stopped();
    const name = basename(argv[0] ?? '');
    const cmdIO = { ...io, env: env ?? this.#environment(new Map()) };
    if (SHELLS.has(name)) return this.#sh(argv.slice(1), cmdIO);
    const builtin = BUILTINS[name];
    if (builtin) return builtin(argv.slice(1), cmdIO, this);
    if (this.#o.network && requests(argv)) return this.#network(argv, cmdIO);
    // A filter on a pipe (`wget -qO- web | grep Hostname`): the pod tools' own, unpaced.
    if (this.#o.network && FILTERS.has(name)) return this.#network(argv, cmdIO, false);
    if (ONE_SHOT.has(name)) {
      // A request the script makes is not made: say so in the log, never print a made-up answer.
      if (NETWORK_TOOLS.has(name)) cmdIO.err(`${name}: ${notRun(name)}\n`);
      return 0;
    }
    return this.#o.external ? this.#o.external(argv, cmdIO) : this.forever();
  }

  /**
   * A network tool, for real. A tenth of a second's pause first: one container makes at most ten
   * requests a second, and a loop without a sleep (`while true; do wget ...; done`) is paced,
   * not stopped as a spinning one would be.
   */
  async #network(argv: string[], io: CommandIO, paced = true): Promise<number> {
    if (paced) await this.sleep(MIN_SLEEP_MS);
    const abort = new AbortController();
    const wake = () => abort.abort();
    this.#wakers.add(wake);
    try {
      const code = await this.#o.network!(argv, io, abort.signal);
      if (this.#stopped) throw new Stopped();
      return code;
    } finally {
      this.#wakers.delete(wake);
    }
  }

  #environment(extra: Map<string, string>): Map<string, string> {
    const env = new Map<string, string>();
    for (const k of this.exported) env.set(k, this.vars.get(k) ?? '');
    for (const [k, v] of extra) env.set(k, v);
    return env;
  }

  /** `sh -c SCRIPT [$0 $1 ...]`, `sh FILE`, or a bare `sh`, which ends at once without stdin. */
  async #sh(args: string[], io: CommandIO): Promise<number> {
    let i = 0;
    let wantsScript = false;
    let errexit = false;
    for (; i < args.length && /^-\w+$/.test(args[i]!); i++) {
      wantsScript ||= args[i]!.includes('c');
      errexit ||= args[i]!.includes('e');
    }
    let script: string | undefined;
    if (wantsScript) script = args[i++];
    else if (args[i] !== undefined) {
      script = this.files.read(PodFiles.resolve(args[i]!, this.cwd));
      if (script === undefined) {
        io.err(`sh: can't open '${args[i]}': No such file or directory\n`);
        return 2;
      }
    }
    if (script === undefined) return this.#o.stdinOpen ? this.forever() : 0;
    let node: ShellNode;
    try {
      node = parseShell(script);
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      io.err(`sh: ${err.message}\n`);
      return 2;
    }
    const saved = { positional: this.#positional, errexit: this.errexit };
    this.#positional = wantsScript ? [args[i] ?? 'sh', ...args.slice(i + 1)] : args.slice(i);
    this.errexit = errexit;
    try {
      return await this.#run(node, io);
    } catch (err) {
      if (err instanceof ShellExit) return err.code;
      throw err;
    } finally {
      this.#positional = saved.positional;
      this.errexit = saved.errexit;
    }
  }

  async #run(node: ShellNode, io: CommandIO): Promise<number> {
    const status = await this.#runNode(node, io);
    this.lastStatus = status;
    return status;
  }

  async #runNode(node: ShellNode, io: CommandIO): Promise<number> {
    switch (node.k) {
      case 'simple':
        return this.#simple(node, io);
      case 'pipe': {
        let stdin = io.stdin;
        let status = 0;
        for (const [i, item] of node.items.entries()) {
          let captured = '';
          const last = i === node.items.length - 1;
          const out = last ? io.out : (t: string) => void (captured += t);
          status = await this.#run(item, { ...io, stdin, out });
          stdin = captured;
        }
        return status;
      }
      case 'andor': {
        let status = await this.#run(node.first, io);
        for (const { op, node: next } of node.rest) {
          if ((op === '&&') === (status === 0)) status = await this.#run(next, io);
        }
        return status;
      }
      case 'list':
        return this.#list(node.items, io);
      case 'while':
        return this.#while(node, io);
      case 'for': {
        let status = 0;
        const values = [];
        for (const w of node.words) values.push(...(await this.#fields(w)));
        for (const v of values) {
          this.vars.set(node.name, v);
          status = await this.#run(node.body, io);
        }
        return status;
      }
      case 'if': {
        for (const b of node.branches) {
          if ((await this.#run(b.cond, io)) === 0) return this.#run(b.body, io);
        }
        return node.otherwise ? this.#run(node.otherwise, io) : 0;
      }
      case 'group':
        return this.#run(node.body, io);
    }
  }

  async #list(items: { node: ShellNode; background: boolean }[], io: CommandIO): Promise<number> {
    let status = 0;
    for (const { node, background } of items) {
      if (background) {
        // `server &`: runs beside the rest of the script; `wait` waits for it.
        const job: Promise<unknown> = this.#run(node, io).catch(() => 0);
        this.#background.add(job);
        void job.then(() => this.#background.delete(job));
        status = 0;
        continue;
      }
      status = await this.#run(node, io);
      if (this.errexit && status !== 0 && node.k !== 'andor') this.exit(status);
    }
    return status;
  }

  async #while(node: Extract<ShellNode, { k: 'while' }>, io: CommandIO): Promise<number> {
    let status = 0;
    let spins = 0;
    for (;;) {
      const sleeps = this.#sleeps;
      const cond = await this.#run(node.cond, io);
      if ((cond === 0) === node.until) return status;
      status = await this.#run(node.body, io);
      // `while true; do echo hi; done` would print without end: after enough turns without a
      // sleep the loop just keeps the container running, as far as anyone can tell from outside.
      spins = this.#sleeps === sleeps ? spins + 1 : 0;
      if (spins >= MAX_SPINS) return this.forever();
    }
  }

  async #simple(node: Extract<ShellNode, { k: 'simple' }>, io: CommandIO): Promise<number> {
    const argv: string[] = [];
    for (const w of node.words) argv.push(...(await this.#fields(w)));
    const assigned = new Map<string, string>();
    for (const [name, w] of node.assigns) assigned.set(name, (await this.#fields(w)).join(' '));
    if (argv.length === 0) {
      for (const [k, v] of assigned) this.vars.set(k, v);
      return 0;
    }
    let out = io.out;
    for (const r of node.redirects) {
      if (r.fd !== 1) continue; // stderr ends in the log whatever it is redirected to
      const target = (await this.#fields(r.target)).join(' ');
      if (target === '&2') out = io.err;
      else if (target === '/dev/null' || target.startsWith('&'))
        out = target === '&1' ? out : () => {};
      else {
        const path = PodFiles.resolve(target, this.cwd);
        if (r.op === '>') this.files.write(path, '');
        out = (t) => this.files.write(path, t, true);
      }
    }
    try {
      return await this.exec(argv, { ...io, out }, this.#environment(assigned));
    } catch (err) {
      if (err instanceof ShellExit || err instanceof Stopped) throw err;
      io.err(`sh: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }

  /** A word's fields: unquoted expansions split on white space, as sh does. */
  async #fields(word: Word): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let has = false;
    for (const part of word) {
      if (part.single) {
        cur += part.text;
        has = true;
        continue;
      }
      for (const seg of await this.#segments(part.text)) {
        if (!seg.expanded || part.quoted) {
          cur += seg.text;
          has ||= seg.text !== '' || part.quoted === true;
          continue;
        }
        seg.text.split(/[ \t\n]+/).forEach((piece, i) => {
          if (i > 0 && has) fields.push(cur);
          if (i > 0) [cur, has] = ['', false];
          if (piece) [cur, has] = [cur + piece, true];
        });
      }
    }
    if (has) fields.push(cur);
    return fields;
  }

  /** Literal text and expansions (`$X`, `${X:-d}`, `$(cmd)`, `` `cmd` ``, `$((1+2))`) of a part. */
  async #segments(text: string): Promise<{ text: string; expanded: boolean }[]> {
    const out: { text: string; expanded: boolean }[] = [];
    let lit = '';
    const push = (t: string) => {
      if (lit) out.push({ text: lit, expanded: false });
      lit = '';
      out.push({ text: t, expanded: true });
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const rest = text.slice(i + 1);
      if (c === '\\') {
        lit += text[++i] ?? '';
      } else if (c === '`' && rest.includes('`')) {
        const end = text.indexOf('`', i + 1);
        push(await this.#substitute(text.slice(i + 1, end)));
        i = end;
      } else if (c !== '$') {
        lit += c;
      } else if (rest.startsWith('((') || rest.startsWith('(')) {
        const n = substitutionLength(text, i);
        if (rest.startsWith('((')) {
          const expr = (await this.#segments(text.slice(i + 3, i + n - 2))).map((s) => s.text);
          push(String(arithmetic(expr.join(''), (name) => this.vars.get(name))));
        } else push(await this.#substitute(text.slice(i + 2, i + n - 1)));
        i += n - 1;
      } else if (rest.startsWith('{') && rest.includes('}')) {
        const end = text.indexOf('}', i);
        push(this.#parameter(text.slice(i + 2, end)));
        i = end;
      } else {
        const m = /^([A-Za-z_]\w*|[0-9?$#@*!])/.exec(rest);
        if (!m) lit += c;
        else {
          push(this.#variable(m[1]!));
          i += m[1]!.length;
        }
      }
    }
    if (lit || out.length === 0) out.push({ text: lit, expanded: false });
    return out;
  }

  #variable(name: string): string {
    if (/^\d$/.test(name)) return this.#positional[Number(name)] ?? '';
    if (name === '?') return String(this.lastStatus);
    if (name === '$') return '1'; // a container's process is pid 1
    if (name === '#') return String(this.#positional.length - 1);
    if (name === '@' || name === '*') return this.#positional.slice(1).join(' ');
    if (name === '!') return '';
    return this.vars.get(name) ?? '';
  }

  /** `${X}`, `${#X}`, `${X:-default}`, `${X-default}`, `${X:=default}`. */
  #parameter(inner: string): string {
    if (inner.startsWith('#')) return String(this.#variable(inner.slice(1)).length);
    const m = /^(\w+|[?$#@*!])(:?)([-=+]?)(.*)$/.exec(inner);
    if (!m) return '';
    const [, name, colon, op, word] = m as unknown as [string, string, string, string, string];
    const value = this.#variable(name);
    const unset = colon ? value === '' : !this.vars.has(name) && !/^\d|[?$#@*!]/.test(name);
    if (op === '-') return unset ? word : value;
    if (op === '=') {
      if (unset) this.vars.set(name, word);
      return unset ? word : value;
    }
    if (op === '+') return unset ? '' : word;
    return value;
  }

  /** `$(cmd)`: its output without the trailing newlines; an `exit` inside ends only it. */
  async #substitute(script: string): Promise<string> {
    let captured = '';
    const io: CommandIO = {
      stdin: '',
      out: (t) => void (captured += t),
      err: (t) => this.#o.log(t),
      env: new Map(),
    };
    try {
      await this.#run(parseShell(script), io);
    } catch (err) {
      if (err instanceof Stopped) throw err;
      if (err instanceof ShellSyntaxError) this.#o.log(`sh: ${err.message}\n`);
      else if (!(err instanceof ShellExit)) throw err;
    }
    return captured.replace(/\n+$/, '');
  }
}
