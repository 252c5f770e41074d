// A small markdown reader for lesson steps: the constructs lesson authors use (headings,
// paragraphs, fenced code, lists, quotes, rules; code spans, bold, italic, links), parsed to plain
// data that `components/Markdown.tsx` turns into React elements. HTML is not a construct here:
// `<b>` stays the four characters it is, because React renders every string as text.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;

const isBlank = (line: string) => line.trim() === '';

interface ListMarker {
  ordered: boolean;
  /** The bullet character or the ordered delimiter (`.` or `)`): a change starts a new list. */
  kind: string;
  start: number;
  /** Where the item's text starts: its continuation lines are indented at least this far. */
  contentIndent: number;
  first: string;
}

function listMarker(line: string): ListMarker | undefined {
  const m = LIST_ITEM.exec(line);
  if (!m) return undefined;
  const [, indent = '', marker = '', space = '', rest = ''] = m;
  const ordered = /\d/.test(marker);
  // A marker followed by 5+ spaces starts its text after one space (the rest is indentation).
  const gap = space.length > 4 ? 1 : Math.max(space.length, 1);
  return {
    ordered,
    kind: ordered ? marker.slice(-1) : marker,
    start: ordered ? Number(marker.slice(0, -1)) : 1,
    contentIndent: indent.length + marker.length + gap,
    first: space.length > 4 ? space.slice(1) + rest : rest,
  };
}

/** Lines that end a paragraph without a blank line between. */
function startsBlock(line: string): boolean {
  if (FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line)) return true;
  const item = listMarker(line);
  // As in CommonMark, only an ordered list from 1 interrupts a paragraph, and never an empty item.
  return item !== undefined && item.first.trim() !== '' && (!item.ordered || item.start === 1);
}

/** Removes up to `n` columns of leading spaces (a tab counts as reaching the next stop of 4). */
function dedent(line: string, n: number): string {
  let col = 0;
  let i = 0;
  while (i < line.length && col < n) {
    if (line[i] === ' ') col++;
    else if (line[i] === '\t') col += 4 - (col % 4);
    else break;
    i++;
  }
  return line.slice(i);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Parses markdown text into blocks. */
export function parseMarkdown(text: string): Block[] {
  return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const read =
      readFence(lines, i) ??
      readHeading(line, i) ??
      readRule(line, i) ??
      readQuote(lines, i) ??
      readList(lines, i) ??
      readParagraph(lines, i);
    blocks.push(read.block);
    i = read.next;
  }
  return blocks;
}

interface Read {
  block: Block;
  /** The index of the first line after the block. */
  next: number;
}

function readFence(lines: readonly string[], i: number): Read | undefined {
  const m = FENCE.exec(lines[i]!);
  if (!m) return undefined;
  const [, indent = '', fence = '', lang = ''] = m;
  const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
  const body: string[] = [];
  let j = i + 1;
  // An unclosed fence runs to the end of the text, as in CommonMark.
  while (j < lines.length && !close.test(lines[j]!)) body.push(dedent(lines[j++]!, indent.length));
  return { block: { type: 'code', lang, text: body.join('\n') }, next: j + 1 };
}

function readHeading(line: string, i: number): Read | undefined {
  const m = HEADING.exec(line);
  if (!m) return undefined;
  const [, hashes = '', text = ''] = m;
  return {
    block: { type: 'heading', level: hashes.length, children: parseInline(text) },
    next: i + 1,
  };
}

function readRule(line: string, i: number): Read | undefined {
  return RULE.test(line) ? { block: { type: 'rule' }, next: i + 1 } : undefined;
}

function readQuote(lines: readonly string[], i: number): Read | undefined {
  if (!QUOTE.test(lines[i]!)) return undefined;
  const body: string[] = [];
  let j = i;
  for (; j < lines.length; j++) {
    const m = QUOTE.exec(lines[j]!);
    if (m) body.push(m[1] ?? '');
    // A line without `>` right after quoted text continues its paragraph (a lazy line).
    else if (!isBlank(lines[j]!) && !startsBlock(lines[j]!) && !isBlank(body.at(-1) ?? ''))
      body.push(lines[j]!);
    else break;
  }
  return { block: { type: 'quote', children: parseBlocks(body) }, next: j };
}

