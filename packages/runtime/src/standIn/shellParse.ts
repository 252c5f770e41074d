// The shell language of a container's `command: [sh, -c, "..."]`, parsed into a small tree that
// shellRun.ts walks: simple commands with assignments and redirections, pipes, `&&` / `||`, `;` and
// `&`, `while` / `until`, `for ... in`, `if` / `elif` / `else`, `{ ... }` and `( ... )`. Enough for
// the scripts of the Kubernetes documentation (`touch /tmp/healthy; sleep 30; rm -f /tmp/healthy`,
// `while true; do echo $(date); sleep 5; done`), not a POSIX shell.

/**
 * A piece of a word: single-quoted (taken as is) or not (its `$` expansions run when used);
 * `quoted` when it was in double quotes (its expansion is not split into several words).
 */
export interface Part {
  text: string;
  single: boolean;
  quoted?: boolean;
}

export type Word = Part[];

export interface Redirect {
  /** `>` truncates, `>>` appends; a target of `&1`, `&2` or `/dev/null` drops the output. */
  op: '>' | '>>';
  /** 1 (stdout) or 2 (stderr, as in `2>/dev/null` or `2>&1`). */
  fd: number;
  target: Word;
}

export type ShellNode =
  | { k: 'simple'; assigns: [string, Word][]; words: Word[]; redirects: Redirect[] }
  | { k: 'pipe'; items: ShellNode[] }
  | { k: 'andor'; first: ShellNode; rest: { op: '&&' | '||'; node: ShellNode }[] }
  | { k: 'list'; items: { node: ShellNode; background: boolean }[] }
  | { k: 'while'; until: boolean; cond: ShellNode; body: ShellNode }
  | { k: 'for'; name: string; words: Word[]; body: ShellNode }
  | { k: 'if'; branches: { cond: ShellNode; body: ShellNode }[]; otherwise?: ShellNode }
  | { k: 'group'; body: ShellNode };

type Op = ';' | '&' | '&&' | '||' | '|' | '\n' | '>' | '>>' | '<' | '(' | ')';
type Token = { t: 'word'; w: Word } | { t: 'op'; op: Op; fd?: number };

export class ShellSyntaxError extends Error {}

const OPS: Op[] = ['&&', '||', '>>', ';', '&', '|', '\n', '>', '<', '(', ')'];

/** The `$(...)` starting at i (i at `$`): its length, nested parentheses and quotes included. */
export function substitutionLength(s: string, i: number): number {
  let depth = 0;
  let quote = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') j++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j - i + 1;
  }
  throw new ShellSyntaxError('unterminated $(');
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let word: Word = [];
  let buf = '';
  let inWord = false;
  const flushText = () => {
    if (buf) word.push({ text: buf, single: false });
    buf = '';
  };
  const endWord = () => {
    flushText();
    if (inWord) out.push({ t: 'word', w: word });
    word = [];
    inWord = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '#' && !inWord) {
      while (i < s.length && s[i] !== '\n') i++;
      i--;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    if (c === '\\') {
      // A backslash-newline joins lines; any other escaped character is kept for the expansion.
      if (s[i + 1] !== '\n') {
        buf += `\\${s[i + 1] ?? ''}`;
        inWord = true;
      }
      i++;
      continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      flushText();
      word.push({ text: s.slice(i + 1, end), single: true });
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && '"\\$`'.includes(s[j + 1] ?? '')) text += `\\${s[++j]}`;
        else if (s[j] === '$' && s[j + 1] === '(') {
          const n = substitutionLength(s, j);
          text += s.slice(j, j + n);
          j += n - 1;
        } else if (s[j] === '\\') text += '\\\\';
        else text += s[j];
      }
      if (j >= s.length) throw new ShellSyntaxError('unterminated quoted string');
      flushText();
      // Double quotes keep their expansions: an unquoted part whose backslashes protect the rest
      // (`""` is an empty word, not none).
      word.push(text === '' ? { text: '', single: true } : { text, single: false, quoted: true });
      inWord = true;
      i = j;
      continue;
    }
    if (c === '$' && s[i + 1] === '(') {
      const n = substitutionLength(s, i);
      buf += s.slice(i, i + n);
      inWord = true;
      i += n - 1;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op) {
      // `2>` and `2>&1`: a redirection of that descriptor, not a word `2`.
      let fd: number | undefined;
      if ((op === '>' || op === '>>') && /^\d$/.test(buf) && word.length === 0) {
        fd = Number(buf);
        buf = '';
        inWord = false;
      }
      endWord();
      out.push({ t: 'op', op, ...(fd !== undefined ? { fd } : {}) });
      i += op.length - 1;
      // `>&2`: the target is a descriptor, not `&` (background) then a word.
      const dup = op.startsWith('>') ? /^&\d/.exec(s.slice(i + 1)) : null;
      if (dup) {
        out.push({ t: 'word', w: [{ text: s.slice(i + 1, i + 3), single: true }] });
        i += 2;
      }
      continue;
    }
    buf += c;
    inWord = true;
  }
  endWord();
  return out;
}

