// `kubectl get` in the console: the API's Tables (server-side printing, the same printers the real
// kubectl gets) printed as kubectl prints them, or the objects as -o json / yaml / name.
import type { ExecResponse } from '@l4lab/protocol';
import {
  TABLE_ACCEPT,
  apiPath,
  apiTypeNamed,
  groupVersion,
  kubeRequest,
  qualified,
  serverError,
  type ApiType,
} from './kubeApi.ts';
import {
  isTable,
  listOf,
  printObject,
  printTable,
  type Table,
  type TableRow,
} from './tablePrinter.ts';

const FORMATS = ['', 'wide', 'json', 'yaml', 'name'] as const;
type Format = (typeof FORMATS)[number];

interface GetFlags {
  format: Format;
  selector?: string;
  showLabels: boolean;
  positional: string[];
}

/** The value of `-o x`, `-ox`, `-o=x`, `--output x`, `--output=x` at words[i] (undefined: not it). */
function flagValue(words: string[], i: number, short: string, long: string) {
  const w = words[i]!;
  if (w === short || w === long) return { value: words[i + 1], next: i + 1 };
  if (w.startsWith(`${long}=`)) return { value: w.slice(long.length + 1), next: i };
  if (w.startsWith(short) && !w.startsWith('--'))
    return { value: w.slice(short.length).replace(/^=/, ''), next: i };
  return undefined;
}

function parseGetFlags(words: string[]): GetFlags | string {
  const f: GetFlags = { format: '', showLabels: false, positional: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const output = flagValue(words, i, '-o', '--output');
    const selector = output ? undefined : flagValue(words, i, '-l', '--selector');
    const flag = output ?? selector;
    if (flag) {
      if (flag.value === undefined) return `error: flag needs an argument: ${w}`;
      i = flag.next;
      if (selector) f.selector = flag.value;
      else if ((FORMATS as readonly string[]).includes(flag.value)) f.format = flag.value as Format;
      else
        return `error: unable to match a printer suitable for the output format "${flag.value}", allowed formats are: json,name,wide,yaml`;
    } else if (w === '--show-labels') f.showLabels = true;
    else if (w === '-w' || w === '--watch')
      return "error: the console does not watch (kubectl get -w): run it with the real kubectl and the lab's kubeconfig";
    else if (w.startsWith('--')) return `error: unknown flag: ${w.split('=')[0]}`;
    else if (w.startsWith('-')) return `error: unknown shorthand flag: '${w[1]}' in ${w}`;
    else f.positional.push(w);
  }
  return f;
}

/** `kubectl get all`: the types it lists that l4lab serves, in its order. */
const ALL = ['pods', 'services', 'deployments', 'replicasets'];

interface Target {
  type: ApiType;
  names: string[];
}

/** `pods`, `po,svc`, `all`, `pods a b`, `pod/a svc/b` -> the types and the names asked of each. */
function targetsOf(positional: string[]): Target[] | string {
  const [first, ...rest] = positional;
  if (first === undefined)
    return 'error: you must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.';
  const targets: Target[] = [];
  const typeNamed = (name: string): ApiType | string =>
    apiTypeNamed(name) ?? `error: the server doesn't have a resource type "${name}"`;
  if (first.includes('/')) {
    for (const word of positional) {
      const [type = '', name = ''] = word.split('/');
      const t = typeNamed(type);
      if (typeof t === 'string') return t;
      if (!name)
        return `error: arguments in resource/name form must have a single resource and name`;
      const seen = targets.find((x) => x.type.plural === t.plural && x.type.group === t.group);
      if (seen) seen.names.push(name);
      else targets.push({ type: t, names: [name] });
    }
    return targets;
  }
  for (const name of first === 'all' ? ALL : first.split(',')) {
    const t = typeNamed(name);
    if (typeof t === 'string') return t;
    targets.push({ type: t, names: rest });
  }
  return targets;
}

interface Scope {
  namespace: string;
  all: boolean;
  signal: AbortSignal;
}

interface Found {
  type: ApiType;
  /** A Table (the printed formats) or objects (json, yaml). */
  table?: Table;
  objects: unknown[];
}

