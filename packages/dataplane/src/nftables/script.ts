// One `nft -f` transaction per sync. The first writes the whole table (replacing whatever a
// previous run left); later ones change only what changed, so the per-rule counters of the
// chains a sync did not touch keep counting and ClientIP affinity entries stay where they are.
//
// A transaction that removes anything (a rule, an element, a chain) costs the kernel a wait of
// ~15 ms before it returns; one that only adds takes ~5 ms. So a chain whose rules change gets
// the new ones inserted above the old (its last rule always decides, so the old ones are never
// reached again), and chains and sets no longer used are left alone; both are cleaned up when
// the lab is quiet (`cleanupPlan`), as kube-proxy deletes its stale chains a while later.
// Later syncs also use only commands nft runs without reading the whole table back first.
import { TABLE } from './chainNames.ts';
import type { ChainSpec, Ruleset, SetSpec } from './model.ts';

const T = `ip ${TABLE}`;

/** A chain in the kernel: its rules in force on top, then the rules they replaced. */
export interface ChainState {
  name: string;
  hook?: string;
  rules: string[];
  /** Below `rules`, never reached: deleted at the next clean-up. */
  dead: string[];
}

/** What the kernel's table holds: the last ruleset written, plus what is waiting for clean-up. */
export interface TableState {
  chains: Map<string, ChainState>;
  sets: Map<string, SetSpec>;
}

interface Fill {
  chain: ChainState;
  rules: string[];
  /** `block`: a table block (first sync); `add`: appended; `insert`: above the rules there. */
  how: 'block' | 'add' | 'insert';
}

/**
 * A sync's changes in three steps, in the order the kernel needs them: make, empty and delete
 * chains and sets (references go before what they point to goes); fill chains; add elements
 * to the dispatch maps (last, so traffic goes only to chains already filled).
 */
export interface Plan {
  prepare: string[];
  fill: Fill[];
  elements: { set: SetSpec; elements: string[] }[];
}

export function tableState(rs: Ruleset): TableState {
  const chains = new Map<string, ChainState>();
  for (const c of rs.chains.values()) chains.set(c.name, chainState(c, c.rules));
  return { chains, sets: new Map(rs.sets) };
}

function chainState(c: ChainSpec | ChainState, rules: string[], dead: string[] = []): ChainState {
  return { name: c.name, ...(c.hook ? { hook: c.hook } : {}), rules, dead };
}

/** The whole table, replacing any table of that name (`add` first, so `delete` cannot fail). */
export function fullPlan(rs: Ruleset): Plan {
  const declare = [`table ${T} {`, '\tcomment "rules for kube-proxy"'];
  for (const s of rs.sets.values()) declare.push(...setBlock(s));
  for (const c of rs.chains.values()) declare.push(...chainBlock(c, []));
  declare.push('}');
  return {
    prepare: [`add table ${T}`, `delete table ${T}`, ...declare],
    fill: [...rs.chains.values()]
      .filter((c) => c.rules.length > 0)
      .map((c) => ({ chain: chainState(c, c.rules), rules: c.rules, how: 'block' as const })),
    elements: elementsOf([...rs.sets.values()]),
  };
}

