// Which cluster remote mode shows: the kubeconfig's context (--context, else its current-context),
// its cluster's server and its user's credentials, as kubectl reads them. Every way this can fail
// at start is one line saying which part is wrong, in kubectl's words where kubectl has them.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, failureMessage } from './kubeClient.ts';

export interface RemoteTarget {
  client: KubeClient;
  context: string;
  server: string;
  /** The context's namespace (kubectl's default for objects without one), else `default`. */
  namespace: string;
}

/** A reason remote mode cannot start, one line. */
export class RemoteStartError extends Error {
  readonly code = 'L4_E_REMOTE_START';
}

export function loadKubeconfig(path: string, context?: string): RemoteTarget {
  if (!existsSync(path))
    throw new RemoteStartError(
      `error: stat ${path}: no such file or directory (--kubeconfig: pass the path of a kubeconfig, e.g. ~/.kube/config)`,
    );
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw new RemoteStartError(
      `error: error loading config file "${path}": ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const names = kc.getContexts().map((c) => c.name);
  const known = names.length > 0 ? `the kubeconfig has: ${names.join(', ')}` : 'it has none';
  const name = context ?? kc.getCurrentContext();
  if (!name)
    throw new RemoteStartError(
      `error: current-context is not set in ${path}: pass --context NAME (${known})`,
    );
  const ctx = kc.getContextObject(name);
  if (!ctx)
    throw new RemoteStartError(
      `error: context "${name}" does not exist (${known}; --context NAME)`,
    );
  kc.setCurrentContext(name);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new RemoteStartError(
      `error: invalid configuration: no server found for cluster "${ctx.cluster}" (context "${name}" in ${path})`,
    );
  return {
    client: new KubeClient(kc),
    context: name,
    server: cluster.server,
    namespace: ctx.namespace || 'default',
  };
}

/**
 * Asks the API server for `/version` and for the namespaces (which the dashboard lists first),
 * so an unreachable server, refused credentials or missing permissions stop l4lab at start.
 */
export async function probeRemote(t: RemoteTarget, timeoutMs = 10_000): Promise<void> {
  const host = hostOf(t.server);
  for (const path of ['/version', '/api/v1/namespaces?limit=1']) {
    let answer;
    try {
      answer = await t.client.request('GET', path, { timeoutMs });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ECONNREFUSED')
        throw new RemoteStartError(
          `The connection to the server ${host} was refused - did you specify the right host or port? (context "${t.context}")`,
        );
      throw new RemoteStartError(
        `Unable to connect to the server: ${e.message} (${t.server}, context "${t.context}": check the kubeconfig's server and your network)`,
      );
    }
    if (answer.status === 401)
      throw new RemoteStartError(
        `error: You must be logged in to the server (Unauthorized) (context "${t.context}": renew the kubeconfig's credentials)`,
      );
    if (answer.status >= 300)
      throw new RemoteStartError(
        `Error from server: ${failureMessage(answer)} (GET ${path}, context "${t.context}")`,
      );
  }
}

/** `host:port` of a server URL, as kubectl names it in its errors. */
export function hostOf(server: string): string {
  try {
    const u = new URL(server);
    return u.port ? u.host : `${u.hostname}:${u.protocol === 'http:' ? 80 : 443}`;
  } catch {
    return server;
  }
}