function readList(lines: readonly string[], i: number): Read | undefined {
  const first = listMarker(lines[i]!);
  if (!first) return undefined;
  const items: Block[][] = [];
  let j = i;
  let marker: ListMarker | undefined = first;
  while (marker && marker.ordered === first.ordered && marker.kind === first.kind) {
    const item = readListItem(lines, j, marker);
    items.push(parseBlocks(item.lines));
    j = item.next;
    marker = j < lines.length ? listMarker(lines[j]!) : undefined;
  }
  const block: Block = { type: 'list', ordered: first.ordered, start: first.start, items };
  return { block, next: j };
}

/** One item's lines, dedented to its content: nested lists and code blocks parse inside it. */
function readListItem(lines: readonly string[], i: number, marker: ListMarker) {
  const body = [marker.first];
  let j = i + 1;
  for (; j < lines.length; j++) {
    const line = lines[j]!;
    if (isBlank(line)) {
      // A blank line continues the item only if indented content follows it.
      const next = lines.slice(j + 1).find((l) => !isBlank(l));
      if (next === undefined || indentOf(next) < marker.contentIndent) break;
      body.push('');
    } else if (indentOf(line) >= marker.contentIndent) {
      body.push(dedent(line, marker.contentIndent));
    } else if (listMarker(line)) {
      break; // the next item, of this list or of the one around it
    } else if (!startsBlock(line) && !isBlank(body.at(-1) ?? '') && !FENCE.test(body.at(-1)!)) {
      body.push(line.trim()); // a lazy continuation of the item's paragraph
    } else break;
  }
  // Skip the blank lines between two items of one list.
  let next = j;
  while (next < lines.length && isBlank(lines[next]!)) next++;
  const following = next < lines.length ? listMarker(lines[next]!) : undefined;
  const sameList = following?.ordered === marker.ordered && following.kind === marker.kind;
  return { lines: body, next: sameList ? next : j };
}

function readParagraph(lines: readonly string[], i: number): Read {
  const body = [lines[i]!.trim()];
  let j = i + 1;
  while (j < lines.length && !isBlank(lines[j]!) && !startsBlock(lines[j]!)) {
    body.push(lines[j]!.trim());
    j++;
  }
  // Line breaks inside a paragraph are soft: the text flows as one.
  return { block: { type: 'paragraph', children: parseInline(body.join(' ')) }, next: j };
}

// Inline constructs ---------------------------------------------------------------------------

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const WORD = /[\p{L}\p{N}]/u;
const SAFE_SCHEME = /^(https?:\/\/|mailto:)/i;

/**
 * Where a link may go: web pages and mail only. `javascript:`, `data:` and the like stay text,
 * and so does anything with spaces or control characters (browsers strip those from schemes).
 */
export function safeHref(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return undefined;
  return SAFE_SCHEME.test(url) ? url : undefined;
}

/** Parses a paragraph's or heading's text into inline nodes. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && PUNCTUATION.test(src[i + 1] ?? '')) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    const found = readCodeSpan(src, i) ?? readEmphasis(src, i) ?? readLink(src, i);
    if (!found) {
      text += c;
      i++;
      continue;
    }
    // A link kept as text joins the text around it.
    if (found.node.type === 'text') text += found.node.text;
    else {
      flush();
      out.push(found.node);
    }
    i = found.next;
  }
  flush();
  return out;
}

interface InlineRead {
  node: Inline;
  next: number;
}

/** The length of the run of `ch` starting at `i`. */
function runLength(src: string, i: number, ch: string): number {
  let n = 0;
  while (src[i + n] === ch) n++;
  return n;
}

function readCodeSpan(src: string, i: number): InlineRead | undefined {
  if (src[i] !== '`') return undefined;
  const n = runLength(src, i, '`');
  for (let j = src.indexOf('`', i + n); j !== -1; j = src.indexOf('`', j)) {
    const m = runLength(src, j, '`');
    if (m === n) {
      let code = src.slice(i + n, j);
      if (/^ .*[^ ].* $/s.test(code) || /^ [^ ] $/.test(code)) code = code.slice(1, -1);
      return { node: { type: 'code', text: code }, next: j + n };
    }
    j += m;
  }
  return undefined;
}

