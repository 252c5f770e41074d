// The three patch types of the Kubernetes API on plain JSON values: JSON Patch (RFC 6902), JSON
// Merge Patch (RFC 7386) and strategic merge patch (what `kubectl apply` and `kubectl edit` send):
// maps merge, `null` deletes, and the lists Kubernetes declares with a patch merge key (containers
// by name, Service ports by port, ...) merge element by element; other lists are replaced.
// Directives: `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
// `$setElementOrder/<field>` (the order kubectl computed; elements keep it here).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

/** A patch the server cannot apply (400 BadRequest, or 422 for a failed `test`). */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422 = 400,
  ) {
    super(message);
  }
}

const isMap = (v: unknown): v is JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const clone = <T extends Json>(v: T): T => structuredClone(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be a list of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isMap(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw new PatchError('json patch operation must have "op" and "path"');
    const op = raw as unknown as Op;
    switch (op.op) {
      case 'add':
        doc = put(doc, pointer(op.path), need(op), 'add');
        break;
      case 'replace':
        get(doc, pointer(op.path));
        doc = put(doc, pointer(op.path), need(op), 'replace');
        break;
      case 'remove':
        doc = remove(doc, pointer(op.path));
        break;
      case 'move': {
        const from = pointer(from_(op));
        const value = get(doc, from);
        doc = put(remove(doc, from), pointer(op.path), value, 'add');
        break;
      }
      case 'copy':
        doc = put(doc, pointer(op.path), clone(get(doc, pointer(from_(op)))), 'add');
        break;
      case 'test':
        if (JSON.stringify(get(doc, pointer(op.path))) !== JSON.stringify(need(op)))
          throw new PatchError(`testing value ${op.path} failed`, 422);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

const need = (op: Op): Json => {
  if (!('value' in op)) throw new PatchError(`missing value for ${op.op} ${op.path}`);
  return op.value as Json;
};
const from_ = (op: Op): string => {
  if (typeof op.from !== 'string') throw new PatchError(`missing from for ${op.op}`);
  return op.from;
};

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function get(doc: Json, keys: string[]): Json {
  let cur: Json = doc;
  for (const k of keys) {
    if (Array.isArray(cur) && /^\d+$/.test(k) && Number(k) < cur.length) cur = cur[Number(k)]!;
    else if (isMap(cur) && Object.hasOwn(cur, k)) cur = cur[k]!;
    else throw new PatchError(`doc is missing path: "/${keys.join('/')}"`, 422);
  }
  return cur;
}

function put(doc: Json, keys: string[], value: Json, how: 'add' | 'replace'): Json {
  if (keys.length === 0) return value;
  const parent = get(doc, keys.slice(0, -1));
  const last = keys.at(-1)!;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw new PatchError(`index ${last} out of bounds`, 422);
    if (how === 'replace') parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isMap(parent)) parent[last] = value;
  else throw new PatchError(`doc is missing path: "/${keys.join('/')}"`, 422);
  return doc;
}

function remove(doc: Json, keys: string[]): Json {
  const parent = get(doc, keys.slice(0, -1));
  const last = keys.at(-1)!;
  get(doc, keys);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isMap(parent)) delete parent[last];
  return doc;
}

/**
 * The patch merge keys of the kinds l4lab serves (`patchMergeKey` in k8s.io/api), by field name;
 * a container's `ports` merge by containerPort, a Service's by port.
 */
function mergeKeyOf(field: string, parentPath: readonly string[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'hostAliases':
      return 'ip';
    case 'ports':
      return parentPath.some((p) => p.endsWith('ontainers')) ? 'containerPort' : 'port';
    default:
      return undefined;
  }
}

export function strategicMerge(target: Json, patch: Json, path: readonly string[] = []): Json {
  if (!isMap(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonMap = isMap(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? patch.$retainKeys.map(String) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const key = Array.isArray(v) ? mergeKeyOf(k, path) : undefined;
    out[k] = key
      ? mergeList(Array.isArray(out[k]) ? (out[k] as Json[]) : [], v as Json[], key, [...path, k])
      : isMap(v)
        ? strategicMerge(out[k] ?? null, v, [...path, k])
        : clone(v);
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

/** A list merged by key: patched elements merge with theirs, `$patch: delete` removes, new ones add. */
function mergeList(target: Json[], patch: Json[], key: string, path: string[]): Json[] {
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isMap(p) && p.$patch === 'replace')).map((p) => clone(p));
  }
  const out = target.map((t) => clone(t));
  for (const p of patch) {
    if (!isMap(p) || !(key in p)) {
      throw new PatchError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    }
    const at = out.findIndex((t) => isMap(t) && JSON.stringify(t[key]) === JSON.stringify(p[key]));
    if (p.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMerge(out[at]!, p, path);
    else out.push(strategicMerge(null, p, path));
  }
  return out;
}
