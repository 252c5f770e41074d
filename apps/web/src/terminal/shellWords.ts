// The kubectl console's command line, read the way a POSIX shell (busybox ash, bash) reads it for
// the subset a tutorial uses: words with '...' and "..." quoting and backslash escapes, pipes, `;`,
// `&&`, `||` and `#` comments. Nothing is expanded: the console has no variables.

/** Commands joined by `;` / `&&` / `||` (`op` joins this pipeline to the previous one). */
export interface CommandListItem {
  op: ';' | '&&' | '||';
  /** The argv of each command of the pipeline (`a | b` is two). */
  pipeline: string[][];
}

export class ShellSyntaxError extends Error {}

type Token = { word: string } | { op: string };

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let word: string | undefined;
  const flush = () => {
    if (word !== undefined) out.push({ word });
    word = undefined;
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      flush();
      i++;
    } else if (c === '#' && word === undefined) break;
    else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word ??= '';
      for (i++; line[i] !== '"'; i++) {
        if (i >= line.length)
          throw new ShellSyntaxError('syntax error: unterminated quoted string');
        // Inside "...", a backslash escapes only " \ $ and ` (POSIX).
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++;
        word += line[i];
      }
      i++;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i += 2;
    } else if (c === '|' || c === '&' || c === ';') {
      flush();
      const two = line.slice(i, i + 2);
      const op = two === '&&' || two === '||' ? two : c;
      if (op === '&') throw new ShellSyntaxError('background jobs (&) are not supported here');
      out.push({ op });
      i += op.length;
    } else if (c === '<' || c === '>') {
      throw new ShellSyntaxError('redirections (< >) are not supported in the kubectl console');
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  flush();
  return out;
}

/** Parses a command line into `;` / `&&` / `||` lists of pipelines; throws ShellSyntaxError. */
export function parseCommandList(line: string): CommandListItem[] {
  const items: CommandListItem[] = [];
  let op: CommandListItem['op'] = ';';
  let pipeline: string[][] = [];
  let argv: string[] = [];
  const unexpected = (t: string) => new ShellSyntaxError(`syntax error: unexpected "${t}"`);
  for (const t of tokenize(line)) {
    if ('word' in t) {
      argv.push(t.word);
      continue;
    }
    if (argv.length === 0) throw unexpected(t.op);
    pipeline.push(argv);
    argv = [];
    if (t.op === '|') continue;
    items.push({ op, pipeline });
    pipeline = [];
    op = t.op as CommandListItem['op'];
  }
  if (argv.length > 0) pipeline.push(argv);
  else if (pipeline.length > 0 || (op !== ';' && items.length > 0)) throw unexpected('end of file');
  if (pipeline.length > 0) items.push({ op, pipeline });
  return items;
}

/** The words of one simple command (quotes removed); operators are a syntax error here. */
export function shellWords(line: string): string[] {
  const tokens = tokenize(line);
  const op = tokens.find((t) => 'op' in t);
  if (op && 'op' in op) throw new ShellSyntaxError(`syntax error: unexpected "${op.op}"`);
  return tokens.map((t) => ('word' in t ? t.word : ''));
}

/**
 * A word quoted so that a POSIX shell reads it back as the same single word: `kubectl exec pod --
 * sh -c "a | b"` hands the pod's shell `sh -c 'a | b'`, not `sh -c a | b`.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Takes `-n ns` / `--namespace=ns` / `-A` out of the words. */
export function namespaceFlag(words: string[]): {
  rest: string[];
  namespace: string | undefined;
  all: boolean;
} {
  const rest: string[] = [];
  let namespace: string | undefined;
  let all = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-n' || w === '--namespace') namespace = words[++i];
    else if (w.startsWith('--namespace=')) namespace = w.slice(12);
    else if (w.startsWith('-n') && w.length > 2 && !w.startsWith('--')) namespace = w.slice(2);
    else if (w === '-A' || w === '--all-namespaces') all = true;
    else rest.push(w);
  }
  return { rest, namespace, all };
}
