import { contextNamespace } from './contextNamespace.ts';
import { execOutputInOrder, type ExecResponse } from '@l4lab/protocol';
import { kubectl } from '../api/actions.ts';
import { explain } from './explain.ts';
import { kubectlFiles } from './kubectlApply.ts';
import { kubectlExec } from './kubectlExec.ts';
import { kubectlGet } from './kubectlGet.ts';
import {
  kubectlCreateConfigMap,
  kubectlCreateNamespace,
  kubectlDelete,
  kubectlScale,
} from './kubectlWrites.ts';
import { ShellSyntaxError, namespaceFlag, parseCommandList } from './shellWords.ts';
import { TEXT_TOOLS } from './textTools.ts';
import type { RunCommand } from './createTerminal.ts';

// `kubectl` in the terminal (no binary of the host is ever run): a client of the lab's Kubernetes
// API, the one the real kubectl drives, so both print the same (get's Tables, apply's created /
// configured / unchanged, the API's errors). describe prints on the server (the shared describe
// printer behind /api/kubectl), as the real kubectl describes on its side. The console stands for
// the user's machine: kubectl runs here, wget and nslookup run in pods; its files are the editor's
// tabs and the tutorial's files.

/** The console's prompt: the user types `kubectl get pods` (or `get pods`) after it. */
export const CONSOLE_PROMPT = '$ ';

const HELP = `l4lab's kubectl console: a client of this lab's Kubernetes API (the one the real kubectl uses).
  kubectl get <type> [name...] [-o wide|yaml|json|name] [-l selector] [--show-labels] [-n ns | -A]
  kubectl get --raw <path>      the API's answer as it is, e.g. the pod behind a Service through
                               the API server's proxy: /api/v1/namespaces/default/services/my-nginx/proxy/
  kubectl describe <type> <name> [-n ns]
  kubectl apply -f <file>      files: the editor's tabs (-f . is the active tab) and the
                               tutorial's pod_test.yaml, service_test.yaml, pod_nodeport.yaml,
                               service_nodeport.yaml, client.yaml, client_svc.yaml,
                               server_nginx.yaml, nginx_svc.yaml (opened as tabs when applied)
  kubectl create -f <file>  |  kubectl create ns <name>
  kubectl create cm <name> --from-literal=k=v --from-file=[k=]<file> [--dry-run=client -o yaml]
  ... | kubectl apply -f -      (what the pipe gives; -f - alone is the active tab)
  kubectl delete <type> <name> [-n ns]  |  kubectl delete <type> -l <selector>  |  kubectl delete -f <file>
  kubectl scale deployment/<name> --replicas=N [-n ns]
  kubectl explain <type>[.field...]          (e.g. svc.spec.sessionAffinity)
  kubectl exec <pod> [-n ns] -- <command>    (l4lab's built-in tools: wget, curl, nslookup, nc)
  kubectl exec -it <pod> -- sh               (that pod's shell in this terminal; exit comes back)
Types: pods (po), services (svc), deployments (deploy), replicasets (rs), endpoints (ep),
endpointslices, configmaps (cm), namespaces (ns), nodes (no), events (ev).
Output can be piped into grep, head, tail and wc; commands joined with ;, && and ||.
Everything else (logs, edit, label, rollout, get -w, apply --server-side, ...): the real kubectl
with the lab's kubeconfig (export KUBECONFIG=<workspace>/kubeconfig, as npm start prints).
`;

/** kubectl's commands the console does not run: the real kubectl does, against the same API. */
const REAL_KUBECTL_ONLY = new Set([
  'logs',
  'edit',
  'label',
  'annotate',
  'patch',
  'replace',
  'rollout',
  'set',
  'expose',
  'run',
  'port-forward',
  'proxy',
  'attach',
  'cp',
  'top',
  'auth',
  'config',
  'cluster-info',
  'api-resources',
  'api-versions',
  'version',
  'wait',
  'diff',
  'autoscale',
  'cordon',
  'uncordon',
  'drain',
  'taint',
  'debug',
  'events',
]);

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

const out = (stdout: string, stderr = '', exitCode = stderr ? 1 : 0): ExecResponse => ({
  stdout,
  stderr,
  exitCode,
  trace: [],
});

/** `kubectl create`: a namespace or a ConfigMap by name, or the objects of files. */
function create(args: string[], namespace: string | undefined, signal: AbortSignal) {
  const [what, ...rest] = args;
  if (what === 'ns' || what === 'namespace') return kubectlCreateNamespace(rest, signal);
  if (what === 'cm' || what === 'configmap') return kubectlCreateConfigMap(rest, namespace, signal);
  if (what?.startsWith('-')) return kubectlFiles('create', args, namespace, signal);
  return Promise.resolve(
    out(
      '',
      `error: the console creates namespaces (kubectl create ns <name>), ConfigMaps (kubectl create cm <name> --from-literal=k=v) and the objects of files (-f); run "kubectl create ${what ?? ''}" with the real kubectl and the lab's kubeconfig\n`,
    ),
  );
}

