// The kubeconfig `npm start` writes in the workspace, so that `export KUBECONFIG=...` makes the real
// kubectl (and any Kubernetes client) talk to this lab: cluster, user and context `l4lab`, namespace
// `default`, and the access token when the lab listens beyond loopback.
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './persist/atomicFile.ts';

export const KUBECONFIG_NAME = 'kubeconfig';

/** The address a client on this machine reaches the lab at (a wildcard listen is reached on loopback). */
export function clientServerUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export function kubeconfigText(server: string, token?: string): string {
  const q = (s: string) => JSON.stringify(s); // a JSON string is a YAML string
  return [
    '# Written by l4lab at start: export KUBECONFIG=<this file>, then kubectl works against the lab.',
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: l4lab',
    '  cluster:',
    `    server: ${q(server)}`,
    // The lab speaks plain HTTP (no TLS to verify); client libraries such as
    // @kubernetes/client-node refuse an http:// server unless this is set.
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: l4lab',
    token ? `  user:\n    token: ${q(token)}` : '  user: {}',
    'contexts:',
    '- name: l4lab',
    '  context:',
    '    cluster: l4lab',
    '    user: l4lab',
    '    namespace: default',
    'current-context: l4lab',
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
