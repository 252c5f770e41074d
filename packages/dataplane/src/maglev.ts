// Maglev consistent hashing (Eisenbud et al., NSDI 2016), as Cilium's kube-proxy replacement uses
// it: every backend fills a lookup table along its own permutation; a flow's hash indexes the table.

/** Cilium's default table size (a prime). */
export const MAGLEV_TABLE_SIZE = 16381;

function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32) so nearby names spread over the table
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export function maglevHash(text: string): number {
  return fnv1a(text, 0x9747b28c);
}

/** The lookup table: entry i is the index (in `backends`) of the backend owning slot i. */
export function maglevTable(backends: readonly string[], size = MAGLEV_TABLE_SIZE): Int32Array {
  const table = new Int32Array(size).fill(-1);
  const n = backends.length;
  if (n === 0) return table;
  const offset = backends.map((b) => fnv1a(b, 1) % size);
  const skip = backends.map((b) => (fnv1a(b, 2) % (size - 1)) + 1);
  const next = new Array<number>(n).fill(0);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let c = (offset[i]! + next[i]! * skip[i]!) % size;
      while (table[c]! >= 0) {
        next[i]!++;
        c = (offset[i]! + next[i]! * skip[i]!) % size;
      }
      table[c] = i;
      next[i]!++;
      if (++filled === size) return table;
    }
  }
}
