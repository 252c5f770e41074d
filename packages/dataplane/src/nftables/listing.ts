// Reads `nft list table` output back into its chains and sets, as the kernel has them (with the
// live counters), so the dashboard shows the table's own text.

export interface ListedBlock {
  kind: 'chain' | 'set' | 'map';
  name: string;
  /** The block as nft printed it, `chain x {` to `}`, one tab of indentation removed. */
  text: string;
  /** A chain's rules, top to bottom, as printed (without `# handle` comments). */
  rules: string[];
  /** With `nft -a`: each rule's handle, top to bottom. */
  handles: number[];
}

const HEADER = /^\t(chain|set|map) (\S+) \{(?: # handle \d+)?$/;
const HANDLE = / # handle (\d+)$/;

/** Every chain, set and map block of one listed table, by name. */
export function parseTableListing(listing: string): Map<string, ListedBlock> {
  const out = new Map<string, ListedBlock>();
  let current: (Omit<ListedBlock, 'text'> & { lines: string[] }) | undefined;
  for (const line of listing.split('\n')) {
    if (!current) {
      const m = HEADER.exec(line);
      if (m) {
        const [, kind, name] = m as unknown as [string, ListedBlock['kind'], string];
        current = { kind, name, lines: [`${kind} ${name} {`], rules: [], handles: [] };
      }
      continue;
    }
    if (line === '\t}') {
      current.lines.push('}');
      const { lines, ...block } = current;
      out.set(block.name, { ...block, text: lines.join('\n') });
      current = undefined;
      continue;
    }
    const h = HANDLE.exec(line);
    const text = h ? line.slice(0, h.index) : line;
    current.lines.push(text.startsWith('\t') ? text.slice(1) : text);
    // A chain's hook line (`type nat hook ...`) is not a rule.
    if (current.kind === 'chain' && line.startsWith('\t\t') && !/^\t\ttype \S+ hook /.test(line)) {
      current.rules.push(text.trim());
      if (h) current.handles.push(Number(h[1]));
    }
  }
  return out;
}

/** A listed chain with only its first `count` rules (those below were replaced, never reached). */
export function chainTextWithRules(block: ListedBlock, count: number): string {
  const lines = block.text.split('\n');
  const head = lines[1]?.startsWith('\ttype ') ? 2 : 1;
  return [...lines.slice(0, head + count), '}'].join('\n');
}
