// `kubectl get` and `kubectl describe` over the cluster's objects: pure functions of the objects and
// the time, printing what kubectl prints (columns, spacing, AGE, messages).
import type { KubeEvent, KubeKind, KubeObject, ResourceType } from '@l4lab/protocol';
import {
  CLUSTER_SCOPED,
  qualifiedPlural,
  qualifiedSingular,
  resourceTypeOf,
} from '@l4lab/protocol';
import type { ObjectOf } from '../store.ts';
import { listEndpoints } from '../endpointsView.ts';
import {
  clusterRoleBindingPrinter,
  clusterRolePrinter,
  controllerRevisionPrinter,
  daemonSetPrinter,
  jobPrinter,
  podDisruptionBudgetPrinter,
  networkPolicyPrinter,
  statefulSetPrinter,
  secretPrinter,
  configMapPrinter,
  serviceAccountPrinter,
} from './accessPrinters.ts';
import { describeObject } from './describe.ts';
import {
  deploymentPrinter,
  endpointSlicePrinter,
  endpointsPrinter,
  namespacePrinter,
  nodePrinter,
  podPrinter,
  replicaSetPrinter,
  servicePrinter,
  type PrintContext,
  type Printer,
} from './printers.ts';
import { GET_TABWRITER, tabwrite } from './tabwriter.ts';
import { matchesSelector, parseSelector } from './labelSelector.ts';

/** What kubectl reads: the objects of a kind (all namespaces when `namespace` is undefined). */
export interface KubectlSource {
  list<K extends KubeKind>(kind: K, namespace?: string): ObjectOf<K>[];
  /** What the components said about an object (describe's Events); none when absent. */
  events?(o: KubeObject): KubeEvent[];
  /**
   * Whether the user may list pods in every namespace (describe node's pod section); a student
   * may not, and kubectl then says `Pods: not authorized`. Absent: yes.
   */
  allPods?: boolean;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface Resource {
  /** The API resource name kubectl prints in messages (`pods`, `deployments.apps`, ...). */
  plural: string;
  kind: KubeKind;
  /** `kubectl get all` prefixes names with this (`pod/`, `deployment.apps/`). */
  prefix: string;
  printer: Printer;
  /** Endpoints: those users wrote, and the others seen through Services' slices. */
  endpoints?: boolean;
}

/** A printer of the objects of a kind (the kind checks the printer at compile time). */
const printing = <K extends KubeKind>(kind: K, printer: Printer<ObjectOf<K>>) => ({
  kind,
  printer: printer as unknown as Printer,
});

/** The printer of each type, by the kind protocol's table names. */
const PRINTERS: Record<ResourceType['kind'], { kind: KubeKind; printer: Printer }> = {
  Pod: printing('Pod', podPrinter),
  Service: printing('Service', servicePrinter),
  Endpoints: printing('Endpoints', endpointsPrinter),
  EndpointSlice: printing('EndpointSlice', endpointSlicePrinter),
  Deployment: printing('Deployment', deploymentPrinter),
  ReplicaSet: printing('ReplicaSet', replicaSetPrinter),
  Node: printing('Node', nodePrinter),
  Namespace: printing('Namespace', namespacePrinter),
  DaemonSet: printing('DaemonSet', daemonSetPrinter),
  StatefulSet: printing('StatefulSet', statefulSetPrinter),
  PodDisruptionBudget: printing('PodDisruptionBudget', podDisruptionBudgetPrinter),
  NetworkPolicy: printing('NetworkPolicy', networkPolicyPrinter),
  ControllerRevision: printing('ControllerRevision', controllerRevisionPrinter),
  Job: printing('Job', jobPrinter),
  ServiceAccount: printing('ServiceAccount', serviceAccountPrinter),
  Secret: printing('Secret', secretPrinter),
  ConfigMap: printing('ConfigMap', configMapPrinter),
  ClusterRole: printing('ClusterRole', clusterRolePrinter),
  ClusterRoleBinding: printing('ClusterRoleBinding', clusterRoleBindingPrinter),
};

/** The printer of a resource type and the kind whose objects it prints. */
export function printerOfType(t: ResourceType): { kind: KubeKind; printer: Printer } {
  return PRINTERS[t.kind];
}

/** The type the user typed (`po`, `svc`, `deployments.apps`), with its printer; undefined if none. */
function resourceOf(name: string): Resource | undefined {
  const t = resourceTypeOf(name);
  if (!t) return undefined;
  return {
    plural: qualifiedPlural(t),
    prefix: qualifiedSingular(t),
    ...PRINTERS[t.kind],
    endpoints: t.kind === 'Endpoints',
  };
}

/** `kubectl get all`: the kinds it lists, in its order. */
const ALL = ['pods', 'services', 'deployments', 'replicasets'];

interface Flags {
  namespace: string;
  allNamespaces: boolean;
  wide: boolean;
  selector?: string;
  positional: string[];
}

const fail = (stderr: string): KubectlResult => ({ stdout: '', stderr, exitCode: 1 });

function parseFlags(args: string[]): Flags | string {
  const f: Flags = { namespace: 'default', allNamespaces: false, wide: false, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string) => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new Error(`error: flag needs an argument: ${name}`);
      return v;
    };
    if (a === '-A' || a === '--all-namespaces') f.allNamespaces = true;
    else if (a === '-n' || a.startsWith('--namespace')) f.namespace = value(a);
    else if (a.startsWith('-n') && a.length > 2) f.namespace = a.slice(2);
    else if (a === '-o' || a.startsWith('--output')) {
      const o = value(a);
      if (o !== 'wide')
        return `error: unable to match a printer suitable for the output format "${o}", allowed formats are: wide`;
      f.wide = true;
    } else if (a === '-owide' || a === '-o=wide') f.wide = true;
    else if (a === '-l' || a.startsWith('--selector')) f.selector = value(a);
    else if (a.startsWith('-l') && a.length > 2) f.selector = a.slice(2);
    else if (a.startsWith('-'))
      return `error: unknown shorthand flag: '${a.replace(/^-+/, '')}' in ${a}`;
    else f.positional.push(a);
  }
  return f;
}

