// `l4lab agent install|uninstall`: puts the agent (packages/agent/manifests/agent.yaml) on a real
// cluster, or takes it off, with the kubeconfig's credentials, as kubectl would.
// install: the Namespace (server-side apply), then the Secret `l4lab-agent-token` (key `token`:
// 32 random bytes, base64) unless it exists (an existing token is never replaced silently:
// --rotate-token does it), then a server-side apply of every object of agent.yaml (field manager
// `l4lab`, force=false, fieldValidation=Strict), each printed as kubectl prints it, then what to
// do next. uninstall: deletes the DaemonSet, the ClusterRoleBinding, the ClusterRole, the
// ServiceAccount, the Secret and the Namespace; those already gone are named once.
// A refusal is the API server's message, one line, exit 1.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_NAMESPACE } from '@l4lab/agent';
import { parseManifests } from '@l4lab/manifests';
import { AGENT_IMAGE } from './agentImage.ts';
import { AGENT_TOKEN_SECRET } from './remote/agents.ts';
import { type KubeApi, type KubeAnswer, failureMessage, statusOf } from './remote/kubeClient.ts';
import { RemoteStartError, loadKubeconfig, probeRemote } from './remote/remoteTarget.ts';
import { ResourceMapper, objectPath } from './remote/resourceMapper.ts';
import { FIELD_MANAGER } from './remote/serverSideApply.ts';

export const AGENT_MANIFESTS = resolve(
  import.meta.dirname,
  '../../../packages/agent/manifests/agent.yaml',
);

export const AGENT_USAGE = `Usage: l4lab agent install|uninstall [--kubeconfig PATH] [--context NAME]
                             [--rotate-token] [--image REF]

  install     creates the namespace ${AGENT_NAMESPACE} and the Secret ${AGENT_TOKEN_SECRET} (a random token;
              an existing one is kept), then server-side applies the agent's manifests (a DaemonSet
              running ${AGENT_IMAGE}, its ServiceAccount, ClusterRole and ClusterRoleBinding)
  uninstall   deletes them all, the Secret and the namespace too

  --kubeconfig PATH   the cluster's kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME      its context (default: its current-context)
  --rotate-token      install: replace the Secret's token with a new one
  --image REF         install: the DaemonSet runs REF (an image pushed to your registry) instead
                      of ${AGENT_IMAGE}

  The image is not pulled from anywhere: build it (npm run image:build -- --agent) and load it
  into the cluster's nodes yourself (kind load docker-image, minikube image load, or a registry).
`;

/** One object of agent.yaml, as the API serves it. */
interface AgentObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** `l4lab agent ...`: prints on out/err; returns the process exit code. */
export async function agentCommand(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'rotate-token': { type: 'boolean' },
        image: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`l4lab agent: ${(e as Error).message}\n\n${AGENT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(AGENT_USAGE);
    return 0;
  }
  const verb = positionals[0];
  if (positionals.length !== 1 || (verb !== 'install' && verb !== 'uninstall')) {
    err(
      `l4lab agent: ${verb ? `unknown command "${positionals.join(' ')}"` : 'install or uninstall?'}\n\n${AGENT_USAGE}`,
    );
    return 2;
  }
  for (const flag of ['rotate-token', 'image'] as const)
    if (values[flag] !== undefined && verb !== 'install') {
      err(`l4lab agent: --${flag} is for install`);
      return 2;
    }
  const path = kubeconfigPath(values.kubeconfig, env);
  if (typeof path !== 'string') {
    err(`l4lab agent ${verb}: ${path.error}`);
    return 1;
  }
  try {
    const target = loadKubeconfig(path, values.context);
    await probeRemote(target);
    out(`cluster: ${target.server} (context "${target.context}")`);
    const objects = agentObjects(values.image);
    const api = target.client;
    if (verb === 'install') await install(api, objects, Boolean(values['rotate-token']), out);
    else await uninstall(api, objects, out);
    return 0;
  } catch (e) {
    if (e instanceof RemoteStartError || e instanceof AgentCommandError) err(e.message);
    else err(`l4lab agent ${verb}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/** --kubeconfig, else $KUBECONFIG, else ~/.kube/config, as kubectl chooses. */
export function kubeconfigPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | { error: string } {
  const expand = (p: string) => resolve(p.replace(/^~(?=\/|$)/, homedir()));
  if (flag) return expand(flag);
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 1)
    return {
      error: `KUBECONFIG lists ${listed.length} files, which kubectl merges and l4lab does not: pass --kubeconfig PATH`,
    };
  return expand(listed[0] ?? `${env.HOME ?? homedir()}/.kube/config`);
}

