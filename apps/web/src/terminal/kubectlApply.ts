// `kubectl apply -f`, `create -f` and `delete -f` in the console, through the Kubernetes API. Per
// document, apply GETs the object (to say `created`), then applies it with the API server's field
// managers (see applyOne): `unchanged` when the API kept the resourceVersion, else `configured`.
import { contextNamespace } from './contextNamespace.ts';
import { parseManifests } from '@l4lab/manifests';
import type { ExecResponse } from '@l4lab/protocol';
import {
  apiPath,
  apiTypeOfManifest,
  commandError,
  fromSource,
  kubeRequest,
  qualified,
  serverError,
  type ApiType,
  type Status,
} from './kubeApi.ts';
import { readManifestFile, type ManifestFile } from './manifestFiles.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

const isMap = (v: unknown): v is JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a run printed: successes as they came, failures kept for kubectl's final report. */
interface Report {
  stdout: string;
  stderr: string;
  /** A Status (worded at the end as kubectl's CheckErr words it) or a line of kubectl's own. */
  errors: (Status | string)[];
}

export type FileVerb = 'apply' | 'create' | 'delete';

/** The `-f` / `--filename` values among the words; an error line for anything else. */
function filenames(words: string[]): string[] | string {
  const files: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-f' || w === '--filename') {
      const v = words[++i];
      if (v === undefined)
        return `error: flag needs an argument: '${w.replace(/^-+/, '')}' in ${w}`;
      files.push(v);
    } else if (w.startsWith('--filename=')) files.push(w.slice(11));
    else if (w.startsWith('-f') && !w.startsWith('--')) files.push(w.slice(2).replace(/^=/, ''));
    else if (w === '--server-side')
      return "error: the console applies client-side: run kubectl apply --server-side with the real kubectl and the lab's kubeconfig";
    else if (w.startsWith('-')) return `error: unknown flag: ${w.split('=')[0]}`;
    else return `error: unexpected argument "${w}": name the files with -f`;
  }
  return files.length > 0 ? files : 'error: must specify one of -f and -k';
}

interface Document {
  object: JsonMap;
  type: ApiType;
  namespace: string | undefined;
  name: string;
}

/** The file's objects with their types and namespaces, or the errors kubectl stops them with. */
function documentsOf(file: ManifestFile, flagNamespace: string | undefined, r: Report): Document[] {
  const parsed = parseManifests(file.text);
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0]!;
    r.errors.push(
      `error: error parsing ${file.name}: error converting YAML to JSON: yaml: line ${e.line}: ${e.message}\n`,
    );
    return [];
  }
  const values = parsed.documents.flatMap((d) =>
    isMap(d.value) && d.value.kind === 'List' && Array.isArray(d.value.items)
      ? d.value.items
      : [d.value],
  );
  const docs: Document[] = [];
  for (const value of values) {
    const doc = documentOf(file, value, flagNamespace);
    if (typeof doc === 'string') r.errors.push(doc);
    else docs.push(doc);
  }
  return docs;
}

function documentOf(
  file: ManifestFile,
  value: unknown,
  flagNamespace: string | undefined,
): Document | string {
  const o = isMap(value) ? value : {};
  const missing = ['apiVersion', 'kind'].filter((k) => typeof o[k] !== 'string' || o[k] === '');
  if (!isMap(value) || missing.length > 0) {
    const what = missing.length ? missing.map((k) => `${k} not set`).join(', ') : 'not an object';
    return `error: error validating "${file.name}": error validating data: [${what}]; if you choose to ignore these errors, turn validation off with --validate=false\n`;
  }
  const meta = isMap(o.metadata) ? o.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const own = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const type = apiTypeOfManifest(String(o.apiVersion), String(o.kind));
  if (!type) {
    return `error: resource mapping not found for name: "${name}" namespace: "${own ?? ''}" from "${file.name}": no matches for kind "${String(o.kind)}" in version "${String(o.apiVersion)}"\nensure CRDs are installed first\n`;
  }
  if (type.namespaced && own && flagNamespace && own !== flagNamespace) {
    return `error: the namespace from the provided object "${own}" does not match the namespace "${flagNamespace}". You must pass '--namespace=${own}' to perform this operation.\n`;
  }
  const namespace = type.namespaced ? (own ?? flagNamespace ?? contextNamespace()) : undefined;
  return { object: value, type, namespace, name };
}

/** What the user owns of a stored object: what the document is compared with and patched onto. */
function userFields(o: JsonMap): JsonMap {
  const { status: _status, ...rest } = o;
  const meta = isMap(o.metadata) ? o.metadata : {};
  const kept = ['name', 'namespace', 'labels', 'annotations', 'generateName'];
  return {
    ...rest,
    metadata: Object.fromEntries(Object.entries(meta).filter(([k]) => kept.includes(k))),
  };
}

/** JSON with map keys in order: two answers of the API compare equal whatever their key order. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (!isMap(v)) return JSON.stringify(v);
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
}

/**
 * Whether a patch left the object as it was: the API kept its resourceVersion, or (a controller
 * wrote its status meanwhile) the user's fields read the same.
 */
