// The command line of l4lab's built-in shell, parsed like busybox's ash does for the subset it
// supports: words with '...' and "..." quoting and backslash escapes, $VAR / ${VAR} / $? expansion
// (at run time), pipes, `;`, `&&`, `||`, redirections of stdout / stderr to /dev/null, a file or
// each other, and `#` comments.

/** A word: literal text and variables, expanded when the command runs. */
export type WordPart = { lit: string } | { var: string };
export type Word = WordPart[];

export interface Redirect {
  fd: 1 | 2;
  /** `&1` / `&2` (dup), or a path (`/dev/null`, a file in the pod's memory). */
  to: string;
  append: boolean;
}

export interface SimpleCommand {
  argv: Word[];
  redirects: Redirect[];
}

/** Commands joined by `&&` / `||` / `;` (`op` joins this pipeline to the previous one). */
export interface ListItem {
  op: ';' | '&&' | '||';
  pipeline: SimpleCommand[];
}

export class ShellSyntaxError extends Error {}

type Token = { word: Word } | { op: string };

const unexpected = (t: string) => new ShellSyntaxError(`syntax error: unexpected "${t}"`);

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let word: Word | undefined;
  const lit = (s: string) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && 'lit' in last) last.lit += s;
    else word.push({ lit: s });
  };
  const flush = () => {
    if (word) out.push({ word });
    word = undefined;
  };
  const variable = (i: number): number => {
    // line[i] === '$'
    const rest = line.slice(i + 1);
    const m = /^(\?|[A-Za-z_][A-Za-z0-9_]*|\{([A-Za-z_][A-Za-z0-9_]*|\?)\})/.exec(rest);
    if (!m) {
      lit('$');
      return i + 1;
    }
    word ??= [];
    word.push({ var: m[2] ?? m[1]! });
    return i + 1 + m[0].length;
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      flush();
      i++;
    } else if (c === '#' && !word) break;
    else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      lit(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      word ??= [];
      i++;
      for (;;) {
        if (i >= line.length)
          throw new ShellSyntaxError('syntax error: unterminated quoted string');
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          lit(line[i + 1]!);
          i += 2;
        } else if (d === '$') i = variable(i);
        else {
          lit(d);
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 < line.length) lit(line[i + 1]!);
      i += 2;
    } else if (c === '$') i = variable(i);
    else if ('|&;<>'.includes(c)) {
      const two = line.slice(i, i + 2);
      const fd2 = word?.length === 1 && 'lit' in word[0]! && word[0].lit === '2' && c === '>';
      if (fd2) word = undefined;
      const op = ['&&', '||', '>>'].includes(two) ? two : c;
      if (op === '>' || op === '>>') {
        const dup = /^&([12])/.exec(line.slice(i + op.length));
        flush();
        out.push({ op: `${fd2 ? '2' : '1'}${op}${dup ? `&${dup[1]}` : ''}` });
        i += op.length + (dup ? 2 : 0);
        continue;
      }
      flush();
      if (op === '<') throw new ShellSyntaxError('input redirection is not supported here');
      if (op === '&') throw new ShellSyntaxError('background jobs (&) are not supported here');
      out.push({ op });
      i += op.length;
    } else {
      lit(c);
      i++;
    }
  }
  flush();
  return out;
}

/** Parses a command line; throws ShellSyntaxError with ash's wording. */
export function parseCommandLine(line: string): ListItem[] {
  const tokens = tokenize(line);
  const items: ListItem[] = [];
  let op: ListItem['op'] = ';';
  let pipeline: SimpleCommand[] = [];
  let cmd: SimpleCommand = { argv: [], redirects: [] };
  const endCommand = (t: string) => {
    if (cmd.argv.length === 0) throw unexpected(t);
    pipeline.push(cmd);
    cmd = { argv: [], redirects: [] };
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ('word' in t) {
      cmd.argv.push(t.word);
      continue;
    }
    const redirect = /^([12])(>>?)(&[12])?$/.exec(t.op);
    if (redirect) {
      let to = redirect[3];
      if (!to) {
        const next = tokens[++i];
        if (!next || !('word' in next))
          throw unexpected(next && 'op' in next ? next.op : 'newline');
        to = next.word.map((p) => ('lit' in p ? p.lit : `$${p.var}`)).join('');
      }
      cmd.redirects.push({ fd: redirect[1] === '2' ? 2 : 1, to, append: redirect[2] === '>>' });
      continue;
    }
    if (t.op === '|') {
      endCommand('|');
      continue;
    }
    endCommand(t.op);
    items.push({ op, pipeline });
    pipeline = [];
    op = t.op as ListItem['op'];
  }
  if (cmd.argv.length > 0) pipeline.push(cmd);
  else if (pipeline.length > 0 || op !== ';') throw unexpected('end of file');
  if (pipeline.length > 0) items.push({ op, pipeline });
  return items;
}