/** From the table in the kernel to `next`: the plan (none when nothing changes) and the table after it. */
export function updatePlan(prev: TableState, next: Ruleset): { plan?: Plan; state: TableState } {
  for (const c of next.chains.values()) {
    const p = prev.chains.get(c.name);
    if (p && p.hook !== c.hook) return { plan: fullPlan(next), state: tableState(next) };
  }
  const recreatedSets = [...next.sets.values()].filter((s) => {
    const p = prev.sets.get(s.name);
    return p && (p.kind !== s.kind || !same(p.decl, s.decl));
  });
  const recreated = new Set(recreatedSets.map((s) => s.name));
  const state: TableState = { chains: new Map(), sets: new Map(next.sets) };
  const added: string[] = [];
  const flushed: string[] = [];
  const fill: Fill[] = [];
  for (const c of next.chains.values()) {
    const p = prev.chains.get(c.name);
    const mentionsRecreated = p !== undefined && refersTo(p, recreated);
    if (!p) added.push(c.name);
    if (p && same(p.rules, c.rules) && !mentionsRecreated) {
      state.chains.set(c.name, p);
    } else if (p && p.rules.length && !mentionsRecreated && decides(c.rules)) {
      fill.push({ chain: p, rules: c.rules, how: 'insert' });
      state.chains.set(c.name, chainState(c, c.rules, [...p.rules, ...p.dead]));
    } else {
      if (p && (p.rules.length || p.dead.length)) flushed.push(c.name);
      fill.push({ chain: chainState(c, c.rules), rules: c.rules, how: 'add' });
      state.chains.set(c.name, chainState(c, c.rules));
    }
  }
  // Chains no longer used stay as they are (nothing reaches them) unless they name a set that
  // is made again.
  for (const p of prev.chains.values()) {
    if (next.chains.has(p.name)) continue;
    if (refersTo(p, recreated)) {
      flushed.push(p.name);
      state.chains.set(p.name, chainState(p, []));
    } else state.chains.set(p.name, p);
  }
  for (const [name, s] of prev.sets) if (!next.sets.has(name)) state.sets.set(name, s);
  const refilledSets = [...next.sets.values()].filter((s) => {
    const p = prev.sets.get(s.name);
    return p && !s.dynamic && !recreated.has(s.name) && !same(p.elements, s.elements);
  });
  const newSets = [...next.sets.values()].filter((s) => !prev.sets.has(s.name));
  const prepare = [
    ...added.map((n) => `add chain ${T} ${n}`),
    ...flushed.map((n) => `flush chain ${T} ${n}`),
    ...refilledSets.map((s) => `flush ${s.kind} ${T} ${s.name}`),
  ];
  for (const s of recreatedSets) {
    const p = prev.sets.get(s.name)!;
    if (!p.dynamic) prepare.push(`flush ${p.kind} ${T} ${s.name}`);
    prepare.push(`delete ${p.kind} ${T} ${s.name}`);
  }
  for (const s of [...recreatedSets, ...newSets]) prepare.push(addSet(s));
  const elements = elementsOf([...refilledSets, ...recreatedSets, ...newSets]);
  if (!prepare.length && !fill.length && !elements.length) return { state };
  return { plan: { prepare, fill, elements }, state };
}

/** Whether any chain waits for clean-up (rules replaced, or not used any more), or any set. */
export function needsCleanup(state: TableState, wanted: Ruleset): boolean {
  if (state.chains.size !== wanted.chains.size || state.sets.size !== wanted.sets.size) return true;
  for (const c of state.chains.values()) if (c.dead.length) return true;
  return false;
}

/**
 * Deletes the rules that were replaced (by handle: the rules in force keep their counters) and
 * the chains and sets `wanted` does not use. `handles`: each chain's rule handles, top to bottom
 * (`nft -a list table`), for the chains with replaced rules.
 */
export function cleanupPlan(
  state: TableState,
  wanted: Ruleset,
  handles: ReadonlyMap<string, number[]>,
): { plan?: Plan; state: TableState } {
  const prepare: string[] = [];
  const fill: Fill[] = [];
  const after: TableState = { chains: new Map(), sets: new Map(wanted.sets) };
  for (const c of state.chains.values()) {
    if (!wanted.chains.has(c.name)) continue;
    after.chains.set(c.name, c.dead.length ? chainState(c, c.rules) : c);
    if (!c.dead.length) continue;
    const h = handles.get(c.name);
    if (h && h.length === c.rules.length + c.dead.length) {
      for (const handle of h.slice(c.rules.length))
        prepare.push(`delete rule ${T} ${c.name} handle ${handle}`);
    } else {
      // Not as expected (someone edited the table): written again.
      prepare.push(`flush chain ${T} ${c.name}`);
      fill.push({ chain: c, rules: c.rules, how: 'add' });
    }
  }
  const unused = [...state.chains.values()].filter((c) => !wanted.chains.has(c.name));
  for (const c of unused)
    if (c.rules.length || c.dead.length) prepare.push(`flush chain ${T} ${c.name}`);
  for (const c of unused) prepare.push(`delete chain ${T} ${c.name}`);
  for (const s of state.sets.values())
    if (!wanted.sets.has(s.name)) prepare.push(`delete ${s.kind} ${T} ${s.name}`);
  if (!prepare.length) return { state };
  return { plan: { prepare, fill, elements: [] }, state: after };
}

