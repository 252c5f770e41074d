// The l4lab agents remote mode reads (apps/agent; packages/agent's wire.ts), one AgentStream each.
// In-cluster (the default): the agent DaemonSet's pods as the mirror shows them (namespace
// l4lab-system, label app.kubernetes.io/name=l4lab-agent, Running, with spec.nodeName), each read
// through the API server's proxy, `GET /api/v1/namespaces/l4lab-system/pods/<pod>:9641/proxy/events`,
// with the kubeconfig's credentials and the token of the Secret `l4lab-agent-token` (key `token`)
// read through the API at each connection. Pods come and go with the mirror: a new one is read,
// a gone one is dropped. Direct (--agent-url, repeatable, with --agent-token-file): agents outside
// the pod network (one run by hand on a node, the tests), each URL's `/events`.
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AGENT_NAMESPACE, AGENT_PORT, type AgentMessage } from '@l4lab/agent';
import type { ObjectStore } from '@l4lab/cluster';
import type { Pod, WatchEvent } from '@l4lab/protocol';
import type { Logger } from '../logger.ts';
import { AgentStream, type AgentLinkState, type OpenAgentStream } from './agentStream.ts';
import { failureMessage, type KubeApi } from './kubeClient.ts';

export const AGENT_APP_LABEL = 'app.kubernetes.io/name';
export const AGENT_APP = 'l4lab-agent';
export const AGENT_TOKEN_SECRET = 'l4lab-agent-token';

/** What opens a request to the API server with the kubeconfig's credentials (KubeClient). */
export interface KubeOpener extends KubeApi {
  open(
    method: string,
    path: string,
    headers: Record<string, string>,
    onResponse: (res: IncomingMessage) => void,
  ): Promise<ClientRequest>;
}

export interface AgentLink {
  /** `l4lab-system/<pod>`, or the --agent-url. */
  name: string;
  /** The pod's spec.nodeName, else (direct) the node its hello names ('' before it). */
  node: string;
  state: AgentLinkState;
}

export interface AgentConnectorOptions {
  client: KubeOpener;
  /** The mirror of the cluster: the agent pods are found in it. */
  store: ObjectStore;
  /** --agent-url and --agent-token-file: these agents, not the pods. */
  direct?: { urls: string[]; tokenFile: string };
  logger: Logger;
  /** Each message of a connected agent, with the node it reads. */
  onMessage: (node: string, m: AgentMessage) => void;
  /** An agent came, went, connected or failed. */
  onChange: () => void;
  retryMs?: number;
}

/** The agent DaemonSet's pods that can be read: Running, on a node. */
export function agentPods(store: ObjectStore): Pod[] {
  return store
    .list('Pod', AGENT_NAMESPACE)
    .filter(
      (p) =>
        p.metadata.labels?.[AGENT_APP_LABEL] === AGENT_APP &&
        p.status?.phase === 'Running' &&
        !!p.spec.nodeName,
    );
}

/** The agents' token, from the Secret through the API (its message when it cannot be read). */
export async function readAgentToken(client: KubeApi): Promise<string> {
  const path = `/api/v1/namespaces/${AGENT_NAMESPACE}/secrets/${AGENT_TOKEN_SECRET}`;
  const answer = await client.request('GET', path, { timeoutMs: 10_000 });
  if (answer.status !== 200) throw new Error(failureMessage(answer));
  const data = (answer.body as { data?: Record<string, string> }).data;
  const token = data?.token ? Buffer.from(data.token, 'base64').toString('utf8').trim() : '';
  if (!token) throw new Error(`secret "${AGENT_TOKEN_SECRET}" has no key "token"`);
  return token;
}

export class AgentConnector {
  readonly #o: AgentConnectorOptions;
  readonly #links = new Map<string, { link: AgentLink; stream: AgentStream }>();
  #unwatch: (() => void) | undefined;

  constructor(opts: AgentConnectorOptions) {
    this.#o = opts;
  }

  /** Direct (--agent-url) or through the API server's proxy. */
  get direct(): boolean {
    return this.#o.direct !== undefined;
  }

  start(): void {
    const d = this.#o.direct;
    if (d) {
      for (const url of d.urls) this.#add(url, '', this.#directOpen(url), () => tokenFile(d));
      return;
    }
    this.#syncPods();
    this.#unwatch = this.#o.store.watch((e: WatchEvent) => {
      const o = e.object;
      if (o.kind === 'Pod' && o.metadata.namespace === AGENT_NAMESPACE) this.#syncPods();
    });
  }

  stop(): void {
    this.#unwatch?.();
    for (const { stream } of this.#links.values()) stream.stop();
    this.#links.clear();
  }

  links(): AgentLink[] {
    return [...this.#links.values()].map(({ link }) => ({ ...link }));
  }

  #syncPods(): void {
    const pods = new Map(agentPods(this.#o.store).map((p) => [p.metadata.name, p]));
    let changed = false;
    for (const [name, { stream }] of this.#links) {
      if (pods.has(name)) continue;
      stream.stop();
      this.#links.delete(name);
      changed = true;
    }
    for (const [name, pod] of pods) {
      if (this.#links.has(name)) continue;
      const path = `/api/v1/namespaces/${AGENT_NAMESPACE}/pods/${encodeURIComponent(name)}:${AGENT_PORT}/proxy/events`;
      const client = this.#o.client;
      this.#add(
        name,
        pod.spec.nodeName!,
        (headers, onResponse) => client.open('GET', path, headers, onResponse),
        () => readAgentToken(client),
      );
      changed = true;
    }
    if (changed) this.#o.onChange();
  }

  #add(key: string, node: string, open: OpenAgentStream, token: () => Promise<string>): void {
    const link: AgentLink = {
      name: this.direct ? key : `${AGENT_NAMESPACE}/${key}`,
      node,
      state: { phase: 'connecting' },
    };
    const stream = new AgentStream({
      name: link.name,
      open,
      token,
      logger: this.#o.logger,
      ...(this.#o.retryMs ? { retryMs: this.#o.retryMs } : {}),
      onMessage: (m) => {
        if (m.type === 'hello' && this.direct) link.node = m.node;
        this.#o.onMessage(link.node, m);
      },
      onState: (s) => {
        const was = link.state;
        link.state = s;
        if (s.phase === 'connected' && s.hello.node !== link.node && !this.direct)
          this.#o.logger.warn(
            { agent: link.name, podNode: link.node, helloNode: s.hello.node },
            "the agent's --node is not its pod's node: events are the pod's node's",
          );
        if (was.phase !== s.phase || s.phase === 'failed') this.#o.onChange();
      },
    });
    this.#links.set(key, { link, stream });
    stream.start();
  }

  #directOpen(url: string): OpenAgentStream {
    const events = new URL('events', url.endsWith('/') ? url : `${url}/`);
    const send = events.protocol === 'https:' ? httpsRequest : httpRequest;
    return (headers, onResponse) =>
      Promise.resolve(send(events, { method: 'GET', headers }, onResponse));
  }
}

async function tokenFile(d: { tokenFile: string }): Promise<string> {
  const token = (await readFile(d.tokenFile, 'utf8')).trim();
  if (!token) throw new Error(`${d.tokenFile} is empty`);
  return token;
}
