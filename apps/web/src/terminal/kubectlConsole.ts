import { checkManifests } from '@l4lab/manifests';
import {
  CLUSTER_SCOPED,
  RESOURCES,
  qualifiedSingular,
  resourceTypeOf,
  resourceTypeOfKind,
  type ExecResponse,
  type ResourceType,
} from '@l4lab/protocol';
import { deleteAny, getObject, kubectl } from '../api/actions.ts';
import { applyManifests } from '../api/http.ts';
import { resourceName } from '../format/kube.ts';
import { appStore } from '../store/appStore.ts';
import { explain } from './explain.ts';
import { kubectlExec } from './kubectlExec.ts';
import { ShellSyntaxError, namespaceFlag, parseCommandList } from './shellWords.ts';
import { TEXT_TOOLS } from './textTools.ts';
import type { RunCommand } from './createTerminal.ts';

// `kubectl` in the terminal, backed by l4lab's own API only (no binary of the host is ever run).
// The console stands for the user's machine: kubectl runs here, wget and nslookup run in pods.

/** The console's prompt: the user types `kubectl get pods` (or `get pods`) after it. */
export const CONSOLE_PROMPT = '$ ';

const HELP = `l4lab's kubectl console (served by this lab's API, not a kubectl binary):
  kubectl get <resource> [name] [-o wide] [-n ns | -A]      kubectl describe <resource> <name> [-n ns]
  kubectl apply -f <tab>         (an editor tab, e.g. -f 01-clusterip.yaml; -f . = the active tab)
  kubectl delete <resource> <name> [-n ns]   |   kubectl delete -f <tab>
  kubectl scale deployment/<name> --replicas=N [-n ns]
  kubectl explain <resource>[.field...]      (e.g. svc.spec.sessionAffinity)
  kubectl exec <pod> [-n ns] -- <command>    (l4lab's built-in tools: wget, curl, nslookup, nc)
  kubectl exec -it <pod> -- sh               (that pod's shell in this terminal; exit comes back)
Output can be piped into grep, head, tail and wc; commands joined with ;, && and ||.
`;

/** Tools that live in the pods' images, not on the machine kubectl runs from. */
const POD_TOOLS = new Set([
  'wget',
  'curl',
  'nslookup',
  'nc',
  'ping',
  'dig',
  'host',
  'telnet',
  'printenv',
  'env',
  'hostname',
]);

/** The type `kubectl delete` and `scale` mean, when l4lab's /api/objects serves it. */
function servedType(name: string): ResourceType | undefined {
  const t = resourceTypeOf(name);
  return t && Object.hasOwn(RESOURCES, t.plural) ? t : undefined;
}

const clusterScoped: ReadonlySet<string> = CLUSTER_SCOPED;

/** Where an object of this type lives: cluster-scoped kinds have no namespace. */
const namespaceFor = (t: ResourceType, ns: string | undefined) =>
  clusterScoped.has(t.kind) ? undefined : (ns ?? 'default');

const out = (stdout: string, stderr = '', exitCode = stderr ? 1 : 0): ExecResponse => ({
  stdout,
  stderr,
  exitCode,
  trace: [],
});

function tabText(name: string | undefined): string | undefined {
  const { tabs, buffer } = appStore.getState();
  if (name === undefined || name === '.' || name === '-') return buffer;
  return tabs.find((t) => t.title === name || t.title === `${name}.yaml`)?.text;
}

async function apply(file: string | undefined): Promise<ExecResponse> {
  const text = tabText(file);
  if (text === undefined)
    return out(
      '',
      `error: the path "${file}" does not exist (open editor tabs: ${appStore
        .getState()
        .tabs.map((t) => t.title)
        .join(', ')})\n`,
    );
  const r = await applyManifests(text);
  if (r.ok)
    return out(r.results.map((x) => `${resourceName(x.kind)}/${x.name} ${x.action}\n`).join(''));
  return out(
    '',
    `${r.errors.map((e) => `error: line ${e.line}: ${e.message}`).join('\n') || r.message}\n`,
  );
}

async function remove(words: string[], ns: string | undefined): Promise<ExecResponse> {
  if (words[0] === '-f') {
    const text = tabText(words[1]);
    if (text === undefined) return out('', `error: the path "${words[1]}" does not exist\n`);
    const checked = checkManifests(text);
    let stdout = '';
    let stderr = '';
    for (const { object: o } of [...checked.objects].reverse()) {
      const t = resourceTypeOfKind(o.kind);
      if (!t || !servedType(t.plural)) continue;
      const r = await deleteAny(t.plural, namespaceFor(t, o.metadata.namespace), o.metadata.name);
      if (r.ok) stdout += `${qualifiedSingular(t)} "${o.metadata.name}" deleted\n`;
      else stderr += `Error from server (NotFound): ${r.message}\n`;
    }
    return out(stdout, stderr);
  }
  const [res = '', name] = words[0]?.includes('/') ? words[0].split('/') : words;
  const t = servedType(res);
  if (!t || !name) return out('', 'error: usage: kubectl delete <resource> <name> [-n ns]\n');
  const r = await deleteAny(t.plural, namespaceFor(t, ns), name);
  return r.ok
    ? out(`${qualifiedSingular(t)} "${name}" deleted\n`)
    : out('', `Error from server (NotFound): ${r.message}\n`);
}