/** Runs `kubectl <args>` (get, describe) against the objects at time `now`. */
export function runKubectl(source: KubectlSource, args: string[], now: number): KubectlResult {
  const [verb, ...rest] = args;
  let flags: Flags | string;
  try {
    flags = parseFlags(rest);
  } catch (e) {
    return fail(`${(e as Error).message}\n`);
  }
  if (typeof flags === 'string') return fail(`${flags}\n`);
  if (verb === 'get') return get(source, flags, now);
  if (verb === 'describe') return describe(source, flags, now);
  if (verb === undefined) return fail('error: a command is required: get or describe\n');
  return fail(`error: unknown command "${verb}" for "kubectl" (l4lab runs get and describe)\n`);
}

function objectsOf(source: KubectlSource, res: Resource, f: Flags): KubeObject[] {
  const scoped = CLUSTER_SCOPED.has(res.kind);
  const namespace = scoped || f.allNamespaces ? undefined : f.namespace;
  let items: KubeObject[] = res.endpoints
    ? listEndpoints(source, namespace)
    : source.list(res.kind, namespace);
  if (f.selector !== undefined) {
    const sel = parseSelector(f.selector);
    items = items.filter((o) => matchesSelector(sel, o.metadata.labels ?? {}));
  }
  return items;
}

function notFoundMessage(f: Flags, scoped: boolean): string {
  if (scoped || f.allNamespaces) return 'No resources found\n';
  return `No resources found in ${f.namespace} namespace.\n`;
}

function get(source: KubectlSource, f: Flags, now: number): KubectlResult {
  const [type, ...names] = f.positional;
  if (!type) return fail('error: you must specify the type of resource to get.\n');
  const ctx: PrintContext = { now };
  const kinds = type === 'all' ? ALL : type.split(',');
  const resources: Resource[] = [];
  for (const k of kinds) {
    const res = resourceOf(k);
    if (!res) return fail(`error: the server doesn't have a resource type "${k}"\n`);
    resources.push(res);
  }
  const prefixed = resources.length > 1 || type === 'all';
  const tables: string[] = [];
  let stderr = '';
  for (const res of resources) {
    let items = objectsOf(source, res, f);
    if (names.length > 0) {
      const found: KubeObject[] = [];
      for (const n of names) {
        const o = items.find((x) => x.metadata.name === n);
        if (o) found.push(o);
        else stderr += `Error from server (NotFound): ${res.plural} "${n}" not found\n`;
      }
      items = found;
    }
    if (items.length > 0) tables.push(table(res, items, f, ctx, prefixed));
  }
  if (names.length === 0 && tables.length === 0) {
    const scoped = resources.every((x) => CLUSTER_SCOPED.has(x.kind));
    return { stdout: '', stderr: notFoundMessage(f, scoped), exitCode: 0 };
  }
  return { stdout: tables.join('\n'), stderr, exitCode: stderr ? 1 : 0 };
}

function table(res: Resource, items: KubeObject[], f: Flags, c: PrintContext, prefixed: boolean) {
  const p = res.printer;
  const showNs = f.allNamespaces && !CLUSTER_SCOPED.has(res.kind);
  const header = [...(showNs ? ['NAMESPACE'] : []), ...p.headers, ...(f.wide ? p.wide : [])];
  const lines = [header.join('\t')];
  for (const o of items) {
    const row = p.row(o, c);
    if (prefixed) row[0] = `${res.prefix}/${row[0]}`;
    const cells = [
      ...(showNs ? [o.metadata.namespace ?? ''] : []),
      ...row,
      ...(f.wide ? p.wideRow(o, c) : []),
    ];
    lines.push(cells.join('\t'));
  }
  return tabwrite(`${lines.join('\n')}\n`, GET_TABWRITER);
}

function describe(source: KubectlSource, f: Flags, now: number): KubectlResult {
  const [type, ...names] = f.positional;
  if (!type)
    return fail(
      'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n',
    );
  const res = resourceOf(type);
  if (!res || res.endpoints)
    return fail(`error: the server doesn't have a resource type "${type}"\n`);
  const items = objectsOf(source, res, f);
  const chosen = names.length === 0 ? items : items.filter((o) => names.includes(o.metadata.name));
  let stderr = '';
  for (const n of names) {
    if (!chosen.some((o) => o.metadata.name === n)) {
      stderr += `Error from server (NotFound): ${res.plural} "${n}" not found\n`;
    }
  }
  if (names.length === 0 && chosen.length === 0) {
    return { stdout: '', stderr: notFoundMessage(f, CLUSTER_SCOPED.has(res.kind)), exitCode: 0 };
  }
  const stdout = chosen.map((o) => describeObject(o, source, now)).join('\n\n');
  return { stdout, stderr, exitCode: stderr ? 1 : 0 };
}
