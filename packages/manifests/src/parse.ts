// Multi-document YAML (and JSON) -> plain values, each able to locate any field path in the text.
// YAML 1.1 like kubectl's parser (sigs.k8s.io/yaml): `yes`/`on` are booleans, `0755` is octal;
// timestamps and base-60 numbers stay strings/plain, since JSON conversion has neither.
import type { ManifestError } from '@l4lab/protocol';
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
} from 'yaml';
import type { Document, Node, ParseOptions, DocumentOptions, SchemaOptions, Tags } from 'yaml';
import type { ParsedDocument, ParseResult } from './types.ts';
import { inspectStructure, YAML_LIMITS } from './yamlLimits.ts';
import type { DuplicateKey } from './yamlLimits.ts';

type Options = ParseOptions & DocumentOptions & SchemaOptions;

function kubectlTags(tags: Tags): Tags {
  return tags.filter(
    (t) =>
      typeof t === 'string' ||
      (t.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in t && t.format === 'TIME')),
  );
}

export function parseManifests(text: string): ParseResult {
  const lineCounter = new LineCounter();
  // logLevel 'error': the library's own warnings (collection keys, ...) never reach the server's
  // stderr; what matters to the user is reported below, with its line.
  const options: Options = {
    lineCounter,
    version: '1.1',
    customTags: kubectlTags,
    merge: true,
    logLevel: 'error',
    // Duplicate keys are found by inspectStructure, in linear time (the library's check is not);
    // the later value wins, as in kubectl's YAML reader, with a warning.
    uniqueKeys: false,
  };
  const parsed = parseAllDocuments(text, options);
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const documents: ParsedDocument[] = [];
  const errors: ManifestError[] = [];
  const warnings: ManifestError[] = [];
  const pos = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (docs.length > YAML_LIMITS.documents) {
    const doc = docs[YAML_LIMITS.documents]!;
    errors.push({
      message: `too many documents: one apply takes at most ${YAML_LIMITS.documents}`,
      path: '',
      ...pos(doc.range[0]),
      document: YAML_LIMITS.documents,
      severity: 'error',
      code: 'L4_E_LIMIT',
    });
    return { documents, errors, warnings };
  }
  docs.forEach((doc, index) => {
    if (doc.errors.length === 0) {
      const structure = inspectStructure(doc);
      for (const p of structure.problems) {
        errors.push({
          message: p.message,
          path: '',
          ...pos(p.offset),
          document: index,
          severity: 'error',
          code: p.code,
        });
      }
      if (structure.problems.length > 0) return;
      for (const d of structure.duplicates.slice(0, MAX_DUPLICATE_WARNINGS)) {
        warnings.push(duplicateKeyWarning(d, index, pos));
      }
    }
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        errors.push({
          message: cleanMessage(e.message),
          path: '',
          ...pos(e.pos[0]),
          document: index,
          severity: 'error',
          code: 'L4_E_YAML_SYNTAX',
        });
      }
      return;
    }
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push({
        message: cleanMessage(e instanceof Error ? e.message : String(e)),
        path: '',
        ...pos(contents.range?.[0] ?? doc.range[0]),
        document: index,
        severity: 'error',
        code: 'L4_E_YAML_SYNTAX',
      });
      return;
    }
    const start = pos(contents.range?.[0] ?? doc.range[0]);
    documents.push({
      index,
      value,
      ...start,
      positionOf: (path) => {
        const offset = offsetOf(doc, contents, parsePath(path));
        return offset === undefined ? start : pos(offset);
      },
    });
  });
  return { documents, errors, warnings };
}

/** Warnings about repeated keys in one document, at most (a hostile text may repeat thousands). */
const MAX_DUPLICATE_WARNINGS = 100;

/**
 * The API server's warning for a YAML body with a key set twice (`fieldValidation=Warn`, strict
 * YAML decoding): `line 12: key "selector" already set in map`, the line of the later value as
 * go-yaml counts it (in the whole text, so the editor's line).
 */
function duplicateKeyWarning(
  d: DuplicateKey,
  document: number,
  pos: (offset: number) => { line: number; column: number },
): ManifestError {
  return {
    message: `line ${pos(d.valueOffset).line}: key ${d.key} already set in map`,
    path: d.path,
    ...pos(d.keyOffset),
    document,
    severity: 'warning',
    code: 'L4_W_DUPLICATE_KEY',
  };
}

/** The yaml library's message, first line, without its ` at line N, column M:` suffix. */
function cleanMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** `spec.ports[0].port` -> ['spec', 'ports', '0', 'port']; `labels[app.kubernetes.io/name]` keeps the key whole. */
export function parsePath(path: string): string[] {
  const segments: string[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const m of path.matchAll(re)) segments.push(m[1] ?? m[2] ?? '');
  return segments;
}

/** Offset of a path's value (scalars) or key (collections), or of its nearest existing ancestor. */
function offsetOf(doc: Document.Parsed, root: Node, segments: string[]): number | undefined {
  let node: Node = root;
  let best: number | undefined = root.range?.[0];
  for (const seg of segments) {
    const resolved = isAlias(node) ? node.resolve(doc) : node;
    if (!resolved) break;
    if (isMap(resolved)) {
      // The last pair of a repeated key: its value is the one kept.
      const pair = resolved.items.findLast(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg,
      );
      if (!pair || !isScalar(pair.key)) break;
      const keyOffset = pair.key.range?.[0];
      const value = pair.value;
      if (value === null || !isNodeLike(value)) {
        best = keyOffset ?? best;
        break;
      }
      best =
        isCollection(value) || isAlias(value) ? (keyOffset ?? best) : (value.range?.[0] ?? best);
      node = value;
    } else if (isSeq(resolved)) {
      const item = /^\d+$/.test(seg) ? resolved.items[Number(seg)] : undefined;
      if (!isNodeLike(item)) break;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      break;
    }
  }
  return best;
}

function isNodeLike(value: unknown): value is Node {
  return isScalar(value) || isCollection(value) || isAlias(value);
}
