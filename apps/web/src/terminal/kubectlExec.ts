import { contextNamespace } from './contextNamespace.ts';
import { type ExecResponse, type Pod, podContainer } from '@l4lab/protocol';
import { execInPod } from '../api/http.ts';
import { shellTarget } from './shellTarget.ts';
import { appStore } from '../store/appStore.ts';
import { selectPods } from '../store/selectors.ts';
import { namespaceFlag, shellQuote } from './shellWords.ts';

// `kubectl exec [-it] <pod> [-n ns] [-c container] -- <command...>` in the console.

export interface ExecArgs {
  pod: string;
  namespace: string | undefined;
  /** `-c`: the container it runs in; the pod's first without it. */
  container?: string;
  /** The container's argv, as kubectl passes it (one word per argument, quotes already removed). */
  command: string[];
  interactive: boolean;
}

const USAGE = 'error: usage: kubectl exec [-it] <pod> [-n ns] -- <command>\n';
const SHELLS = new Set(['sh', '/bin/sh', 'ash', '/bin/ash']);

/** kubectl's flags before `--`, the pod, and the command after it. */
export function parseExecArgs(words: string[]): ExecArgs | { error: string } {
  const dash = words.indexOf('--');
  const before = dash < 0 ? words : words.slice(0, dash);
  const { rest, namespace } = namespaceFlag(before);
  let interactive = false;
  let container: string | undefined;
  const operands: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (/^-[it]+$/.test(w)) interactive ||= w.includes('i');
    else if (w === '--stdin' || w === '-i=true') interactive = true;
    else if (w === '-c' || w === '--container') {
      container = rest[++i];
      // pflag's words: a shorthand names its letter, a long flag itself.
      if (container === undefined)
        return {
          error: `error: flag needs an argument: ${w === '-c' ? "'c' in -c" : '--container'}\n`,
        };
    } else if (/^(-c=?|--container=)/.test(w))
      // `--container=` (empty): the default container, as kubectl takes it.
      container = w.replace(/^(-c=?|--container=)/, '') || undefined;
    else if (w === '--tty' || w === '-q' || w === '--quiet') continue;
    else if (w.startsWith('-')) return { error: `error: unknown shorthand flag: '${w}'\n` };
    else operands.push(w);
  }
  const pod = operands[0]?.replace(/^pods?\//, '');
  if (!pod) return { error: USAGE };
  if (dash < 0 || operands.length > 1) {
    return {
      error:
        'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n',
    };
  }
  const command = words.slice(dash + 1);
  if (command.length === 0)
    return { error: 'error: you must specify at least one command for the container\n' };
  return { pod, namespace, command, interactive, ...(container ? { container } : {}) };
}

/** `deploy/my-nginx`: the Deployment's first running pod, as kubectl picks one. */
function podOf(target: string, namespace: string): string | undefined {
  const m = /^(deploy|deployment|deployments|rs|replicaset|replicasets)(?:\.apps)?\/(.+)$/.exec(
    target,
  );
  if (!m) return target;
  const running = (p: Pod) =>
    (p.metadata.namespace ?? 'default') === namespace &&
    !!p.status?.podIP &&
    !p.metadata.deletionTimestamp &&
    p.metadata.name.startsWith(`${m[2]}-`);
  return selectPods(appStore.getState()).find(running)?.metadata.name;
}

const out = (stdout: string, stderr = '', exitCode = stderr ? 1 : 0): ExecResponse => ({
  stdout,
  stderr,
  exitCode,
  trace: [],
});

/**
 * Runs the command in the pod. `kubectl exec -it <pod> -- sh` opens that pod's shell in the
 * terminal, as the real one starts an interactive shell.
 */
export async function kubectlExec(
  words: string[],
  defaultNamespace: string | undefined,
  signal: AbortSignal,
): Promise<ExecResponse> {
  const a = parseExecArgs(words);
  if ('error' in a) return out('', a.error);
  const ns = a.namespace ?? defaultNamespace ?? contextNamespace();
  const pod = podOf(a.pod, ns);
  if (!pod) return out('', `Error from server (NotFound): ${a.pod} has no running pod\n`);
  const known = selectPods(appStore.getState()).find(
    (p) => (p.metadata.namespace ?? 'default') === ns && p.metadata.name === pod,
  );
  if (a.container && known && !podContainer(known, a.container))
    return out(
      '',
      `Error from server (BadRequest): container ${a.container} is not valid for pod ${pod}\n`,
    );
  if (a.command.length === 1 && SHELLS.has(a.command[0]!)) {
    if (!a.interactive) return out(''); // no stdin: the shell reads nothing and exits
    appStore.getState().openTerminal(shellTarget(ns, pod, a.container));
    return out('');
  }
  const r = await execInPod(ns, pod, a.command.map(shellQuote).join(' '), signal, a.container);
  if (r.ok) return r.value;
  // The kubelet's own refusal (`error: unable to upgrade connection: ...`) as kubectl prints it;
  // the API server's in its Status words.
  if (r.message.startsWith('error: ')) return out('', `${r.message}\n`);
  const reason = r.status === 400 ? 'BadRequest' : r.status === 403 ? 'Forbidden' : 'NotFound';
  return out('', `Error from server (${reason}): ${r.message}\n`);
}