/** The word as written, when it is plain (no quotes, no `$`): keywords and `for` names. */
function plain(w: Word | undefined): string | undefined {
  if (!w || w.length !== 1 || w[0]!.single || /[$\\`]/.test(w[0]!.text)) return undefined;
  return w[0]!.text;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

class Parser {
  #i = 0;
  readonly #toks: Token[];
  constructor(toks: Token[]) {
    this.#toks = toks;
  }

  #peek(): Token | undefined {
    return this.#toks[this.#i];
  }
  #isOp(op: Op): boolean {
    const t = this.#peek();
    return t?.t === 'op' && t.op === op;
  }
  #isWord(text: string): boolean {
    const t = this.#peek();
    return t?.t === 'word' && plain(t.w) === text;
  }
  #expectWord(text: string): void {
    if (!this.#isWord(text)) throw new ShellSyntaxError(`syntax error: expected "${text}"`);
    this.#i++;
  }
  #skipNewlines(): void {
    while (this.#isOp('\n') || this.#isOp(';')) this.#i++;
  }

  done(): boolean {
    return this.#i >= this.#toks.length;
  }

  /** Commands up to one of `stops` (keywords such as `do`, `done`, `fi`) or the end. */
  list(stops: string[] = []): ShellNode {
    const items: { node: ShellNode; background: boolean }[] = [];
    for (;;) {
      this.#skipNewlines();
      const t = this.#peek();
      if (!t || this.#isOp(')') || (t.t === 'word' && stops.includes(plain(t.w) ?? ''))) break;
      const node = this.#andOr();
      const background = this.#isOp('&');
      if (background || this.#isOp(';') || this.#isOp('\n')) this.#i++;
      items.push({ node, background });
    }
    return { k: 'list', items };
  }

  #andOr(): ShellNode {
    const first = this.#pipeline();
    const rest: { op: '&&' | '||'; node: ShellNode }[] = [];
    while (this.#isOp('&&') || this.#isOp('||')) {
      const op = (this.#toks[this.#i++] as { op: '&&' | '||' }).op;
      while (this.#isOp('\n')) this.#i++;
      rest.push({ op, node: this.#pipeline() });
    }
    return rest.length ? { k: 'andor', first, rest } : first;
  }

  #pipeline(): ShellNode {
    const items = [this.#command()];
    while (this.#isOp('|')) {
      this.#i++;
      items.push(this.#command());
    }
    return items.length > 1 ? { k: 'pipe', items } : items[0]!;
  }

  #command(): ShellNode {
    if (this.#isWord('while') || this.#isWord('until')) return this.#while();
    if (this.#isWord('for')) return this.#for();
    if (this.#isWord('if')) return this.#if();
    if (this.#isWord('{')) {
      this.#i++;
      const body = this.list(['}']);
      this.#expectWord('}');
      return { k: 'group', body };
    }
    if (this.#isOp('(')) {
      this.#i++;
      const body = this.list();
      if (!this.#isOp(')')) throw new ShellSyntaxError('syntax error: expected ")"');
      this.#i++;
      return { k: 'group', body };
    }
    return this.#simple();
  }

  #while(): ShellNode {
    const until = plain((this.#toks[this.#i++] as { w: Word }).w) === 'until';
    const cond = this.list(['do']);
    this.#expectWord('do');
    const body = this.list(['done']);
    this.#expectWord('done');
    return { k: 'while', until, cond, body };
  }

  #for(): ShellNode {
    this.#i++;
    const t = this.#toks[this.#i++];
    const name = t?.t === 'word' ? plain(t.w) : undefined;
    if (!name) throw new ShellSyntaxError('syntax error: bad for loop variable');
    const words: Word[] = [];
    if (this.#isWord('in')) {
      this.#i++;
      for (let n = this.#peek(); n?.t === 'word'; n = this.#peek()) {
        words.push(n.w);
        this.#i++;
      }
    }
    this.#skipNewlines();
    this.#expectWord('do');
    const body = this.list(['done']);
    this.#expectWord('done');
    return { k: 'for', name, words, body };
  }

  #if(): ShellNode {
    const branches: { cond: ShellNode; body: ShellNode }[] = [];
    let otherwise: ShellNode | undefined;
    this.#i++;
    for (;;) {
      const cond = this.list(['then']);
      this.#expectWord('then');
      branches.push({ cond, body: this.list(['elif', 'else', 'fi']) });
      if (this.#isWord('elif')) {
        this.#i++;
        continue;
      }
      if (this.#isWord('else')) {
        this.#i++;
        otherwise = this.list(['fi']);
      }
      this.#expectWord('fi');
      return { k: 'if', branches, ...(otherwise ? { otherwise } : {}) };
    }
  }

  #simple(): ShellNode {
    const assigns: [string, Word][] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.#peek();
      if (!t) break;
      if (t.t === 'op') {
        if (t.op !== '>' && t.op !== '>>' && t.op !== '<') break;
        this.#i++;
        const target = this.#toks[this.#i++];
        if (target?.t !== 'word') throw new ShellSyntaxError('syntax error: bad redirection');
        if (t.op !== '<') redirects.push({ op: t.op, fd: t.fd ?? 1, target: target.w });
        continue;
      }
      const first = t.w[0];
      const m = words.length === 0 && first && !first.single ? ASSIGNMENT.exec(first.text) : null;
      if (m) {
        const value: Word = [
          { text: first!.text.slice(m[0].length), single: false },
          ...t.w.slice(1),
        ];
        assigns.push([m[1]!, value]);
      } else words.push(t.w);
      this.#i++;
    }
    if (words.length === 0 && assigns.length === 0 && redirects.length === 0) {
      const t = this.#peek();
      const what = t?.t === 'op' ? t.op : t ? plain(t.w) : 'end of file';
      throw new ShellSyntaxError(`syntax error: unexpected "${what === '\n' ? 'newline' : what}"`);
    }
    return { k: 'simple', assigns, words, redirects };
  }
}

/** Parses a script; a ShellSyntaxError says what sh would (`sh: syntax error: ...`). */
export function parseShell(script: string): ShellNode {
  const p = new Parser(tokenize(script));
  const node = p.list();
  if (!p.done()) throw new ShellSyntaxError('syntax error: unexpected ")"');
  return node;
}
