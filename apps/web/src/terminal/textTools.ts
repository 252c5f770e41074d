// The text filters a kubectl line is piped into on the user's machine (`kubectl get pods | grep
// nginx`, `kubectl exec pod -- printenv | grep SERVICE`): grep, head, tail and wc, on text only,
// printing what busybox prints.

export interface ToolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type TextTool = (args: string[], stdin: string) => ToolResult;

const ok = (stdout: string): ToolResult => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode = 1): ToolResult => ({ stdout: '', stderr, exitCode });

/** Lines of a text, without the empty one after a final newline. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const grep: TextTool = (args, stdin) => {
  const flags = new Set<string>();
  const patterns: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-e' && i + 1 < args.length) patterns.push(args[++i]!);
    else if (/^-[ivcqEFwn]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else if (a.startsWith('-') && a.length > 1)
      return fail(`grep: invalid option -- '${a[1]}'\n`, 2);
    else rest.push(a);
  }
  if (patterns.length === 0 && rest.length > 0) patterns.push(rest.shift()!);
  if (patterns.length === 0) return fail('Usage: grep [-ivcqEFwn] [-e PATTERN] PATTERN\n', 2);
  if (rest.length > 0)
    return fail(`grep: ${rest[0]}: No such file or directory (here grep reads a pipe only)\n`, 2);
  let re: RegExp;
  try {
    const source = patterns
      .map((p) => (flags.has('F') ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p))
      .map((p) => (flags.has('w') ? `\\b(?:${p})\\b` : p))
      .join('|');
    re = new RegExp(source, flags.has('i') ? 'i' : '');
  } catch {
    return fail(`grep: bad regex '${patterns.join(' ')}'\n`, 2);
  }
  const hits = linesOf(stdin)
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => re.test(line) !== flags.has('v'));
  const exitCode = hits.length > 0 ? 0 : 1;
  if (flags.has('q')) return { stdout: '', stderr: '', exitCode };
  const stdout = flags.has('c')
    ? `${hits.length}\n`
    : hits.map((h) => `${flags.has('n') ? `${h.n}:` : ''}${h.line}\n`).join('');
  return { stdout, stderr: '', exitCode };
};

/** `-n N`, `-nN`, `-N`, `-c N` of head and tail; `+N` (tail: from line N) kept as a sign. */
function countArgs(
  cmd: string,
  args: string[],
): { lines: number; bytes?: number; from: boolean } | ToolResult {
  let lines = 10;
  let bytes: number | undefined;
  let from = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-([nc])(.*)$/.exec(a) ?? /^-()(\d+)$/.exec(a);
    if (!m)
      return fail(`${cmd}: ${a}: No such file or directory (here ${cmd} reads a pipe only)\n`);
    const raw = m[2] || args[++i] || '';
    from = raw.startsWith('+');
    const v = Number(raw.replace(/^[+-]/, ''));
    if (!Number.isInteger(v) || v < 0) return fail(`${cmd}: invalid number '${raw}'\n`);
    if (m[1] === 'c') bytes = v;
    else lines = v;
  }
  return { lines, from, ...(bytes !== undefined ? { bytes } : {}) };
}

const head: TextTool = (args, stdin) => {
  const c = countArgs('head', args);
  if ('exitCode' in c) return c;
  if (c.bytes !== undefined) return ok(stdin.slice(0, c.bytes));
  return ok(
    stdin
      .split(/(?<=\n)/)
      .slice(0, c.lines)
      .join(''),
  );
};

const tail: TextTool = (args, stdin) => {
  const c = countArgs('tail', args);
  if ('exitCode' in c) return c;
  if (c.bytes !== undefined) return ok(c.bytes === 0 ? '' : stdin.slice(-c.bytes));
  const lines = stdin.split(/(?<=\n)/).filter((l) => l !== '');
  if (c.from) return ok(lines.slice(Math.max(0, c.lines - 1)).join(''));
  return ok(c.lines === 0 ? '' : lines.slice(-c.lines).join(''));
};

/** busybox wc: one count alone is printed bare; several are `%9u` columns. */
export function wcCounts(args: string[], text: string): ToolResult {
  const wanted = new Set<string>();
  for (const a of args) {
    if (!/^-[lwcm]+$/.test(a)) {
      if (a.startsWith('-')) return fail(`wc: invalid option -- '${a[1]}'\n`);
      return fail(`wc: ${a}: No such file or directory (here wc reads a pipe only)\n`);
    }
    for (const c of a.slice(1)) wanted.add(c === 'm' ? 'c' : c);
  }
  if (wanted.size === 0) for (const c of 'lwc') wanted.add(c);
  const counts: Record<string, number> = {
    l: (text.match(/\n/g) ?? []).length,
    w: text.split(/\s+/).filter(Boolean).length,
    c: new TextEncoder().encode(text).length,
  };
  const shown = [...'lwc'].filter((c) => wanted.has(c)).map((c) => counts[c]!);
  if (shown.length === 1) return ok(`${shown[0]}\n`);
  return ok(`${shown.map((n) => String(n).padStart(9)).join(' ')}\n`);
}

/** The filters the console runs itself, by name. */
export const TEXT_TOOLS: Record<string, TextTool> = { grep, head, tail, wc: wcCounts };