/** A refusal by the API server, or a connection that failed, one line. */
class AgentCommandError extends Error {}

/** The objects of agent.yaml, in its order; `image` replaces the agent container's image. */
export function agentObjects(image?: string): AgentObject[] {
  const parsed = parseManifests(readFileSync(AGENT_MANIFESTS, 'utf8'));
  if (parsed.errors.length > 0) throw new Error(`${AGENT_MANIFESTS}: ${parsed.errors[0]!.message}`);
  const objects = parsed.documents.map((d) => d.value as AgentObject).filter((v) => v && v.kind);
  if (image) for (const o of objects) for (const c of containersOf(o)) c.image = image;
  return objects;
}

/** `daemonset.apps/l4lab-agent`, `namespace/l4lab-system`: kubectl's name of an object. */
export function kubectlName(o: { apiVersion: string; kind: string; metadata: { name: string } }) {
  const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
}

async function install(
  api: KubeApi,
  objects: AgentObject[],
  rotate: boolean,
  out: (line: string) => void,
): Promise<void> {
  const mapper = new ResourceMapper(api);
  const namespace = objects.find((o) => o.kind === 'Namespace');
  // The namespace first: the Secret and the namespaced objects cannot be created before it.
  if (namespace) await apply(api, mapper, namespace, out);
  await ensureToken(api, rotate, out);
  for (const o of objects) if (o !== namespace) await apply(api, mapper, o, out);
  out('');
  const watch = `watch: kubectl -n ${AGENT_NAMESPACE} get pods -o wide   (one Running pod per node)`;
  const running = containersOf(objects.find((o) => o.kind === 'DaemonSet'))[0]?.image;
  if (running && running !== AGENT_IMAGE) {
    out(`next: the DaemonSet runs ${running}: the nodes pull it (imagePullPolicy IfNotPresent)`);
    return out(watch);
  }
  out(`next: the nodes need the image ${AGENT_IMAGE}; nothing pulls it from a registry:`);
  out(`  build it here:   npm run image:build -- --agent   (l4lab image build --agent)`);
  out(`  kind:            kind load docker-image ${AGENT_IMAGE} [--name CLUSTER]`);
  out(`  minikube:        minikube image load ${AGENT_IMAGE}`);
  out(
    `  a registry:      docker tag ${AGENT_IMAGE} REGISTRY/l4lab/agent:0.1.0 && docker push REGISTRY/l4lab/agent:0.1.0,`,
  );
  out(`                   then l4lab agent install --image REGISTRY/l4lab/agent:0.1.0`);
  out(watch);
}

/** A DaemonSet's pod template's containers (none for other kinds). */
function containersOf(o: AgentObject | undefined): { image?: string }[] {
  const spec = (o as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } })
    ?.spec;
  return spec?.template?.spec?.containers ?? [];
}

/** A server-side apply of one object, printed as `kubectl apply --server-side` prints it. */
async function apply(
  api: KubeApi,
  mapper: ResourceMapper,
  o: AgentObject,
  out: (line: string) => void,
): Promise<void> {
  const mapping = await call(() => mapper.mappingFor(o.apiVersion, o.kind));
  if ('error' in mapping) throw new AgentCommandError(`error: ${mapping.error}`);
  const path = objectPath(mapping, o.metadata.namespace, o.metadata.name);
  const answer = await call(() =>
    api.request(
      'PATCH',
      `${path}?fieldManager=${FIELD_MANAGER}&force=false&fieldValidation=Strict`,
      { body: JSON.stringify(o), contentType: 'application/apply-patch+yaml' },
    ),
  );
  for (const w of answer.warnings) out(`Warning: ${w}`);
  if (answer.status !== 200 && answer.status !== 201) throw refused(answer, 'applying', o);
  out(`${kubectlName(o)} serverside-applied`);
}

