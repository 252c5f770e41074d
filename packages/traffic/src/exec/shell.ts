import { type ExecResponse, type ExecTraceEntry, missingToolHint } from '@l4lab/protocol';
import {
  cat,
  echo,
  env,
  falseCmd,
  grep,
  head,
  hostname,
  ls,
  printenv,
  sleep,
  sort,
  trueCmd,
  wc,
} from './commands/basic.ts';
import { curl } from './commands/curl.ts';
import { nc } from './commands/nc.ts';
import { nslookup } from './commands/nslookup.ts';
import { writeFile } from './commands/util.ts';
import { wget } from './commands/wget.ts';
import {
  type ListItem,
  type SimpleCommand,
  type Word,
  ShellSyntaxError,
  parseCommandLine,
} from './parse.ts';
import type { Command, CommandIO, ExecOptions, PodContext } from './types.ts';

/** Every exec ends within this time (ms) unless told otherwise. */
export const EXEC_TIMEOUT_MS = 30_000;
/** Most bytes kept of stdout and of stderr each. */
export const MAX_OUTPUT_BYTES = 256 * 1024;
/** Most trace entries kept. */
const MAX_TRACE = 200;

export const COMMANDS: Record<string, Command> = {
  wget,
  curl,
  nslookup,
  nc,
  echo,
  env,
  printenv,
  hostname,
  cat,
  ls,
  head,
  grep,
  sort,
  wc,
  sleep,
  true: trueCmd,
  false: falseCmd,
};

const BUILTINS = ['exit', 'sh', 'export', 'help', 'busybox'];

class Exit {
  constructor(readonly code: number) {}
}

/** One stream, cut at a size limit. */
class Sink {
  text = '';
  truncated = false;
  constructor(readonly limit: number) {}
  /** Keeps what fits; how much it kept. */
  write(s: string): number {
    const kept = s.slice(0, Math.max(0, this.limit - this.text.length));
    if (kept.length < s.length) this.truncated = true;
    this.text += kept;
    return kept.length;
  }
}

/**
 * l4lab's built-in shell (busybox ash's grammar, a subset): runs a command line in a pod with the
 * built-in tools only. Nothing is ever executed on the host. Bounded in time and output.
 */
export async function runShell(
  line: string,
  pod: PodContext,
  opts: ExecOptions = {},
): Promise<ExecResponse> {
  const timeoutMs = opts.timeoutMs ?? EXEC_TIMEOUT_MS;
  const started = performance.now();
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, timeoutMs);
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stdout = new Sink(opts.maxOutputBytes ?? MAX_OUTPUT_BYTES);
  const stderr = new Sink(opts.maxOutputBytes ?? MAX_OUTPUT_BYTES);
  const trace: ExecTraceEntry[] = [];
  const segments: [1 | 2, number][] = [];
  const write = (fd: 1 | 2, text: string) => {
    const n = (fd === 1 ? stdout : stderr).write(text);
    const last = segments.at(-1);
    if (n === 0) return;
    if (last?.[0] === fd) last[1] += n;
    else segments.push([fd, n]);
  };
  const shell = new Shell(pod, {
    signal: ac.signal,
    remainingMs: () => Math.max(0, timeoutMs - (performance.now() - started)),
    trace: (e) => void (trace.length < MAX_TRACE && trace.push(e)),
  });
  let exitCode: number;
  try {
    exitCode = await shell.run(
      line,
      (s) => write(1, s),
      (s) => write(2, s),
      opts.stdin,
    );
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (timedOut) {
    write(
      2,
      `sh: command timed out after ${Math.round(timeoutMs / 1000)} s (l4lab's exec limit)\n`,
    );
    exitCode = 124;
  }
  return {
    stdout: stdout.text,
    stderr: stderr.text,
    exitCode,
    trace,
    segments,
    ...(stdout.truncated || stderr.truncated ? { truncated: true } : {}),
    ...(timedOut ? { timedOut: true } : {}),
  };
}

class Shell {
  status = 0;
  readonly env: Record<string, string>;

  constructor(
    readonly pod: PodContext,
    readonly ctl: Pick<CommandIO, 'signal' | 'remainingMs' | 'trace'>,
  ) {
    this.env = { ...pod.env };
  }

