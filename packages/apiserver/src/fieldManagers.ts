// Server-side apply's field ownership: who manages which fields of an object, what the API server
// keeps in `metadata.managedFields` (structured-merge-diff's field sets, written as FieldsV1).
//
// - An apply (`application/apply-patch+yaml`, a fieldManager) owns exactly the fields its applied
//   configuration sets. A field it owned and no longer sets is removed, unless another manager
//   owns it too. Setting a field another manager owns, to a different value, is a conflict (409)
//   unless the apply forces it (`--force-conflicts`), which takes the field over.
// - Every other write (create, replace, the three patches, scale) is an Update: its manager takes
//   the fields it changed, from everyone.
// - Changes made outside this API (the dashboard's editor, a restart that restored objects) are
//   seen as an Update by the manager `l4lab` the next time the API looks at the object.
//
// Paths are lists of FieldsV1 segments: `f:<field>` and, for the lists Kubernetes declares as maps
// (containers by name, Service ports by port and protocol, ...), `k:{"name":"web"}` for an element.
// Other lists are atomic: one field, owned whole.
import type { KubeObject } from '@l4lab/protocol';
import type { Json } from './patch.ts';

type JsonMap = { [k: string]: Json };
type Path = readonly string[];

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A field another manager owns with a different value than an apply sets. */
export interface FieldConflict {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  path: Path;
}

/** The manager that edits from l4lab's dashboard (and restores objects at start). */
export const DASHBOARD_MANAGER = 'l4lab';

const isMap = (v: unknown): v is JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** `x-kubernetes-list-map-keys` of the lists l4lab's kinds declare as maps, by field name. */
function listMapKeys(field: string, path: Path): readonly string[] | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return ['name'];
    case 'volumeMounts':
      return ['mountPath'];
    case 'hostAliases':
      return ['ip'];
    case 'topologySpreadConstraints':
      return ['topologyKey', 'whenUnsatisfiable'];
    case 'ports':
      return path.some((s) => s.endsWith('ontainers'))
        ? ['containerPort', 'protocol']
        : ['port', 'protocol'];
    default:
      return undefined;
  }
}