/** The Secret with the agents' token: created when missing, replaced only with --rotate-token. */
async function ensureToken(
  api: KubeApi,
  rotate: boolean,
  out: (line: string) => void,
): Promise<void> {
  const secrets = `/api/v1/namespaces/${AGENT_NAMESPACE}/secrets`;
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: AGENT_TOKEN_SECRET,
      namespace: AGENT_NAMESPACE,
      labels: { 'app.kubernetes.io/name': 'l4lab-agent', 'app.kubernetes.io/part-of': 'l4lab' },
    },
    type: 'Opaque',
    data: { token: Buffer.from(randomBytes(32).toString('base64')).toString('base64') },
  };
  const name = `secret/${AGENT_TOKEN_SECRET}`;
  const created = await call(() =>
    api.request('POST', `${secrets}?fieldManager=${FIELD_MANAGER}`, {
      body: JSON.stringify(secret),
    }),
  );
  if (created.status === 201) return out(`${name} created`);
  if (created.status !== 409) throw refused(created, 'creating', secret);
  if (!rotate)
    return out(`${name} unchanged (it exists: its token is kept; --rotate-token replaces it)`);
  const path = `${secrets}/${AGENT_TOKEN_SECRET}`;
  const current = await call(() => api.request('GET', path));
  if (current.status !== 200) throw refused(current, 'reading', secret);
  const { resourceVersion } =
    (current.body as { metadata?: { resourceVersion?: string } }).metadata ?? {};
  const replaced = await call(() =>
    api.request('PUT', `${path}?fieldManager=${FIELD_MANAGER}`, {
      body: JSON.stringify({ ...secret, metadata: { ...secret.metadata, resourceVersion } }),
    }),
  );
  if (replaced.status !== 200) throw refused(replaced, 'replacing', secret);
  out(
    `${name} replaced (a new token: the l4lab server reads it at its next connection, the agents when the kubelet updates their mounted file)`,
  );
}

/** Deletes what install made, the namespace last; prints each as `kubectl delete` does. */
async function uninstall(
  api: KubeApi,
  objects: AgentObject[],
  out: (line: string) => void,
): Promise<void> {
  const mapper = new ResourceMapper(api);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: AGENT_TOKEN_SECRET, namespace: AGENT_NAMESPACE },
  };
  const order = ['DaemonSet', 'ClusterRoleBinding', 'ClusterRole', 'ServiceAccount', 'Namespace'];
  const doomed = order.flatMap((kind) => {
    const found = objects.filter((o) => o.kind === kind);
    return kind === 'Namespace' ? [secret, ...found] : found;
  });
  const absent: string[] = [];
  for (const o of doomed) {
    const mapping = await call(() => mapper.mappingFor(o.apiVersion, o.kind));
    if ('error' in mapping) throw new AgentCommandError(`error: ${mapping.error}`);
    const path = objectPath(mapping, o.metadata.namespace, o.metadata.name);
    const answer = await call(() => api.request('DELETE', `${path}?propagationPolicy=Background`));
    if (answer.status === 404) absent.push(kubectlName(o));
    else if (answer.status === 200 || answer.status === 202) {
      const [kind, name] = kubectlName(o).split('/');
      out(`${kind} "${name}" deleted`);
    } else throw refused(answer, 'deleting', o);
  }
  if (absent.length === doomed.length) out('the agent is not installed: nothing to delete');
  else if (absent.length > 0) out(`already gone (NotFound): ${absent.join(', ')}`);
}

/** A request that could not reach the API server, as kubectl words it. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new AgentCommandError(
      `Unable to connect to the server: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** kubectl's line for a refusal: `Error from server (Reason): error when ... "name": message`. */
function refused(answer: KubeAnswer, doing: string, o: AgentObject): AgentCommandError {
  const reason = statusOf(answer.body)?.reason;
  const message = failureMessage(answer).replace(/\s*\n\s*/g, ' ');
  return new AgentCommandError(
    `Error from server${reason ? ` (${reason})` : ''}: error when ${doing} ${kubectlName(o)}: ${message}`,
  );
}