  async run(
    line: string,
    out: (s: string) => void,
    err: (s: string) => void,
    stdin = '',
  ): Promise<number> {
    let items: ListItem[];
    try {
      items = parseCommandLine(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      err(`sh: ${e.message}\n`);
      return 2;
    }
    try {
      for (const item of items) {
        if (this.ctl.signal.aborted) break;
        if (item.op === '&&' && this.status !== 0) continue;
        if (item.op === '||' && this.status === 0) continue;
        this.status = await this.#pipeline(item.pipeline, out, err, stdin);
      }
    } catch (e) {
      if (e instanceof Exit) return e.code;
      throw e;
    }
    return this.ctl.signal.aborted && this.status === 0 ? 130 : this.status;
  }

  async #pipeline(
    cmds: SimpleCommand[],
    out: (s: string) => void,
    err: (s: string) => void,
    input: string,
  ) {
    let stdin = input;
    let code = 0;
    for (let i = 0; i < cmds.length; i++) {
      const last = i === cmds.length - 1;
      let piped = '';
      code = await this.#command(cmds[i]!, stdin, last ? out : (s) => void (piped += s), err);
      stdin = piped;
    }
    return code;
  }

  #expand(w: Word): string {
    return w
      .map((p) =>
        'lit' in p ? p.lit : p.var === '?' ? String(this.status) : (this.env[p.var] ?? ''),
      )
      .join('');
  }

  async #command(
    c: SimpleCommand,
    stdin: string,
    out: (s: string) => void,
    err: (s: string) => void,
  ) {
    const argv = c.argv.map((w) => this.#expand(w));
    // Redirections: to /dev/null, to the other stream, or to a file of the pod's memory.
    let o = out;
    let e = err;
    const files = new Map<string, string>();
    for (const r of c.redirects) {
      const target =
        r.to === '&1'
          ? o
          : r.to === '&2'
            ? e
            : (s: string) => files.set(r.to, (files.get(r.to) ?? '') + s);
      if (r.fd === 1) o = target;
      else e = target;
    }
    const code = await this.#exec(argv, stdin, o, e);
    for (const r of c.redirects) {
      const text = files.get(r.to);
      if (text === undefined || r.to.startsWith('&')) continue;
      const failure = writeFile(this.pod, r.to, text, r.append);
      if (failure) err(`sh: can't create ${r.to}: ${failure}\n`);
    }
    return code;
  }

  async #exec(
    argv: string[],
    stdin: string,
    out: (s: string) => void,
    err: (s: string) => void,
  ): Promise<number> {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
    while (argv.length && assignment.test(argv[0]!)) {
      const m = assignment.exec(argv.shift()!)!;
      this.env[m[1]!] = m[2]!;
    }
    if (argv.length === 0) return 0;
    let name = argv[0]!.replace(/^\/(usr\/)?s?bin\//, '');
    let args = argv.slice(1);
    if (name === 'busybox' && args.length > 0) [name, args] = [args[0]!, args.slice(1)];
    switch (name) {
      case 'exit': {
        const n = args[0] === undefined ? this.status : Number(args[0]);
        throw new Exit(Number.isInteger(n) ? n & 255 : 2);
      }
      case 'sh':
        if (args[0] === '-c' && args[1] !== undefined)
          return new Shell(this.pod, this.ctl).run(args[1], out, err);
        err('sh: only `sh -c "command"` is available in l4lab\'s built-in shell\n');
        return 2;
      case 'export':
        for (const a of args) {
          const m = assignment.exec(a);
          if (m) this.env[m[1]!] = m[2]!;
        }
        return 0;
      case 'help':
        out(
          `Built-in commands (l4lab): ${[...BUILTINS, ...Object.keys(COMMANDS)].sort().join(' ')}\n`,
        );
        return 0;
    }
    const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!cmd) {
      const hint = missingToolHint(name);
      err(`sh: ${name}: not found${hint ? ` (${hint})` : ''}\n`);
      return 127;
    }
    return cmd(args, { ...this.pod, env: this.env }, { stdin, out, err, ...this.ctl });
  }
}
