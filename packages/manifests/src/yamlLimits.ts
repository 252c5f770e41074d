// Bounds on a manifest's structure, checked in one linear walk after parsing (the YAML library's
// own duplicate-key check is quadratic: a flat map of 60,000 keys took 94 s). Kubernetes objects
// are small: these limits are far above any real manifest and far below what stalls the server.
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';

export const YAML_LIMITS = {
  /** Keys in one mapping. */
  keysPerMap: 2_000,
  /** Nodes (scalars, maps, lists) in one document. */
  nodesPerDocument: 50_000,
  /** Maps and lists inside each other. */
  depth: 64,
  /** Documents in one apply. */
  documents: 500,
} as const;

export interface StructureProblem {
  message: string;
  offset: number;
  code: 'L4_E_LIMIT';
}

/** A key set twice in one map: the later value wins, as kubectl's YAML reader keeps it. */
export interface DuplicateKey {
  /** The key as Go's `%#v` prints it: `"selector"`, or `9` for a number. */
  key: string;
  /** Field path of the key, `spec.selector`. */
  path: string;
  /** Where the later key is, and where its value starts (go-yaml reports the value's line). */
  keyOffset: number;
  valueOffset: number;
}

export interface Structure {
  /** Limits passed: when any, the document is refused. */
  problems: StructureProblem[];
  duplicates: DuplicateKey[];
}

/**
 * One linear walk over a document: the limits above (the first one passed, at the offset of the
 * node it is about) and every key set twice in its map.
 */
export function inspectStructure(doc: Document.Parsed): Structure {
  const problems: StructureProblem[] = [];
  const duplicates: DuplicateKey[] = [];
  let nodes = 0;
  visit(doc, {
    Node(_key, node, path) {
      nodes++;
      const at = node.range?.[0] ?? 0;
      if (nodes > YAML_LIMITS.nodesPerDocument) {
        problems.push({
          message: `too many nodes: a document may have at most ${YAML_LIMITS.nodesPerDocument} values`,
          offset: at,
          code: 'L4_E_LIMIT',
        });
        return visit.BREAK;
      }
      const depth = path.filter((p) => isMap(p) || isSeq(p)).length;
      if ((isMap(node) || isSeq(node)) && depth >= YAML_LIMITS.depth) {
        problems.push({
          message: `nested too deep: maps and lists may nest ${YAML_LIMITS.depth} levels at most`,
          offset: at,
          code: 'L4_E_LIMIT',
        });
        return visit.BREAK;
      }
      if (isAlias(node) || !isMap(node)) return undefined;
      if (node.items.length > YAML_LIMITS.keysPerMap) {
        problems.push({
          message: `too many keys: a map may have at most ${YAML_LIMITS.keysPerMap} (this one has ${node.items.length})`,
          offset: at,
          code: 'L4_E_LIMIT',
        });
        return visit.BREAK;
      }
      duplicates.push(...duplicateKeys(node, () => fieldPath(path, node), at));
      return undefined;
    },
  });
  // In the order go-yaml meets them: by position (the walk sees a map before what it holds).
  duplicates.sort((a, b) => a.keyOffset - b.keyOffset);
  return { problems, duplicates };
}

function duplicateKeys(map: YAMLMap, mapPath: () => string, at: number): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const seen = new Set<string>();
  for (const pair of map.items) {
    // Merge keys (`<<`, a symbol once parsed) may repeat.
    if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value === 'symbol') continue;
    const key = String(pair.key.value);
    if (seen.has(key)) {
      const keyOffset = pair.key.range?.[0] ?? at;
      const value = pair.value as { range?: [number, number, number] } | null;
      const base = mapPath();
      out.push({
        key: typeof pair.key.value === 'string' ? JSON.stringify(key) : key,
        path: base ? `${base}.${key}` : key,
        keyOffset,
        valueOffset: value?.range?.[0] ?? keyOffset,
      });
    }
    seen.add(key);
  }
  return out;
}

/** `spec.ports[0]`: the path of a node from its ancestors (only asked for when a key repeats). */
function fieldPath(ancestors: readonly unknown[], node: unknown): string {
  let out = '';
  ancestors.forEach((a, i) => {
    const key = isPair(a) ? (a as Pair).key : undefined;
    if (isScalar(key)) {
      out = out ? `${out}.${String(key.value)}` : String(key.value);
    } else if (isSeq(a)) {
      out += `[${a.items.indexOf((ancestors[i + 1] ?? node) as never)}]`;
    }
  });
  return out;
}
