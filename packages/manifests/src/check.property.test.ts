// Property tests over thousands of manifests mutated from the seed scenarios: checkManifests never
// throws, and every problem it reports is placed (message, path, a line inside the text).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Thousands of generated manifests: seconds of work, more under load.
const PROPERTY_TIMEOUT_MS = 60_000;
import { parseAllDocuments, stringify } from 'yaml';
import { checkManifests } from './check.ts';

const DIR = join(import.meta.dirname, '../../../scenarios');
const SEEDS = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(DIR, f), 'utf8'));
const SEED_OBJECTS: unknown[][] = SEEDS.map((t) => parseAllDocuments(t).map((d) => d.toJS()));

/** Every path to a value in a JSON-like tree. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

const garbage = fc.oneof(
  fc.string(),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.constantFrom(0, -1, 65536, 30379, 32768, 80, 'None', '', 'HTTP', 'UDP', 'a--b', 'Local'),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.double(),
);

type Mutation = { kind: 'set' | 'delete' | 'add'; pick: number; value: unknown; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add'),
  pick: fc.nat(),
  value: garbage,
  key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('nodePort', 'port', 'name', 'type')),
});

function mutate(docs: unknown[], ms: Mutation[]): unknown[] {
  const copy = structuredClone(docs);
  for (const m of ms) {
    const all = paths(copy).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const path = all[m.pick % all.length]!;
    let parent: unknown = copy;
    for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
    const last = path[path.length - 1]!;
    const rec = parent as Record<string | number, unknown>;
    if (m.kind === 'set') rec[last] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(rec)) rec.splice(Number(last), 1);
      else delete rec[last];
    } else {
      const target = rec[last];
      if (target && typeof target === 'object' && !Array.isArray(target))
        (target as Record<string, unknown>)[m.key] = m.value;
      else rec[last] = m.value;
    }
  }
  return copy;
}

function checkInvariants(text: string): void {
  const lineCount = text.split('\n').length;
  const result = checkManifests(text);
  for (const e of [...result.errors, ...result.warnings]) {
    expect(e.message.length).toBeGreaterThan(0);
    // Only a syntax error, or a document that is not a mapping at all, has no field path.
    if (e.code !== 'L4_E_YAML_SYNTAX' && e.code !== 'L4_E_NOT_AN_OBJECT')
      expect(e.path.length).toBeGreaterThan(0);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lineCount);
    expect(e.column).toBeGreaterThanOrEqual(1);
  }
}

describe('checkManifests over mutated seeds', () => {
  it(
    'structural mutations: never throws, every problem has a message, path and position',
    () => {
      fc.assert(
        fc.property(
          fc.nat({ max: SEED_OBJECTS.length - 1 }),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          (seed, ms) => {
            const docs = mutate(SEED_OBJECTS[seed]!, ms);
            checkInvariants(docs.map((d) => stringify(d)).join('---\n'));
          },
        ),
        { numRuns: 2000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'text mutations (garbage inserted, lines deleted or duplicated): never throws',
    () => {
      fc.assert(
        fc.property(
          fc.nat({ max: SEEDS.length - 1 }),
          fc.array(
            fc.record({
              op: fc.constantFrom('insert', 'deleteLine', 'dupLine'),
              at: fc.nat(),
              text: fc.oneof(
                fc.string({ maxLength: 6 }),
                fc.constantFrom(':', '- ', '\t', '"', '{', '---\n', '&a ', '*a'),
              ),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          (seed, ops) => {
            let text = SEEDS[seed]!;
            for (const o of ops) {
              const lines = text.split('\n');
              const i = o.at % lines.length;
              if (o.op === 'insert') {
                const pos = o.at % (text.length + 1);
                text = text.slice(0, pos) + o.text + text.slice(pos);
                continue;
              }
              if (o.op === 'deleteLine') lines.splice(i, 1);
              else lines.splice(i, 0, lines[i]!);
              text = lines.join('\n');
            }
            checkInvariants(text);
          },
        ),
        { numRuns: 1000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
