// `kubectl delete <type> <name>`, `kubectl scale`, `kubectl create ns` and `kubectl create cm` in
// the console, each one call of the Kubernetes API (DELETE, the scale subresource, POST), printed
// as kubectl prints it.
import { contextNamespace } from './contextNamespace.ts';
import type { ExecResponse } from '@l4lab/protocol';
import { readManifestFile } from './manifestFiles.ts';
import { printObject } from './tablePrinter.ts';
import {
  apiPath,
  apiTypeNamed,
  commandError,
  kubeRequest,
  qualified,
  serverError,
  type ApiType,
  type Status,
} from './kubeApi.ts';

const out = (stdout: string, stderr = '', exitCode = stderr ? 1 : 0): ExecResponse => ({
  stdout,
  stderr,
  exitCode,
  trace: [],
});

const noType = (name: string) => `error: the server doesn't have a resource type "${name}"\n`;

/** One error as kubectl's CheckErr words it, several one line each. */
function errorText(errors: Status[]): string {
  return errors.length === 1 ? commandError(errors[0]!) : errors.map(serverError).join('');
}

interface Targets {
  type: ApiType;
  names: string[];
}

/** `pod x y`, `pod/x`, `deployment/x` -> the type and the names; an error line otherwise. */
function targetsOf(operands: string[]): Targets | string {
  const [first = ''] = operands;
  if (first.includes('/')) {
    const [typeName = ''] = first.split('/');
    const type = apiTypeNamed(typeName);
    if (!type) return noType(typeName);
    const names: string[] = [];
    for (const w of operands) {
      const [t = '', name = ''] = w.split('/');
      if (apiTypeNamed(t)?.plural !== type.plural || !name)
        return 'error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form\n';
      names.push(name);
    }
    return { type, names };
  }
  const type = apiTypeNamed(first);
  return type ? { type, names: operands.slice(1) } : noType(first);
}

interface DeleteFlags {
  operands: string[];
  selector?: string;
  query: URLSearchParams;
  ignoreNotFound: boolean;
}

function parseDeleteFlags(words: string[]): DeleteFlags | string {
  const f: DeleteFlags = { operands: [], query: new URLSearchParams(), ignoreNotFound: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const [flag = '', inline] = w.split(/=(.*)/s);
    const value = () => inline ?? words[++i] ?? '';
    if (flag === '-l' || flag === '--selector') f.selector = value();
    else if (flag === '--grace-period') f.query.set('gracePeriodSeconds', value());
    else if (flag === '--now') f.query.set('gracePeriodSeconds', '1');
    else if (flag === '--ignore-not-found') f.ignoreNotFound = inline !== 'false';
    else if (flag === '--cascade') {
      const c = value();
      const policy = { orphan: 'Orphan', background: 'Background', foreground: 'Foreground' }[c];
      if (!policy)
        return `error: invalid cascade value (${c}). Must be "background", "foreground", or "orphan".\n`;
      f.query.set('propagationPolicy', policy);
    } else if (flag === '--wait' || flag === '--force') continue;
    else if (w.startsWith('-')) return `error: unknown flag: ${flag}\n`;
    else f.operands.push(w);
  }
  return f;
}

/** The names a label selector picks (`kubectl delete pods -l run=my-nginx`). */
async function selected(t: ApiType, ns: string, selector: string, signal: AbortSignal) {
  const path = `${apiPath(t, ns)}?labelSelector=${encodeURIComponent(selector)}`;
  const r = await kubeRequest('GET', path, { signal });
  if (!r.ok) return r.status;
  const items = (r.body as { items?: { metadata?: { name?: string } }[] }).items ?? [];
  return items.map((o) => o.metadata?.name ?? '').filter(Boolean);
}

/** `kubectl delete <type> <name...> | <type>/<name> | <type> -l <selector>` (not -f). */
export async function kubectlDelete(
  words: string[],
  namespace: string | undefined,
  signal: AbortSignal,
): Promise<ExecResponse> {
  const f = parseDeleteFlags(words);
  if (typeof f === 'string') return out('', f);
  if (f.operands.length === 0)
    return out('', 'error: You must provide one or more resources by argument or filename.\n');
  const t = targetsOf(f.operands);
  if (typeof t === 'string') return out('', t);
  const ns = namespace ?? contextNamespace();
  let names = t.names;
  if (f.selector !== undefined) {
    const found = await selected(t.type, ns, f.selector, signal);
    if (!Array.isArray(found)) return out('', serverError(found));
    if (found.length === 0) return out('No resources found\n');
    names = found;
  }
  if (names.length === 0)
    return out('', 'error: resource(s) were provided, but no name was specified\n');
  const query = f.query.size ? `?${f.query}` : '';
  let stdout = '';
  const errors: Status[] = [];
  for (const name of names) {
    const r = await kubeRequest('DELETE', apiPath(t.type, ns, name) + query, { signal });
    if (r.ok) stdout += `${qualified(t.type)} "${name}" deleted\n`;
    else if (!(f.ignoreNotFound && r.status.code === 404)) errors.push(r.status);
  }
  return out(stdout, errorText(errors));
}