function unchanged(before: JsonMap, after: unknown): boolean {
  const rv = (o: unknown) => (isMap(o) && isMap(o.metadata) ? o.metadata.resourceVersion : '');
  if (rv(before) === rv(after)) return true;
  return isMap(after) && stable(userFields(before)) === stable(userFields(after));
}

function warn(r: Report, warnings: string[]): void {
  for (const w of warnings) r.stderr += `Warning: ${w}\n`;
}

/** kubectl's field managers: `kubectl apply` writes as client-side apply, `kubectl create` so. */
const MANAGER = {
  apply: '?fieldManager=kubectl-client-side-apply',
  create: '?fieldManager=kubectl-create',
};

async function createAs(
  manager: keyof typeof MANAGER,
  d: Document,
  source: string,
  r: Report,
  signal: AbortSignal,
) {
  const path = apiPath(d.type, d.namespace) + MANAGER[manager];
  const res = await kubeRequest('POST', path, { body: d.object, signal });
  if (!res.ok) return void r.errors.push(fromSource(res.status, 'creating', source));
  warn(r, res.warnings);
  r.stdout += `${qualified(d.type)}/${d.name} created\n`;
}

const create = (d: Document, source: string, r: Report, signal: AbortSignal) =>
  createAs('create', d, source, r, signal);

/**
 * One document applied as kubectl's client-side apply behaves: its fields become the object's,
 * fields this console applied before and the file no longer has are removed, and fields others set
 * (`kubectl scale`, `kubectl label`, the dashboard) stay. Sent as a forced server-side apply under
 * kubectl's client-side manager name: the API server's field managers do the three-way merge that
 * kubectl computes from its last-applied annotation, and an apply never meets a conflict.
 */
async function applyOne(d: Document, source: string, r: Report, signal: AbortSignal) {
  // A nameless object: the API says what it lacks.
  if (!d.name) return createAs('apply', d, source, r, signal);
  const path = apiPath(d.type, d.namespace, d.name);
  const got = await kubeRequest('GET', path, { signal });
  if (!got.ok && got.status.code !== 404) {
    return void r.errors.push(
      fromSource(got.status, 'retrieving current configuration of', source),
    );
  }
  const res = await kubeRequest('PATCH', `${path}${MANAGER.apply}&force=true`, {
    body: d.object,
    contentType: 'application/apply-patch+yaml',
    signal,
  });
  if (!res.ok) {
    return void r.errors.push(fromSource(res.status, got.ok ? 'patching' : 'creating', source));
  }
  warn(r, res.warnings);
  const live = got.ok && isMap(got.body) ? got.body : undefined;
  const word = !live ? 'created' : unchanged(live, res.body) ? 'unchanged' : 'configured';
  r.stdout += `${qualified(d.type)}/${d.name} ${word}\n`;
}

async function deleteOne(d: Document, source: string, r: Report, signal: AbortSignal) {
  if (!d.name) return void r.errors.push('error: resource name may not be empty\n');
  const res = await kubeRequest('DELETE', apiPath(d.type, d.namespace, d.name), { signal });
  if (!res.ok) return void r.errors.push(fromSource(res.status, 'deleting', source));
  r.stdout += `${qualified(d.type)} "${d.name}" deleted\n`;
}

const STEP: Record<FileVerb, typeof applyOne> = { apply: applyOne, create, delete: deleteOne };

/** One error: kubectl's CheckErr wording; several: one `Error from server` line each. */
function errorText(errors: (Status | string)[]): string {
  if (errors.length === 1 && typeof errors[0] !== 'string') return commandError(errors[0]!);
  return errors.map((e) => (typeof e === 'string' ? e : serverError(e))).join('');
}

/** `kubectl apply|create|delete -f <file> [-f <file>...] [-n ns]`. */
export async function kubectlFiles(
  verb: FileVerb,
  words: string[],
  namespace: string | undefined,
  signal: AbortSignal,
  /** What a pipe feeds it (`... | kubectl apply -f -`): `-f -` reads it then. */
  piped?: string,
): Promise<ExecResponse> {
  const names = filenames(words);
  if (typeof names === 'string')
    return { stdout: '', stderr: `${names}\n`, exitCode: 1, trace: [] };
  const r: Report = { stdout: '', stderr: '', errors: [] };
  for (const path of names) {
    const file =
      path === '-' && piped !== undefined
        ? { name: 'STDIN', text: piped }
        : await readManifestFile(path);
    if (!file) {
      r.errors.push(`error: the path "${path}" does not exist\n`);
      continue;
    }
    const before = r.errors.length;
    const docs = documentsOf(file, namespace, r);
    if (docs.length === 0 && r.errors.length === before)
      r.errors.push(`error: no objects passed to ${verb}\n`);
    for (const d of docs) await STEP[verb](d, file.name, r, signal);
  }
  const stderr = r.stderr + errorText(r.errors);
  return { stdout: r.stdout, stderr, exitCode: r.errors.length > 0 ? 1 : 0, trace: [] };
}
