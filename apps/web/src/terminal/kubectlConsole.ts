import { checkManifests } from '@l4lab/manifests';
import type { ExecResponse } from '@l4lab/protocol';
import { deleteAny, getObject, kubectl } from '../api/actions.ts';
import { applyManifests, execInPod } from '../api/http.ts';
import { resourceName } from '../format/kube.ts';
import { appStore } from '../store/appStore.ts';
import { explain } from './explain.ts';
import { namespaceFlag, shellWords } from './shellWords.ts';
import type { RunCommand } from './createTerminal.ts';

// `kubectl` in the terminal, backed by l4lab's own API only (no binary of the host is ever run).

const HELP = `l4lab's kubectl console (served by this lab's API, not a kubectl binary):
  kubectl get <resource> [name] [-o wide] [-n ns | -A]      kubectl describe <resource> <name> [-n ns]
  kubectl apply -f <tab>         (an editor tab, e.g. -f 01-clusterip.yaml; -f . = the active tab)
  kubectl delete <resource> <name> [-n ns]   |   kubectl delete -f <tab>
  kubectl scale deployment/<name> --replicas=N [-n ns]
  kubectl explain <resource>[.field...]      (e.g. svc.spec.sessionAffinity)
  kubectl exec <pod> [-n ns] -- <command>    (l4lab's built-in tools: wget, curl, nslookup, nc)
`;

const PLURAL: Record<string, string> = {
  po: 'pods',
  pod: 'pods',
  pods: 'pods',
  svc: 'services',
  service: 'services',
  services: 'services',
  deploy: 'deployments',
  deployment: 'deployments',
  deployments: 'deployments',
  rs: 'replicasets',
  replicaset: 'replicasets',
  replicasets: 'replicasets',
  ns: 'namespaces',
  namespace: 'namespaces',
  namespaces: 'namespaces',
};

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
      const plural = PLURAL[o.kind.toLowerCase()];
      if (!plural) continue;
      const r = await deleteAny(
        plural,
        o.kind === 'Namespace' ? undefined : (o.metadata.namespace ?? 'default'),
        o.metadata.name,
      );
      if (r.ok) stdout += `${resourceName(o.kind)} "${o.metadata.name}" deleted\n`;
      else stderr += `Error from server (NotFound): ${r.message}\n`;
    }
    return out(stdout, stderr);
  }
  const [res = '', name] = words[0]?.includes('/') ? words[0].split('/') : words;
  const plural = PLURAL[res.toLowerCase()];
  if (!plural || !name) return out('', 'error: usage: kubectl delete <resource> <name> [-n ns]\n');
  const r = await deleteAny(plural, plural === 'namespaces' ? undefined : (ns ?? 'default'), name);
  return r.ok
    ? out(`${plural.replace(/s$/, '')} "${name}" deleted\n`)
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
    PLURAL[res.toLowerCase()] !== 'deployments' ||
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

async function exec(
  words: string[],
  ns: string | undefined,
  signal: AbortSignal,
): Promise<ExecResponse> {
  const dash = words.indexOf('--');
  const pod = words.filter((w) => w !== '-it' && w !== '-i' && w !== '-t')[0];
  if (dash < 0 || !pod || pod === '--')
    return out('', 'error: usage: kubectl exec <pod> [-n ns] -- <command>\n');
  const r = await execInPod(
    ns ?? 'default',
    pod.replace(/^pods?\//, ''),
    words.slice(dash + 1).join(' '),
    signal,
  );
  return r.ok ? r.value : out('', `Error from server (NotFound): ${r.message}\n`);
}

export const runKubectl: RunCommand = async (line, signal) => {
  try {
    const all = shellWords(line);
    if (all[0] === 'kubectl' || all[0] === 'k') all.shift();
    const { rest, namespace, all: allNs } = namespaceFlag(all);
    const [verb, ...args] = rest;
    const nsArgs = allNs ? ' -A' : namespace ? ` -n ${namespace}` : '';
    switch (verb) {
      case undefined:
      case 'help':
      case '--help':
        return { ok: true, value: out(HELP) };
      case 'get':
      case 'describe': {
        const r = await kubectl(`${verb} ${args.join(' ')}${nsArgs}`, signal);
        return r.ok ? { ok: true, value: { ...r.value, trace: [] } } : r;
      }
      case 'apply':
        return {
          ok: true,
          value:
            args[0] === '-f' ? await apply(args[1]) : out('', 'error: must specify -f <tab>\n'),
        };
      case 'delete':
        return { ok: true, value: await remove(args, namespace) };
      case 'scale':
        return { ok: true, value: await scale(args, namespace) };
      case 'explain':
        return {
          ok: true,
          value: args[0]
            ? { ...explain(args[0]), trace: [] }
            : out('', 'error: You must specify the type of resource to explain.\n'),
        };
      case 'exec':
        return { ok: true, value: await exec(args, namespace, signal) };
      default:
        return {
          ok: true,
          value: out(
            '',
            `error: unknown command "${verb}" for "kubectl" (this console knows get, describe, apply, delete, scale, explain, exec; type help)\n`,
          ),
        };
    }
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
};