async function scale(words: string[], ns: string | undefined): Promise<ExecResponse> {
  const target: string[] = [];
  let replicas = Number.NaN;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--replicas=')) replicas = Number(w.slice(11));
    else if (w === '--replicas') replicas = Number(words[++i]);
    else target.push(w);
  }
  const [res = '', name] = target[0]?.includes('/') ? target[0].split('/') : target;
  if (
    resourceTypeOf(res)?.kind !== 'Deployment' ||
    !name ||
    !Number.isInteger(replicas) ||
    replicas < 0
  ) {
    return out('', 'error: usage: kubectl scale deployment/<name> --replicas=N [-n ns]\n');
  }
  const got = await getObject('deployments', ns ?? 'default', name);
  if (!got.ok)
    return out('', `Error from server (NotFound): deployments.apps "${name}" not found\n`);
  const d = got.value as {
    metadata: { name: string; namespace?: string; labels?: object; annotations?: object };
    spec: object;
  };
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      ...(d.metadata.labels ? { labels: d.metadata.labels } : {}),
      ...(d.metadata.annotations ? { annotations: d.metadata.annotations } : {}),
    },
    spec: { ...d.spec, replicas },
  };
  const r = await applyManifests(JSON.stringify(manifest));
  return r.ok
    ? out(`deployment.apps/${name} scaled\n`)
    : out('', `error: ${r.ok ? '' : r.message}\n`);
}

/** One `kubectl ...`: its words without the leading `kubectl`. */
async function kubectlCommand(words: string[], signal: AbortSignal): Promise<ExecResponse> {
  // `exec pod -- head -n 1` keeps its own `-n`: flags are read before `--` only.
  const dash = words.indexOf('--');
  const { rest, namespace, all } = namespaceFlag(dash < 0 ? words : words.slice(0, dash));
  const [verb, ...args] = rest;
  const nsArgs = all ? ' -A' : namespace ? ` -n ${namespace}` : '';
  switch (verb) {
    case undefined:
    case 'help':
    case '--help':
      return out(HELP);
    case 'get':
    case 'describe': {
      const r = await kubectl(`${verb} ${args.join(' ')}${nsArgs}`, signal);
      return r.ok ? { ...r.value, trace: [] } : out('', `error: ${r.message}\n`);
    }
    case 'apply':
      return args[0] === '-f' ? apply(args[1]) : out('', 'error: must specify -f <tab>\n');
    case 'delete':
      return remove(args, namespace);
    case 'scale':
      return scale(args, namespace);
    case 'explain':
      return args[0]
        ? { ...explain(args[0]), trace: [] }
        : out('', 'error: You must specify the type of resource to explain.\n');
    case 'exec':
      return kubectlExec(dash < 0 ? args : [...args, ...words.slice(dash)], namespace, signal);
    default:
      return out(
        '',
        `error: unknown command "${verb}" for "kubectl" (this console knows get, describe, apply, delete, scale, explain, exec; type help)\n`,
      );
  }
}

/** One command of a pipeline: kubectl (with or without the word), or a text filter. */
async function runCommand(argv: string[], stdin: string, signal: AbortSignal) {
  const [name = '', ...args] = argv;
  const tool = Object.hasOwn(TEXT_TOOLS, name) ? TEXT_TOOLS[name] : undefined;
  if (tool) return { ...tool(args, stdin), trace: [] };
  if (name === 'kubectl' || name === 'k') return kubectlCommand(args, signal);
  if (POD_TOOLS.has(name)) {
    return out(
      '',
      `sh: ${name}: not found (${name} runs inside a pod: choose a pod in the terminal, or kubectl exec <pod> -- ${name} ...)\n`,
      127,
    );
  }
  return kubectlCommand(argv, signal); // `get pods` is `kubectl get pods`
}

/**
 * The console: a command line of kubectl commands, piped into grep / head / tail / wc and joined
 * with `;`, `&&` and `||`, read with a shell's quoting.
 */
export const runKubectl: RunCommand = async (line, signal) => {
  try {
    const items = parseCommandList(line);
    const result: ExecResponse = { stdout: '', stderr: '', exitCode: 0, trace: [] };
    for (const { op, pipeline } of items) {
      if (signal.aborted) break;
      if ((op === '&&' && result.exitCode !== 0) || (op === '||' && result.exitCode === 0))
        continue;
      let stdin = '';
      for (const [i, argv] of pipeline.entries()) {
        const r = await runCommand(argv, stdin, signal);
        result.stderr += r.stderr;
        result.trace.push(...r.trace);
        result.exitCode = r.exitCode;
        if (i === pipeline.length - 1) result.stdout += r.stdout;
        else stdin = r.stdout;
      }
    }
    return { ok: true, value: result };
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { ok: true, value: out('', `sh: ${e.message}\n`, 2) };
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
};
