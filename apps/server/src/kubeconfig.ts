// The kubeconfig `npm start` writes in the workspace, so that `export KUBECONFIG=...` makes the real
// kubectl (and any Kubernetes client) talk to this lab: cluster, user and context `l4lab`, namespace
// `default`, and the access token when the lab listens beyond loopback.
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './persist/atomicFile.ts';

export const KUBECONFIG_NAME = 'kubeconfig';

/** The address a client on this machine reaches the lab at (a wildcard listen is reached on loopback). */
/** `/k8s/<token>/api/v1/...`: a Kubernetes API request that carries its token in the path. */
export const TOKEN_PATH_PREFIX = '/k8s/';

/**
 * Takes the token out of a `/k8s/<token>/...` path: the request continues at `/...` with the
 * token as its bearer token, so both APIs and the WebSocket upgrades see an ordinary request.
 */
export function unwrapTokenPath(req: { url?: string; headers: Record<string, unknown> }): void {
  const m = /^\/k8s\/([A-Za-z0-9_-]{8,64})(\/.*)?$/.exec(req.url ?? '');
  if (!m) return;
  req.url = m[2] ?? '/';
  req.headers.authorization = `Bearer ${m[1]}`;
}

export function clientServerUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export function kubeconfigText(
  server: string,
  token?: string,
  /** A workshop student's: their context, user name and namespace (DNS-1123 labels, safe unquoted). */
  who: { name: string; user: string; namespace: string } = {
    name: 'l4lab',
    user: 'l4lab',
    namespace: 'default',
  },
): string {
  const q = (s: string) => JSON.stringify(s); // a JSON string is a YAML string
  return [
    who.name === 'l4lab'
      ? '# Written by l4lab at start: export KUBECONFIG=<this file>, then kubectl works against the lab.'
      : `# Your l4lab workshop kubeconfig (namespace ${who.namespace}): export KUBECONFIG=<this file>, then kubectl get pods.`,
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${who.name}`,
    '  cluster:',
    // kubectl sends a bearer token only over TLS (client-go sets it for https servers alone), and
    // the lab speaks plain HTTP: the token rides in the server URL's path instead, which every
    // client keeps as a prefix of its requests (as behind Rancher's or a proxy's /k8s/... URLs).
    `    server: ${q(token ? `${server}${TOKEN_PATH_PREFIX}${token}` : server)}`,
    // The lab speaks plain HTTP (no TLS to verify); client libraries such as
    // @kubernetes/client-node refuse an http:// server unless this is set.
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${who.user}`,
    '  user: {}',
    'contexts:',
    `- name: ${who.name}`,
    '  context:',
    `    cluster: ${who.name}`,
    `    user: ${who.user}`,
    `    namespace: ${who.namespace}`,
    `current-context: ${who.name}`,
    '',
  ].join('\n');
}

/** Writes `<workspace>/kubeconfig` (atomically; readable by its owner only when it holds a token). */
export async function writeKubeconfig(
  workspace: string,
  server: string,
  token?: string,
): Promise<string> {
  const file = resolve(join(workspace, KUBECONFIG_NAME));
  await writeFileAtomic(file, kubeconfigText(server, token), token ? 0o600 : 0o644);
  return file;
}
