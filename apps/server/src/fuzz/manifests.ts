// Hostile and clumsy manifests: mutations of the seed scenarios (wrong types, ports, names,
// addresses, prototype words), and texts built to hurt a parser (deep nesting, many keys,
// duplicate keys, alias bombs, many documents, tags, binary garbage, truncation).
// Most cases are small and refused early, so thousands run in seconds; a few are large.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests } from '@l4lab/manifests';
import { PROTO_WORDS, awkwardString, hostileKey, hostileValue } from './hostileValues.ts';
import type { Random } from './random.ts';
import { toMultiYaml } from './yamlText.ts';

export interface Manifest {
  /** What kind of case this is (counted in the summary). */
  label: string;
  body: string | Uint8Array;
}

type Doc = Record<string, unknown>;

/** The seed scenarios' documents (01-04 and the rest of the repo's scenarios/). */
export function loadSeeds(dir: string): Doc[][] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => parseManifests(readFileSync(join(dir, f), 'utf8')).documents.map((d) => d.value))
    .map((docs) => docs.filter((d): d is Doc => typeof d === 'object' && d !== null));
}

/** Sets an own property, even `__proto__` (plain assignment would replace the prototype). */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A map's own value: `at['__proto__']` or `at['toString']` would hand out Object.prototype's own
 * members, which a later mutation would then change for the whole process.
 */
function own(at: Doc, key: string): unknown {
  return Object.hasOwn(at, key) ? at[key] : undefined;
}

/** Every container in a tree (maps and lists), for picking where a mutation lands. */
function containers(v: unknown, out: (Doc | unknown[])[] = []): (Doc | unknown[])[] {
  if (Array.isArray(v)) {
    out.push(v);
    for (const x of v) containers(x, out);
  } else if (typeof v === 'object' && v !== null) {
    out.push(v as Doc);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

function mutateOnce(r: Random, root: Doc): void {
  const at = r.pick(containers(root));
  if (Array.isArray(at)) return mutateList(r, at);
  const keys = Object.keys(at);
  const key = keys.length > 0 && r.chance(0.8) ? r.pick(keys) : hostileKey(r);
  switch (r.int(0, 5)) {
    case 0:
      delete at[key];
      return;
    case 1: // the same value, but the wrong shape around it
      setOwn(at, key, r.chance(0.5) ? [own(at, key)] : { [hostileKey(r)]: own(at, key) });
      return;
    case 2: // a key renamed
      if (Object.hasOwn(at, key)) {
        const value = at[key];
        delete at[key];
        setOwn(at, hostileKey(r), value);
      }
      return;
    default:
      setOwn(at, key, hostileValue(r));
  }
}

/** Lists only get items changed, removed or added (never own properties such as `constructor`). */
function mutateList(r: Random, list: unknown[]): void {
  const i = r.int(0, list.length);
  if (i < list.length && r.chance(0.3)) {
    for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1];
    list.length -= 1;
  } else list[i] = hostileValue(r);
}

/** A seed's documents, a few fields wrong. Deployments mostly keep 0 replicas (no pods start). */
function mutatedSeed(r: Random, seeds: Doc[][]): Manifest {
  const picked = r.pick(seeds);
  const docs = structuredClone(r.chance(0.5) ? [r.pick(picked)] : picked);
  for (const d of docs) {
    const spec = d.spec as Doc | undefined;
    if (d.kind === 'Deployment' && spec && r.chance(0.9)) spec.replicas = 0;
  }
  const n = r.chance(0.1) ? 0 : r.int(1, 4);
  for (let i = 0; i < n; i++) mutateOnce(r, r.pick(docs));
  if (r.chance(0.1)) return { label: 'seed-mutation-json', body: JSON.stringify(docs[0]) };
  return { label: n === 0 ? 'seed' : 'seed-mutation', body: toMultiYaml(docs) };
}

const SERVICE = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n  - port: 80\n`;

/** `kind`, `apiVersion` or a name that reaches JavaScript's prototype. */
function prototypeWords(r: Random): Manifest {
  const w = r.pick(PROTO_WORDS);
  const texts = [
    `apiVersion: v1\nkind: ${w}\nmetadata:\n  name: x\n`,
    `apiVersion: ${w}\nkind: Service\nmetadata:\n  name: x\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${w}\nspec:\n  ports:\n  - port: 80\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  ${w}: {polluted: true}\nspec:\n  ports:\n  - port: 80\n`,
    `${w}:\n  kind: Service\n`,
    `{"__proto__": {"kind": "Service"}, "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "p"}}`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selector:\n    ${w}: x\n  ports:\n  - port: 80\n    ${w}: 1\n`,
  ];
  return { label: 'prototype-words', body: r.pick(texts) };
}

function deepNesting(r: Random): Manifest {
  const depth = r.chance(0.05) ? r.int(1_000, 20_000) : r.int(10, 200);
  const flowList = r.chance(0.5);
  const inner = flowList
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
  const block = Array.from({ length: Math.min(depth, 300) }, (_, i) => `${' '.repeat(i)}k:`).join(
    '\n',
  );
  const body = r.chance(0.7)
    ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: deep\n  labels: ${inner}\n`
    : `${block} 1\n`;
  return { label: 'deep-nesting', body };
}

function manyKeys(r: Random): Manifest {
  const n = r.chance(0.03) ? r.int(2_000, 30_000) : r.int(20, 300);
  const where = r.int(0, 2);
  const keys = Array.from({ length: n }, (_, i) => `  k${i}: v${i}`).join('\n');
  const body =
    where === 0
      ? `${keys.replaceAll('\n  ', '\n').trimStart()}\n`
      : `apiVersion: v1\nkind: Service\nmetadata:\n  name: keys\n  labels:\n${keys.replaceAll('  k', '    k')}\nspec:\n  ports:\n  - port: 80\n`;
  return { label: 'many-keys', body };
}

function duplicateKeys(r: Random): Manifest {
  const texts = [
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\nspec:\n  ports:\n  - port: 80\n`,
    `apiVersion: v1\nkind: Service\nkind: Namespace\nmetadata:\n  name: dup\n`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: a}\nmetadata: {name: b}\nspec: {ports: [{port: 80}]}\n`,
    `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","name":"b"}}`,
    Array.from({ length: r.int(2, 500) }, () => 'k: v').join('\n'),
  ];
  return { label: 'duplicate-keys', body: r.pick(texts) };
}