/** The plan as one script: one transaction. */
export function planScript(plan: Plan): string {
  const lines = [
    ...plan.prepare,
    ...fillLines(plan.fill),
    ...plan.elements.map((e) => elementLine(e.set, e.elements)),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The plan as several scripts of at most about `maxBytes` each, for an nft that cannot send one
 * large transaction: in a user namespace nft cannot raise its netlink buffer (SO_SNDBUFFORCE
 * needs CAP_NET_ADMIN on the host) and the kernel answers "Message too long". Chains are filled
 * before the maps send traffic to them.
 */
export function planScripts(plan: Plan, maxBytes: number): string[] {
  const scripts = plan.prepare.length ? [`${plan.prepare.join('\n')}\n`] : [];
  let chunk: Fill[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length) scripts.push(`${fillLines(chunk).join('\n')}\n`);
    chunk = [];
    size = 0;
  };
  for (const f of plan.fill) {
    const bytes = f.rules.reduce((n, r) => n + r.length + f.chain.name.length + 20, 0);
    if (size + bytes > maxBytes) flush();
    chunk.push(f);
    size += bytes;
  }
  flush();
  for (const e of plan.elements) {
    let part: string[] = [];
    let bytes = 0;
    for (const el of e.elements) {
      if (bytes + el.length > maxBytes && part.length) {
        scripts.push(`${elementLine(e.set, part)}\n`);
        part = [];
        bytes = 0;
      }
      part.push(el);
      bytes += el.length + 2;
    }
    if (part.length) scripts.push(`${elementLine(e.set, part)}\n`);
  }
  return scripts;
}

/** The whole table as one transaction (the first sync). */
export function fullScript(rs: Ruleset): string {
  return planScript(fullPlan(rs));
}

function fillLines(fill: Fill[]): string[] {
  const blocks = fill.filter((f) => f.how === 'block');
  const out = blocks.length
    ? [`table ${T} {`, ...blocks.flatMap((f) => chainBlock(f.chain, f.rules)), '}']
    : [];
  for (const f of fill) {
    if (f.how === 'add') out.push(...f.rules.map((r) => `add rule ${T} ${f.chain.name} ${r}`));
    // `insert` puts a rule first: the last rule goes in first, so they end up in order.
    if (f.how === 'insert')
      out.push(...[...f.rules].reverse().map((r) => `insert rule ${T} ${f.chain.name} ${r}`));
  }
  return out;
}

/**
 * Rules whose last one always ends the chain (a `goto`, or a numgen vmap over every value), so
 * nothing below them is ever reached.
 */
function decides(rules: readonly string[]): boolean {
  const last = rules.at(-1) ?? '';
  return /^counter (goto \S+|numgen random mod \d+ vmap \{[^}]*\}|drop|reject)$/.test(last);
}

function elementsOf(sets: SetSpec[]): Plan['elements'] {
  return sets.filter((s) => s.elements.length > 0).map((s) => ({ set: s, elements: s.elements }));
}

function elementLine(set: SetSpec, elements: string[]): string {
  return `add element ${T} ${set.name} { ${elements.join(', ')} }`;
}

function addSet(s: SetSpec): string {
  return `add ${s.kind} ${T} ${s.name} { ${s.decl.join('; ')}; }`;
}

function setBlock(s: SetSpec): string[] {
  return [`\t${s.kind} ${s.name} {`, ...s.decl.map((d) => `\t\t${d}`), '\t}'];
}

function chainBlock(c: { name: string; hook?: string }, rules: readonly string[]): string[] {
  return [
    `\tchain ${c.name} {`,
    ...(c.hook ? [`\t\t${c.hook}`] : []),
    ...rules.map((r) => `\t\t${r}`),
    '\t}',
  ];
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

/** Rules (in force or replaced) that name `@set`: they go before the set can be made again. */
function refersTo(c: ChainState, sets: ReadonlySet<string>): boolean {
  if (sets.size === 0) return false;
  const names = (r: string) =>
    r.split(/\s+/).some((w) => w.startsWith('@') && sets.has(w.slice(1)));
  return c.rules.some(names) || c.dead.some(names);
}