/** `kubectl scale deployment/<name> --replicas=N` (or `deployment <name>`), the scale subresource. */
export async function kubectlScale(
  words: string[],
  namespace: string | undefined,
  signal: AbortSignal,
): Promise<ExecResponse> {
  const operands: string[] = [];
  let replicas: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--replicas=')) replicas = w.slice(11);
    else if (w === '--replicas') replicas = words[++i] ?? '';
    else if (w.startsWith('-')) return out('', `error: unknown flag: ${w.split('=')[0]}\n`);
    else operands.push(w);
  }
  if (replicas === undefined) return out('', 'error: required flag(s) "replicas" not set\n');
  const count = Number(replicas);
  if (!/^-?\d+$/.test(replicas))
    return out(
      '',
      `error: invalid argument "${replicas}" for "--replicas" flag: strconv.ParseInt: parsing "${replicas}": invalid syntax\n`,
    );
  if (count < 0)
    return out(
      '',
      'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n',
    );
  if (operands.length === 0)
    return out('', 'error: You must provide one or more resources by argument or filename.\n');
  const t = targetsOf(operands);
  if (typeof t === 'string') return out('', t);
  if (t.names.length === 0)
    return out('', 'error: resource(s) were provided, but no name was specified\n');
  let stdout = '';
  const errors: Status[] = [];
  for (const name of t.names) {
    const path = apiPath(t.type, namespace ?? contextNamespace(), name, 'scale');
    const r = await kubeRequest('PATCH', `${path}?fieldManager=kubectl-scale`, {
      body: { spec: { replicas: count } },
      contentType: 'application/merge-patch+json',
      signal,
    });
    if (r.ok) stdout += `${qualified(t.type)}/${name} scaled\n`;
    else errors.push(r.status);
  }
  return out(stdout, errorText(errors));
}

/** `kubectl create ns <name>` (`create namespace`): a POST of the Namespace. */
export async function kubectlCreateNamespace(
  words: string[],
  signal: AbortSignal,
): Promise<ExecResponse> {
  const [name, ...more] = words;
  if (!name || more.length > 0 || name.startsWith('-'))
    return out('', `error: exactly one NAME is required, got ${name ? words.length : 0}\n`);
  const ns = apiTypeNamed('namespaces')!;
  const r = await kubeRequest('POST', `${apiPath(ns, undefined)}?fieldManager=kubectl-create`, {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    signal,
  });
  return r.ok ? out(`namespace/${name} created\n`) : out('', commandError(r.status));
}

/** A flag's value: `--flag=v` or `--flag v`; the index of the next word. */
function flagValue(words: string[], i: number): [string | undefined, number] {
  const w = words[i]!;
  const eq = w.indexOf('=');
  return eq >= 0 ? [w.slice(eq + 1), i + 1] : [words[i + 1], i + 2];
}

/**
 * `kubectl create configmap NAME --from-literal=k=v --from-file=[k=]FILE`: FILE is one of the
 * console's files (an editor tab, a tutorial file). `--dry-run=client -o yaml` prints the object
 * without creating it, for `... | kubectl apply -f -`.
 */
export async function kubectlCreateConfigMap(
  words: string[],
  namespace: string | undefined,
  signal: AbortSignal,
): Promise<ExecResponse> {
  const names: string[] = [];
  const data: Record<string, string> = {};
  let dryRun = 'none';
  let output: string | undefined;
  const add = (key: string, value: string): string | undefined => {
    if (Object.hasOwn(data, key))
      return `error: cannot add key "${key}", another key by that name already exists in Data for ConfigMap "${names[0] ?? ''}"\n`;
    data[key] = value;
    return undefined;
  };
  for (let i = 0; i < words.length;) {
    const w = words[i]!;
    const flag = w.split('=')[0]!;
    if (!w.startsWith('-')) {
      names.push(w);
      i++;
      continue;
    }
    const [value, next] = flagValue(words, i);
    i = next;
    if (value === undefined)
      return out('', `error: flag needs an argument: --${flag.replace(/^-+/, '')}\n`);
    if (flag === '--from-literal') {
      const eq = value.indexOf('=');
      if (eq <= 0) return out('', `error: invalid literal source ${value}, expected key=value\n`);
      const err = add(value.slice(0, eq), value.slice(eq + 1));
      if (err) return out('', err);
    } else if (flag === '--from-file') {
      const eq = value.indexOf('=');
      const path = eq > 0 ? value.slice(eq + 1) : value;
      const file = await readManifestFile(path);
      if (!file) return out('', `error: error reading ${path}: no such file or directory\n`);
      const err = add(eq > 0 ? value.slice(0, eq) : file.name, file.text);
      if (err) return out('', err);
    } else if (flag === '--dry-run') {
      if (!['none', 'client', 'server'].includes(value))
        return out(
          '',
          `error: Invalid dry-run value (${value}). Must be "none", "server", or "client".\n`,
        );
      dryRun = value;
    } else if (flag === '-o' || flag === '--output') output = value;
    else return out('', `error: unknown flag: ${flag}\n`);
  }
  if (names.length !== 1)
    return out('', `error: exactly one NAME is required, got ${names.length}\n`);
  const name = names[0]!;
  if (output !== undefined && !['yaml', 'json', 'name'].includes(output))
    return out(
      '',
      `error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,yaml\n`,
    );
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
  const print = (o: unknown, created: string) =>
    output === 'name'
      ? `configmap/${name}\n`
      : output
        ? printObject(o, output as 'json' | 'yaml')
        : `configmap/${name} ${created}\n`;
  if (dryRun === 'client') {
    // kubectl's client-side object: no server fields, a null creationTimestamp.
    const shown = { ...object, metadata: { ...object.metadata, creationTimestamp: null } };
    return out(print(shown, 'created (dry run)'));
  }
  const type = apiTypeNamed('configmaps')!;
  const query = `?fieldManager=kubectl-create${dryRun === 'server' ? '&dryRun=All' : ''}`;
  const r = await kubeRequest('POST', `${apiPath(type, namespace ?? contextNamespace())}${query}`, {
    body: object,
    signal,
  });
  if (!r.ok) return out('', commandError(r.status));
  return out(print(r.body, dryRun === 'server' ? 'created (server dry run)' : 'created'));
}