/** After a backtick run with no closing run: the next index to look at (the whole run is text). */
function skipCodeSpan(src: string, i: number): number {
  const span = readCodeSpan(src, i);
  return span ? span.next : i + runLength(src, i, '`');
}

function readEmphasis(src: string, i: number): InlineRead | undefined {
  const c = src[i]!;
  if (c !== '*' && c !== '_') return undefined;
  const run = runLength(src, i, c);
  const width = run >= 2 ? 2 : 1;
  const after = src[i + width] ?? '';
  // An opener is followed by text; `_` never opens inside a word (`pod_test.yaml`).
  if (after === '' || /\s/.test(after)) return undefined;
  if (c === '_' && WORD.test(src[i - 1] ?? '')) return undefined;
  const close = findCloser(src, i + width, c, width);
  if (close === undefined) {
    // `**` with no closing `**` may still open a single `*`.
    return width === 2 ? readSingleAfterDouble(src, i) : undefined;
  }
  const children = parseInline(src.slice(i + width, close));
  const node: Inline = width === 2 ? { type: 'strong', children } : { type: 'em', children };
  return { node, next: close + width };
}

function readSingleAfterDouble(src: string, i: number): InlineRead | undefined {
  const close = findCloser(src, i + 1, src[i]!, 1);
  if (close === undefined) return undefined;
  return {
    node: { type: 'em', children: parseInline(src.slice(i + 1, close)) },
    next: close + 1,
  };
}

/**
 * The index of the delimiter that closes an emphasis opened before `from`: `width` of `ch` after
 * text (not whitespace), skipping code spans, escapes and runs of the other width.
 */
function findCloser(src: string, from: number, ch: string, width: number): number | undefined {
  let j = from;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '\\') j += 2;
    else if (c === '`') j = skipCodeSpan(src, j);
    else if (c === ch) {
      const run = runLength(src, j, ch);
      const before = src[j - 1] ?? '';
      const closes =
        j > from &&
        !/\s/.test(before) &&
        (width === 2 ? run >= 2 : run !== 2) &&
        (ch !== '_' || !WORD.test(src[j + run] ?? ''));
      // In a run of three, `**x*` closes with the last one, `*x**` with the last two.
      if (closes) return j + run - width;
      j += run;
    } else j++;
  }
  return undefined;
}

function readLink(src: string, i: number): InlineRead | undefined {
  if (src[i] === '<') return readAutolink(src, i);
  if (src[i] !== '[') return undefined;
  const close = closingBracket(src, i);
  if (close === undefined || src[close + 1] !== '(') return undefined;
  const end = src.indexOf(')', close + 2);
  if (end === -1) return undefined;
  // `(url "title")`: the title is dropped; the url has no spaces.
  const target = src.slice(close + 2, end).trim();
  const url = /^<?([^\s>]*)>?(?:\s+"[^"]*")?$/.exec(target)?.[1];
  const href = url === undefined ? undefined : safeHref(url);
  const children = parseInline(src.slice(i + 1, close));
  if (href === undefined) {
    // A link we will not follow stays visible as the text it was written as.
    return { node: { type: 'text', text: src.slice(i, end + 1) }, next: end + 1 };
  }
  return { node: { type: 'link', href, children }, next: end + 1 };
}

/** `<https://kubernetes.io/docs/>` */
function readAutolink(src: string, i: number): InlineRead | undefined {
  const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(src.slice(i));
  if (!m) return undefined;
  const url = m[1]!;
  return {
    node: { type: 'link', href: url, children: [{ type: 'text', text: url }] },
    next: i + m[0].length,
  };
}

/** The `]` that closes the `[` at `i`, with nested brackets, code spans and escapes skipped. */
function closingBracket(src: string, i: number): number | undefined {
  let depth = 0;
  let j = i;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '\\') j += 2;
    else if (c === '`') j = skipCodeSpan(src, j);
    else {
      if (c === '[') depth++;
      else if (c === ']' && --depth === 0) return j;
      j++;
    }
  }
  return undefined;
}