/** A list element's key (`protocol` defaults to TCP, as the API server defaults it first). */
function elementKey(item: Json, keys: readonly string[]): string | undefined {
  if (!isMap(item)) return undefined;
  const key: JsonMap = {};
  for (const k of [...keys].sort()) {
    const v = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
    if (v === undefined) return undefined;
    key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

/** Whether a list is a map by keys here (every element carries them) and the key of each element. */
function keyedElements(field: string, list: Json[], path: Path): string[] | undefined {
  const keys = listMapKeys(field, path);
  if (!keys) return undefined;
  const out = list.map((item) => elementKey(item, keys));
  return out.every((k): k is string => k !== undefined) ? out : undefined;
}

/** The fields a user manages: labels, annotations, spec and other top-level data; never status. */
export function userFields(o: Record<string, unknown>): JsonMap {
  const meta = (o.metadata ?? {}) as JsonMap;
  const out: JsonMap = {};
  const kept: JsonMap = {};
  if (meta.labels !== undefined) kept.labels = meta.labels;
  if (meta.annotations !== undefined) kept.annotations = meta.annotations;
  if (Object.keys(kept).length) out.metadata = kept;
  for (const [k, v] of Object.entries(o)) {
    if (['apiVersion', 'kind', 'metadata', 'status'].includes(k) || v === undefined) continue;
    out[k] = v as Json;
  }
  return out;
}

/** Every path a value sets: leaves, atomic lists, and keyed list elements themselves. */
export function fieldPaths(value: JsonMap, prefix: Path = []): Path[] {
  const out: Path[] = [];
  for (const [k, v] of Object.entries(value)) {
    const at = [...prefix, `f:${k}`];
    if (Array.isArray(v)) {
      const keys = keyedElements(k, v, prefix);
      if (!keys) {
        out.push(at);
        continue;
      }
      for (const [i, item] of v.entries()) {
        const element = [...at, keys[i]!];
        out.push(element);
        out.push(...fieldPaths(item as JsonMap, element));
      }
    } else if (isMap(v) && Object.keys(v).length > 0) {
      out.push(...fieldPaths(v, at));
    } else {
      out.push(at);
    }
  }
  return out;
}

/** The value at a path, or undefined when the object does not set it. */
export function valueAt(value: Json | undefined, path: Path): Json | undefined {
  let cur: Json | undefined = value;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (seg.startsWith('f:')) {
      cur = isMap(cur) ? cur[seg.slice(2)] : undefined;
    } else if (seg.startsWith('k:') && Array.isArray(cur)) {
      const field = path[i - 1]!.slice(2);
      const keys = listMapKeys(field, path.slice(0, i - 1));
      cur = keys ? cur.find((item) => elementKey(item, keys) === seg) : undefined;
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field (or keyed element) at a path; maps it leaves empty go too. */
function removeAt(value: JsonMap, path: Path): void {
  const parents: { map: JsonMap; field: string }[] = [];
  let cur: Json = value;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (seg.startsWith('f:') && isMap(cur)) {
      const field = seg.slice(2);
      if (last) {
        delete cur[field];
        break;
      }
      parents.push({ map: cur, field });
      cur = cur[field] ?? null;
    } else if (seg.startsWith('k:') && Array.isArray(cur)) {
      const { field } = parents.at(-1)!;
      const keys = listMapKeys(field, path.slice(0, i - 1))!;
      const at = cur.findIndex((item) => elementKey(item, keys) === seg);
      if (at < 0) return;
      if (last) {
        cur.splice(at, 1);
        break;
      }
      cur = cur[at]!;
    } else {
      return;
    }
  }
  for (const { map, field } of parents.reverse()) {
    const v = map[field];
    if ((isMap(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0))
      delete map[field];
    else break;
  }
}

/** The applied configuration merged into the object: maps by key, keyed lists by element. */
function mergeApplied(target: Json | undefined, applied: Json, path: Path): Json {
  if (!isMap(applied)) return structuredClone(applied);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(applied)) {
    const at = [...path, `f:${k}`];
    const keys = Array.isArray(v) ? keyedElements(k, v, path) : undefined;
    const old = out[k];
    if (keys && Array.isArray(v) && Array.isArray(old)) {
      const fieldKeys = listMapKeys(k, path)!;
      const merged = old.map((item) => structuredClone(item));
      for (const [i, item] of v.entries()) {
        const j = merged.findIndex((m) => elementKey(m, fieldKeys) === keys[i]);
        if (j >= 0) merged[j] = mergeApplied(merged[j], item, [...at, keys[i]!]);
        else merged.push(structuredClone(item));
      }
      out[k] = merged;
    } else {
      out[k] = mergeApplied(old, v, at);
    }
  }
  return out;
}

/** `.spec.ports[port=80,protocol="TCP"].targetPort`: a path as the API server's messages print it. */
export function pathText(path: Path): string {
  return path
    .map((seg) => {
      if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
      const key = JSON.parse(seg.slice(2)) as JsonMap;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/** A set of paths as FieldsV1 (`{"f:spec":{"f:replicas":{}}}`; `.` marks an owned element). */
export function toFieldsV1(paths: Iterable<Path>): Record<string, unknown> {
  interface Node {
    owned: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { owned: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const seg of path) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { owned: false, children: new Map() }));
      node = next;
    }
    node.owned = true;
  }
  const write = (node: Node): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (node.owned && node.children.size > 0) out['.'] = {};
    for (const [seg, child] of node.children) out[seg] = write(child);
    return out;
  };
  return write(root);
}

/** FieldsV1 back to paths (what a client sends when it rewrites managedFields). */
export function fromFieldsV1(fields: unknown, prefix: Path = []): Path[] {
  if (!isMap(fields)) return [];
  const out: Path[] = [];
  const children = Object.entries(fields).filter(([seg]) => seg !== '.');
  if (prefix.length > 0 && (children.length === 0 || '.' in fields)) out.push(prefix);
  for (const [seg, child] of children) {
    if (!seg.startsWith('f:') && !seg.startsWith('k:')) continue;
    out.push(...fromFieldsV1(child, [...prefix, seg]));
  }
  return out;
}

interface Manager {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time: string;
  fields: Map<string, Path>;
}

interface Record_ {
  uid: string;
  resourceVersion: string;
  /** The user fields as this record last saw them (to see changes made outside the API). */
  seen: JsonMap;
  managers: Manager[];
}

export interface ApplyPlan {
  /** The object to admit: the stored user fields with the applied configuration merged in. */
  object: JsonMap;
  conflicts: FieldConflict[];
  paths: Path[];
}

const idOf = (m: Pick<Manager, 'manager' | 'operation' | 'subresource'>) =>
  `${m.manager}\0${m.operation}\0${m.subresource ?? ''}`;

/** Field ownership of every object written or read through the Kubernetes API. */
export class FieldManagers {
  readonly #records = new Map<string, Record_>();

  constructor(private readonly now: () => number) {}

  static keyOf(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
    return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  }

  /** Forgets a deleted object (the store's DELETED events). */
  forget(o: Pick<KubeObject, 'kind' | 'metadata'>): void {
    this.#records.delete(FieldManagers.keyOf(o));
  }

  /** The record of the object as it is now, changes made outside this API given to `l4lab`. */
  #sync(current: KubeObject, apiVersion: string): Record_ {
    const key = FieldManagers.keyOf(current);
    const fields = userFields(current as unknown as Record<string, unknown>);
    let r = this.#records.get(key);
    if (!r || r.uid !== current.metadata.uid) {
      r = { uid: current.metadata.uid ?? '', resourceVersion: '', seen: {}, managers: [] };
      this.#records.set(key, r);
    }
    if (r.resourceVersion !== current.metadata.resourceVersion) {
      this.#update(r, r.seen, fields, DASHBOARD_MANAGER, apiVersion);
      r.resourceVersion = current.metadata.resourceVersion ?? '';
      r.seen = fields;
    }
    return r;
  }

  /** The fields an Update changed go to its manager, away from every other. */
  #update(
    r: Record_,
    before: JsonMap,
    after: JsonMap,
    manager: string,
    apiVersion: string,
    subresource?: string,
  ): void {
    const changed = new Map<string, Path>();
    for (const p of fieldPaths(after)) {
      const was = valueAt(before, p);
      // An element changes hands only when it is new; a change inside it moves its fields only.
      const moved = p.at(-1)!.startsWith('k:') ? was === undefined : !same(was, valueAt(after, p));
      if (moved) changed.set(JSON.stringify(p), p);
    }
    const removed = fieldPaths(before)
      .filter((p) => valueAt(after, p) === undefined)
      .map((p) => JSON.stringify(p));
    if (changed.size === 0 && removed.length === 0) return;
    for (const m of r.managers) {
      for (const k of [...changed.keys(), ...removed]) m.fields.delete(k);
    }
    if (changed.size > 0) {
      const mine = this.#manager(r, manager, 'Update', apiVersion, subresource);
      for (const [k, p] of changed) mine.fields.set(k, p);
    }
    r.managers = r.managers.filter((m) => m.fields.size > 0);
  }

  #manager(
    r: Record_,
    manager: string,
    operation: Operation,
    apiVersion: string,
    subresource?: string,
  ): Manager {
    const id = idOf({ manager, operation, subresource });
    let m = r.managers.find((x) => idOf(x) === id);
    if (!m) {
      m = { manager, operation, apiVersion, fields: new Map(), time: '' };
      if (subresource) m.subresource = subresource;
      r.managers.push(m);
    }
    m.apiVersion = apiVersion;
    m.time = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return m;
  }

  /**
   * What an apply by `manager` makes of the object: its conflicts with other managers, and the
   * object to admit (fields it dropped removed unless someone else owns them, its own merged in).
   */
  planApply(
    current: KubeObject | undefined,
    applied: JsonMap,
    manager: string,
    apiVersion: string,
  ): ApplyPlan {
    const paths = fieldPaths(applied);
    if (!current) return { object: applied, conflicts: [], paths };
    const r = this.#sync(current, apiVersion);
    const object = structuredClone(r.seen);
    const mine = r.managers.find((m) => idOf(m) === idOf({ manager, operation: 'Apply' }));
    const others = r.managers.filter((m) => m !== mine);
    const wanted = new Set(paths.map((p) => JSON.stringify(p)));
    const conflicts: FieldConflict[] = [];
    for (const p of paths) {
      const k = JSON.stringify(p);
      for (const m of others) {
        if (!m.fields.has(k) || same(valueAt(applied, p), valueAt(object, p))) continue;
        if (p.at(-1)!.startsWith('k:')) continue; // an element's existence: its fields tell
        conflicts.push({
          manager: m.manager,
          operation: m.operation,
          apiVersion: m.apiVersion,
          ...(m.subresource ? { subresource: m.subresource } : {}),
          path: p,
        });
      }
    }
    // Shallowest first: an element goes whole (its key fields are still there to find it by).
    const dropped = [...(mine?.fields ?? new Map<string, Path>())]
      .filter(([k]) => !wanted.has(k) && !others.some((m) => m.fields.has(k)))
      .map(([, p]) => p)
      .sort((a, b) => a.length - b.length);
    for (const p of dropped) removeAt(object, p);
    return { object: mergeApplied(object, applied, []) as JsonMap, conflicts, paths };
  }

  /** After an admitted apply: the manager owns what it applied; a forced apply took conflicts. */
  recordApply(
    stored: KubeObject,
    plan: ApplyPlan,
    manager: string,
    apiVersion: string,
    forced: boolean,
  ): void {
    const r = this.#recordFor(stored);
    const fields = userFields(stored as unknown as Record<string, unknown>);
    const mine = this.#manager(r, manager, 'Apply', apiVersion);
    mine.fields = new Map(
      plan.paths
        .filter((p) => valueAt(fields, p) !== undefined)
        .map((p) => [JSON.stringify(p), p] as const),
    );
    if (forced) {
      for (const c of plan.conflicts) {
        for (const m of r.managers) if (m !== mine) m.fields.delete(JSON.stringify(c.path));
      }
    }
    r.managers = r.managers.filter((m) => m.fields.size > 0);
    r.seen = fields;
    r.resourceVersion = stored.metadata.resourceVersion ?? '';
  }

  /** The record of an object just written (a new one when the object is new). */
  #recordFor(stored: KubeObject): Record_ {
    const key = FieldManagers.keyOf(stored);
    let r = this.#records.get(key);
    if (!r || r.uid !== stored.metadata.uid) {
      r = { uid: stored.metadata.uid ?? '', resourceVersion: '', seen: {}, managers: [] };
      this.#records.set(key, r);
    }
    return r;
  }

  /** Before an Update through the API: the record as it stands (outside changes seen first). */
  beforeUpdate(current: KubeObject | undefined, apiVersion: string): JsonMap {
    return current ? structuredClone(this.#sync(current, apiVersion).seen) : {};
  }

  /** After an admitted Update (create, replace, patch, scale): its manager takes what changed. */
  recordUpdate(
    before: JsonMap,
    stored: KubeObject,
    manager: string,
    apiVersion: string,
    subresource?: string,
  ): void {
    const r = this.#recordFor(stored);
    const after = userFields(stored as unknown as Record<string, unknown>);
    this.#update(r, before, after, manager, apiVersion, subresource);
    r.seen = after;
    r.resourceVersion = stored.metadata.resourceVersion ?? '';
  }

  /** A client's rewrite of managedFields (kubectl's move from client-side to server-side apply). */
  replaceEntries(current: KubeObject, entries: unknown, apiVersion: string): void {
    const r = this.#sync(current, apiVersion);
    const list = Array.isArray(entries) ? entries : [];
    r.managers = list.filter(isMap).map((e) => {
      const m: Manager = {
        manager: String(e.manager ?? ''),
        operation: e.operation === 'Apply' ? 'Apply' : 'Update',
        apiVersion: String(e.apiVersion ?? apiVersion),
        time: typeof e.time === 'string' ? e.time : '',
        fields: new Map(fromFieldsV1(e.fieldsV1).map((p) => [JSON.stringify(p), p] as const)),
      };
      if (typeof e.subresource === 'string' && e.subresource) m.subresource = e.subresource;
      return m;
    });
  }

  /** metadata.managedFields of the object (seen now, so outside changes are attributed). */
  entriesOf(current: KubeObject, apiVersion: string): ManagedFieldsEntry[] {
    return this.#sync(current, apiVersion).managers.map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: m.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.fields.values()),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
  }
}

/** How the API server names a manager in a conflict (`"kubectl-client-side-apply" using apps/v1`). */
function managerText(c: FieldConflict): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  return c.operation === 'Update' ? `${s} using ${c.apiVersion}` : s;
}

/** The 409's message, worded as the API server's field manager words it. */
export function conflictMessage(conflicts: readonly FieldConflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${managerText(c)}: ${pathText(c.path)}`;
  }
  const byManager = new Map<string, FieldConflict[]>();
  for (const c of conflicts) {
    const k = managerText(c);
    byManager.set(k, [...(byManager.get(k) ?? []), c]);
  }
  const lines: string[] = [];
  for (const k of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${k}:`);
    for (const c of byManager.get(k)!) lines.push(`- ${pathText(c.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The causes of the 409 (type FieldManagerConflict, one per field). */
export function conflictCauses(conflicts: readonly FieldConflict[]) {
  return conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${managerText(c)}`,
    field: pathText(c.path),
  }));
}