async function fetchTarget(
  t: Target,
  f: GetFlags,
  s: Scope,
): Promise<{ found: Found; stderr: string }> {
  const ns = s.all ? undefined : s.namespace;
  const asTable = f.format !== 'json' && f.format !== 'yaml';
  const accept = asTable ? TABLE_ACCEPT : 'application/json';
  const found: Found = { type: t.type, objects: [] };
  let stderr = '';
  const rows: TableRow[] = [];
  const take = (body: unknown, many: boolean) => {
    if (asTable && isTable(body)) {
      found.table ??= { columnDefinitions: body.columnDefinitions, rows };
      rows.push(...body.rows);
    } else if (!asTable) {
      const items = many ? ((body as { items?: unknown[] }).items ?? []) : [body];
      found.objects.push(...items.map((o) => withTypeMeta(o, t.type)));
    }
  };
  if (t.names.length === 0) {
    const query = f.selector ? `?labelSelector=${encodeURIComponent(f.selector)}` : '';
    const r = await kubeRequest('GET', apiPath(t.type, ns) + query, { accept, signal: s.signal });
    if (r.ok) take(r.body, true);
    else stderr += serverError(r.status);
  }
  for (const name of t.names) {
    const r = await kubeRequest('GET', apiPath(t.type, ns, name), { accept, signal: s.signal });
    if (r.ok) take(r.body, false);
    else stderr += serverError(r.status);
  }
  return { found, stderr };
}

/** List items come without apiVersion and kind; kubectl prints them with both. */
function withTypeMeta(o: unknown, t: ApiType): unknown {
  return { apiVersion: groupVersion(t.group, t.version), kind: t.kind, ...(o as object) };
}

function nameOf(row: TableRow): string {
  return row.object?.metadata?.name ?? String(row.cells[0] ?? '');
}

interface Layout {
  /** Several types (or `all`): names read `pod/x`. */
  prefixed: boolean;
  /** One object asked by name: -o json / yaml print it alone, not in a List. */
  single: boolean;
}

function print(found: Found[], f: GetFlags, s: Scope, layout: Layout): string {
  if (f.format === 'json' || f.format === 'yaml') {
    const objects = found.flatMap((x) => x.objects);
    return printObject(
      layout.single && objects.length === 1 ? objects[0] : listOf(objects),
      f.format,
    );
  }
  if (f.format === 'name') {
    return found
      .flatMap((x) => (x.table?.rows ?? []).map((r) => `${qualified(x.type)}/${nameOf(r)}\n`))
      .join('');
  }
  return found
    .filter((x) => x.table && x.table.rows.length > 0)
    .map((x) =>
      printTable(x.table!, {
        wide: f.format === 'wide',
        withNamespace: s.all && x.type.namespaced,
        showLabels: f.showLabels,
        ...(layout.prefixed ? { namePrefix: qualified(x.type) } : {}),
      }),
    )
    .join('\n');
}

/** `kubectl get <type>[,<type>] [name...] [-o wide|json|yaml|name] [-l sel] [--show-labels]`. */
export async function kubectlGet(words: string[], s: Scope): Promise<ExecResponse> {
  const at = words.findIndex((w) => w === '--raw' || w.startsWith('--raw='));
  if (at >= 0) {
    const path = words[at] === '--raw' ? words[at + 1] : words[at]!.slice('--raw='.length);
    const rest = words.filter((_, i) => i !== at && !(words[at] === '--raw' && i === at + 1));
    if (!path) return out('', 'error: flag needs an argument: --raw\n');
    if (rest.length) return out('', 'error: arguments may not be passed when --raw is specified\n');
    return getRaw(path, s.signal);
  }
  const f = parseGetFlags(words);
  if (typeof f === 'string') return out('', `${f}\n`);
  const targets = targetsOf(f.positional);
  if (typeof targets === 'string') return out('', `${targets}\n`);
  const named = targets.some((t) => t.names.length > 0);
  if (named && s.all)
    return out('', 'error: a resource cannot be retrieved by name across all namespaces\n');
  let stderr = '';
  const found: Found[] = [];
  for (const t of targets) {
    const r = await fetchTarget(t, f, s);
    found.push(r.found);
    stderr += r.stderr;
  }
  const stdout = print(found, f, s, {
    prefixed: targets.length > 1 || f.positional[0] === 'all',
    single: targets.length === 1 && targets[0]!.names.length === 1,
  });
  const failed = stderr !== '';
  if (!stdout && !named && !failed) {
    const where =
      s.all || targets.every((t) => !t.type.namespaced) ? '' : ` in ${s.namespace} namespace.`;
    return out('', `No resources found${where}\n`, 0);
  }
  return out(stdout, stderr);
}

/**
 * `kubectl get --raw /path`: the API's answer as it came, `/api/v1/namespaces/default/services/
 * my-nginx/proxy/` too (the pod's page, through the API server's proxy).
 */
async function getRaw(path: string, signal: AbortSignal): Promise<ExecResponse> {
  if (!path.startsWith('/'))
    return out(
      '',
      `error: --raw must be a valid URL path: parse "${path}": invalid URI for request\n`,
    );
  const r = await kubeRequest('GET', path, { accept: 'application/json, */*', signal });
  return r.ok ? out(r.text, '') : out('', serverError(r.status));
}

function out(stdout: string, stderr: string, exitCode = stderr ? 1 : 0): ExecResponse {
  return { stdout, stderr, exitCode, trace: [] };
}