async function describe(args: string[], nsArgs: string, signal: AbortSignal) {
  const r = await kubectl(`describe ${args.join(' ')}${nsArgs}`, signal);
  return r.ok ? { ...r.value, trace: [] } : out('', `error: ${r.message}\n`);
}

function unknownVerb(verb: string): ExecResponse {
  if (REAL_KUBECTL_ONLY.has(verb)) {
    return out(
      '',
      `error: the console does not run "kubectl ${verb}": run it with the real kubectl and the lab's kubeconfig (type help)\n`,
    );
  }
  return out('', `error: unknown command "${verb}" for "kubectl"\nRun 'kubectl help' for usage.\n`);
}

/** One `kubectl ...`: its words without the leading `kubectl`. */
async function kubectlCommand(
  words: string[],
  signal: AbortSignal,
  piped?: string,
): Promise<ExecResponse> {
  // `exec pod -- head -n 1` keeps its own `-n`: flags are read before `--` only.
  const dash = words.indexOf('--');
  const { rest, namespace, all } = namespaceFlag(dash < 0 ? words : words.slice(0, dash));
  const [verb, ...args] = rest;
  // Without -n, the context's namespace (a workshop student's own), as kubectl with its kubeconfig.
  const nsArgs = all ? ' -A' : ` -n ${namespace ?? contextNamespace()}`;
  switch (verb) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return out(HELP);
    case 'get':
      return kubectlGet(args, { namespace: namespace ?? contextNamespace(), all, signal });
    case 'describe':
      return describe(args, nsArgs, signal);
    case 'apply':
      return kubectlFiles('apply', args, namespace, signal, piped);
    case 'create':
      return create(args, namespace, signal);
    case 'delete':
      return args.some((a) => a === '-f' || a.startsWith('--filename') || /^-f./.test(a))
        ? kubectlFiles('delete', args, namespace, signal)
        : kubectlDelete(args, namespace, signal);
    case 'scale':
      return kubectlScale(args, namespace, signal);
    case 'explain':
      return args[0]
        ? { ...explain(args[0]), trace: [] }
        : out('', 'error: You must specify the type of resource to explain.\n');
    case 'exec':
      return kubectlExec(dash < 0 ? args : [...args, ...words.slice(dash)], namespace, signal);
    default:
      return unknownVerb(verb);
  }
}

/** One command of a pipeline: kubectl (with or without the word), or a text filter. */
async function runCommand(argv: string[], stdin: string | undefined, signal: AbortSignal) {
  const [name = '', ...args] = argv;
  const piped = stdin;
  const tool = Object.hasOwn(TEXT_TOOLS, name) ? TEXT_TOOLS[name] : undefined;
  if (tool) return { ...tool(args, stdin ?? ''), trace: [] };
  if (name === 'kubectl' || name === 'k') return kubectlCommand(args, signal, piped);
  if (POD_TOOLS.has(name)) {
    return out(
      '',
      `sh: ${name}: not found (${name} runs inside a pod: choose a pod in the terminal, or kubectl exec <pod> -- ${name} ...)\n`,
      127,
    );
  }
  return kubectlCommand(argv, signal, piped); // `get pods` is `kubectl get pods`
}

/**
 * The console: a command line of kubectl commands, piped into grep / head / tail / wc and joined
 * with `;`, `&&` and `||`, read with a shell's quoting.
 */
export const runKubectl: RunCommand = async (line, signal) => {
  try {
    const items = parseCommandList(line);
    const segments: [1 | 2, number][] = [];
    const result: ExecResponse = { stdout: '', stderr: '', exitCode: 0, trace: [], segments };
    // The terminal shows what each command wrote when it wrote it: `get pods; get nope; get svc`
    // prints the error between the two tables, and a pipe's first command's error before its end.
    const write = (fd: 1 | 2, text: string) => {
      if (!text) return;
      if (fd === 1) result.stdout += text;
      else result.stderr += text;
      segments.push([fd, text.length]);
    };
    for (const { op, pipeline } of items) {
      if (signal.aborted) break;
      if ((op === '&&' && result.exitCode !== 0) || (op === '||' && result.exitCode === 0))
        continue;
      // Nothing for the first command of a pipeline: its `-f -` is the editor's active tab.
      let stdin: string | undefined;
      for (const [i, argv] of pipeline.entries()) {
        const r = await runCommand(argv, stdin, signal);
        result.trace.push(...r.trace);
        result.exitCode = r.exitCode;
        if (i < pipeline.length - 1) {
          write(2, r.stderr);
          stdin = r.stdout;
        } else for (const [fd, text] of execOutputInOrder(r)) write(fd, text);
      }
    }
    return { ok: true, value: result };
  } catch (e) {
    if (e instanceof ShellSyntaxError) return { ok: true, value: out('', `sh: ${e.message}\n`, 2) };
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
};
