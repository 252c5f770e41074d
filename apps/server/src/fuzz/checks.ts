// What every answer to a hostile apply must be (issue 14, "Numbers"): never a 5xx, a refusal in the `errors[]` shape with a line for each error, and nothing applied when refused.
import type { Cluster } from '@l4lab/cluster';

/**
 * The longest an answer may take, from sending to the last byte: judged by `npm run fuzz` (a
 * measurement), not by the test in `npm test` (no timed assertions: a busy machine is not a defect).
 */
export const MAX_ANSWER_MS = 1_000;

export interface CreatedObject {
  kind: string;
  namespace?: string;
  name: string;
}

/** Problems with one apply's answer (HTTP or `apply_result`); empty when it is as it must be. */
export function applyAnswerProblems(status: number, body: unknown): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`answered ${status}: ${excerpt(body)}`);
  else if (status === 200) {
    if (!Array.isArray((body as { results?: unknown })?.results))
      problems.push(`200 without results[]: ${excerpt(body)}`);
  } else if (status >= 400) problems.push(...errorShapeProblems(status, body));
  else problems.push(`unexpected status ${status}: ${excerpt(body)}`);
  return problems;
}

function errorShapeProblems(status: number, body: unknown): string[] {
  const errors = (body as { errors?: unknown })?.errors;
  if (!Array.isArray(errors) || errors.length === 0)
    return [`${status} without errors[]: ${excerpt(body)}`];
  const out: string[] = [];
  for (const e of errors as { line?: unknown; message?: unknown }[]) {
    if (!Number.isInteger(e?.line) || (e.line as number) < 1)
      out.push(`${status} error without a line >= 1: ${excerpt(e)}`);
    if (typeof e?.message !== 'string' || e.message === '')
      out.push(`${status} error without a message: ${excerpt(e)}`);
  }
  return out;
}

/** The objects an accepted apply created (deleted again by the fuzzer). */
export function createdObjects(body: unknown): CreatedObject[] {
  const results = (body as { results?: unknown })?.results;
  if (!Array.isArray(results)) return [];
  return (results as (CreatedObject & { action?: string })[])
    .filter((r) => r?.action === 'created')
    .map(({ kind, namespace, name }) => ({ kind, ...(namespace ? { namespace } : {}), name }));
}

export function excerpt(v: unknown, max = 300): string {
  let s: string;
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  s ??= String(v);
  return s.length > max ? `${s.slice(0, max)}... (${s.length} chars)` : s;
}

/**
 * Counts the store's writes that only an apply makes: an object without an owner created, or given
 * a new generation (apply bumps it; controllers write status and keep it). What controllers
 * create (ReplicaSets, Pods, EndpointSlices) has an owner. A refused apply must make none.
 */
export class ApplyWrites {
  #count = 0;
  readonly #generation = new Map<string, number | undefined>();
  readonly #unwatch: () => void;

  constructor(cluster: Cluster) {
    for (const o of cluster.store.all()) this.#generation.set(keyOf(o), o.metadata.generation);
    this.#unwatch = cluster.watch((e) => {
      const key = keyOf(e.object);
      const { generation, ownerReferences } = e.object.metadata;
      if (e.type === 'DELETED') {
        this.#generation.delete(key);
        return;
      }
      const seen = this.#generation.has(key);
      const owned = (ownerReferences ?? []).length > 0;
      if (!owned && (!seen || this.#generation.get(key) !== generation)) this.#count++;
      this.#generation.set(key, generation);
    });
  }

  /** Writes since the last call. */
  take(): number {
    const n = this.#count;
    this.#count = 0;
    return n;
  }

  stop(): void {
    this.#unwatch();
  }
}

function keyOf(o: { kind: string; metadata: { namespace?: string; name: string } }): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

const PROTOTYPES: Record<string, object> = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
  Boolean: Boolean.prototype,
  RegExp: RegExp.prototype,
  Promise: Promise.prototype,
};

function prototypeMembers(): Map<string, unknown> {
  const members = new Map<string, unknown>();
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    members.set(`${name}.prototype's prototype`, Object.getPrototypeOf(proto));
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      members.set(`${name}.prototype.${String(key)}`, d.get ?? d.set ?? d.value);
    }
  }
  return members;
}

/**
 * The built-in prototypes' members, as they were: a `__proto__` or `constructor` key that reached
 * one (prototype pollution) changes it for the whole server, so each case is checked after it.
 */
export class PrototypeGuard {
  #members = prototypeMembers();

  /** Members added, removed or replaced since the last call (then taken as the new state). */
  changes(): string[] {
    const now = prototypeMembers();
    const changed = [...new Set([...this.#members.keys(), ...now.keys()])].filter(
      (k) => this.#members.get(k) !== now.get(k) || this.#members.has(k) !== now.has(k),
    );
    if (changed.length > 0) this.#members = now;
    return changed;
  }
}