/** Billion laughs: each level's anchor repeats the previous one `fan` times. */
function aliasBomb(r: Random): Manifest {
  const levels = r.int(2, 12);
  const fan = r.int(2, 10);
  const out = ['a0: &a0 [lol, lol]'];
  for (let i = 1; i < levels; i++) {
    out.push(`a${i}: &a${i} [${Array.from({ length: fan }, () => `*a${i - 1}`).join(', ')}]`);
  }
  const merge = r.chance(0.3) ? `m0: &m0 {x: 1}\nm1: &m1\n  <<: [*m0, *m0, *m0]\n` : '';
  const last = `*a${levels - 1}`;
  const body = r.chance(0.5)
    ? `${merge}${out.join('\n')}\napiVersion: v1\nkind: Service\nmetadata:\n  name: bomb\n  annotations: {x: ${last}}\n`
    : `${merge}${out.join('\n')}\nz: ${last}\n`;
  return { label: 'alias-bomb', body };
}

function manyDocuments(r: Random): Manifest {
  const n = r.chance(0.1) ? r.int(400, 3_000) : r.int(2, 30);
  const kind = r.int(0, 3);
  const docs = Array.from({ length: n }, (_, i) => {
    if (kind === 0) return '';
    if (kind === 1) return `# comment ${i}\n`;
    if (kind === 2) return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fuzz-many-${i}\n`;
    return SERVICE(i % 7 === 6 ? `Bad_${i}` : `fuzz-many-${i}`);
  });
  // Valid Namespaces and Services: few enough that an accepted apply stays cheap to delete.
  if (kind >= 2 && n > 8) docs[n - 1] = 'kind: [broken\n';
  return { label: 'many-documents', body: docs.join('---\n') };
}

const EMPTY = [
  '',
  '---',
  '---\n---\n',
  '# only a comment\n',
  '\n\n\n',
  '...',
  'null',
  '~',
  '[]',
  '{}',
];

function emptyDocuments(r: Random): Manifest {
  return { label: 'empty', body: r.pick(EMPTY) };
}

function tagsAndDirectives(r: Random): Manifest {
  const texts = [
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: !!binary aGVsbG8=\n`,
    `apiVersion: v1\nkind: !!js/function 'function () { return 1 }'\nmetadata: {name: x}\n`,
    `!!python/object/apply:os.system ['id']\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: !<tag:yaml.org,2002:str> tagged\nspec: {ports: [{port: !!float 80}]}\n`,
    `%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: directive}\n`,
    `%TAG ! tag:evil.example,2000:\n---\n!x {apiVersion: v1}\n`,
    `? [complex, key]\n: value\napiVersion: v1\n`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 0x50}, {port: 0o120}, {port: 1_0}]}\n`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: ts}\nspec: {clusterIP: 2001-12-14t21:59:43.10-05:00, ports: [{port: 80}]}\n`,
    `\uFEFFapiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: bom\r\n`,
    `apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: tabs\n`,
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${'x'.repeat(r.int(1_000, 200_000))}\n`,
  ];
  return { label: 'tags-directives', body: r.pick(texts) };
}

function jsonForms(r: Random, seeds: Doc[][]): Manifest {
  const docs = r.pick(seeds);
  const texts = [
    JSON.stringify(docs),
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }),
    JSON.stringify(r.pick(docs), null, r.int(0, 4)),
    JSON.stringify(r.pick(docs)).slice(0, -1),
    `${JSON.stringify(r.pick(docs))},`,
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'List', items: docs }] }),
    JSON.stringify(hostileValue(r)),
  ];
  return { label: 'json', body: r.pick(texts) };
}

function binaryGarbage(r: Random): Manifest {
  const bytes = new Uint8Array(r.int(1, 4_096));
  for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(0, 255);
  return { label: 'binary', body: bytes };
}

function truncated(r: Random, seeds: Doc[][]): Manifest {
  const text = toMultiYaml(r.pick(seeds));
  return { label: 'truncated', body: text.slice(0, r.int(0, text.length - 1)) };
}

function awkwardText(r: Random): Manifest {
  const s = awkwardString(r, r.int(1, 400));
  const body = r.chance(0.5) ? s : `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${s}\n`;
  return { label: 'unicode', body };
}

/** A manifest of one of the kinds above; seed mutations are the most common. */
export function hostileManifest(r: Random, seeds: Doc[][]): Manifest {
  const n = r.int(0, 99);
  if (n < 45) return mutatedSeed(r, seeds);
  if (n < 50) return prototypeWords(r);
  if (n < 55) return deepNesting(r);
  if (n < 60) return manyKeys(r);
  if (n < 65) return duplicateKeys(r);
  if (n < 70) return aliasBomb(r);
  if (n < 74) return manyDocuments(r);
  if (n < 78) return emptyDocuments(r);
  if (n < 82) return tagsAndDirectives(r);
  if (n < 87) return jsonForms(r, seeds);
  if (n < 91) return binaryGarbage(r);
  if (n < 96) return truncated(r, seeds);
  return awkwardText(r);
}
