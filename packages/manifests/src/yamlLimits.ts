// Bounds on a manifest's structure, checked in one linear walk after parsing (the YAML library's
// own duplicate-key check is quadratic: a flat map of 60,000 keys took 94 s). Kubernetes objects
// are small: these limits are far above any real manifest and far below what stalls the server.
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document } from 'yaml';

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
  code: 'L4_E_YAML_SYNTAX' | 'L4_E_LIMIT';
}

/**
 * The first problems of one document: duplicate keys (as the YAML library says them, in linear
 * time) and the limits above, each at the offset of the node it is about.
 */
export function structureProblems(doc: Document.Parsed): StructureProblem[] {
  const problems: StructureProblem[] = [];
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
      const seen = new Set<string>();
      for (const pair of node.items) {
        // Merge keys (`<<`, a symbol once parsed) may repeat.
        if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value === 'symbol') continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          problems.push({
            message: 'Map keys must be unique',
            offset: pair.key.range?.[0] ?? at,
            code: 'L4_E_YAML_SYNTAX',
          });
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return problems;
}
