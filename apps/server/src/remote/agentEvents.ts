// Remote mode's connection events: the agents' conntrack events (agents.ts) joined with the
// mirror (clusterViewSync.ts) by @l4lab/agent's ClusterJoiner into the dashboard's
// ConnectionEvents, per node: kube-proxy's mode from the agent's hello and mode lines (IPVS's
// scheduler from kube-proxy's ConfigMap, kubeProxyConfig.ts), the node's TIME_WAIT and CLOSE
// timeouts from its hello, its losses from its `lost` lines and the join's own counters. What
// the header says about them is `cluster()`: ServerInfo.cluster's `connections` and `agents`.
import {
  AGENT_NAMESPACE,
  ClusterJoiner,
  nodeProxyModeOf,
  modeName,
  type AgentHello,
  type AgentMessage,
  type AgentMode,
} from '@l4lab/agent';
import type { ObjectStore } from '@l4lab/cluster';
import type { ConnectionEvent, ServerInfo } from '@l4lab/protocol';
import type { Logger } from '../logger.ts';
import { AGENT_APP, AGENT_APP_LABEL, AgentConnector, type KubeOpener } from './agents.ts';
import { syncClusterView } from './clusterViewSync.ts';
import { readIpvsScheduler, type IpvsScheduler } from './kubeProxyConfig.ts';

export type AgentNodeInfo = NonNullable<NonNullable<ServerInfo['cluster']>['agents']>[number];

export interface AgentEventsOptions {
  client: KubeOpener;
  store: ObjectStore;
  direct?: { urls: string[]; tokenFile: string };
  logger: Logger;
  emit: (e: ConnectionEvent) => void;
  /** What cluster() answers may have changed. */
  onChange: () => void;
  retryMs?: number;
  now?: () => number;
}

export const AGENT_NOT_INSTALLED = `agent not installed (${AGENT_NAMESPACE} has no ${AGENT_APP} pods)`;

export class AgentEvents {
  readonly joiner: ClusterJoiner;
  readonly #o: AgentEventsOptions;
  readonly #connector: AgentConnector;
  readonly #modes = new Map<string, { text: string; assumed?: string }>();
  readonly #lost = new Map<string, number>();
  #ipvs: Promise<IpvsScheduler> | undefined;
  /** The node whose event the joiner is joining now (its emits are that node's). */
  #current: string | undefined;
  #unsync: (() => void) | undefined;

  constructor(opts: AgentEventsOptions) {
    this.#o = opts;
    this.joiner = new ClusterJoiner({ emit: (e) => this.#emit(e) });
    this.#connector = new AgentConnector({
      client: opts.client,
      store: opts.store,
      ...(opts.direct ? { direct: opts.direct } : {}),
      logger: opts.logger,
      ...(opts.retryMs ? { retryMs: opts.retryMs } : {}),
      onMessage: (node, m) => this.#message(node, m),
      onChange: () => this.#linksChanged(),
    });
  }

  start(): void {
    this.#unsync = syncClusterView(this.#o.store, this.joiner.objects);
    this.#connector.start();
  }

  stop(): void {
    this.#connector.stop();
    this.#unsync?.();
  }

  /** What the header says: `agents: 2 of 3 nodes`, or why there are none; each node's losses. */
  cluster(): { connections: string; agents: AgentNodeInfo[] } {
    const links = this.#connector.links();
    const byNode = this.joiner.stats().byNode;
    const agents: AgentNodeInfo[] = links.map((l) => {
      const s = byNode.get(l.node);
      const mode = this.#modes.get(l.node);
      return {
        name: l.name,
        node: l.node,
        connected: l.state.phase === 'connected',
        lost: this.#lost.get(l.node) ?? 0,
        missed: (s?.missedStarts ?? 0) + (s?.missedEnds ?? 0),
        ...(mode ? { mode: mode.assumed ? `${mode.text} (${mode.assumed})` : mode.text } : {}),
        ...(l.state.phase === 'failed' ? { error: l.state.error } : {}),
      };
    });
    return { connections: this.#summary(agents), agents };
  }

  #summary(agents: AgentNodeInfo[]): string {
    if (agents.length === 0) {
      const all = this.#o.store
        .list('Pod', AGENT_NAMESPACE)
        .filter((p) => p.metadata.labels?.[AGENT_APP_LABEL] === AGENT_APP);
      return all.length === 0
        ? AGENT_NOT_INSTALLED
        : `agent not running (${AGENT_NAMESPACE} has ${all.length} ${AGENT_APP} pods, none Running on a node)`;
    }
    const connected = new Set(agents.filter((a) => a.connected).map((a) => a.node));
    const failed = agents.filter((a) => a.error);
    const token = failed.find((a) => a.error!.startsWith('agent token unreadable:'));
    if (connected.size === 0 && token) return token.error!;
    const nodes = this.#o.store.list('Node').length || agents.length;
    const connecting = agents.filter((a) => !a.connected && !a.error).length;
    let text = `agents: ${connected.size} of ${nodes} nodes`;
    if (this.#connector.direct) text += ' (--agent-url)';
    if (connecting > 0) text += `, ${connecting} connecting`;
    if (failed.length > 0) {
      const f = failed[0]!;
      text += `; ${f.name}${f.node ? ` (${f.node})` : ''}: ${f.error}`;
      if (failed.length > 1) text += ` (and ${failed.length - 1} more)`;
    }
    return text;
  }

  #linksChanged(): void {
    // A node whose agent is gone: its open connections end unseen (their DESTROYs are lost).
    const connected = new Set(
      this.#connector
        .links()
        .filter((l) => l.state.phase === 'connected')
        .map((l) => l.node),
    );
    const now = (this.#o.now ?? Date.now)();
    for (const node of this.joiner.stats().byNode.keys()) {
      if (connected.has(node)) continue;
      this.#as(node, () => this.joiner.endLost(node, new Set(), Infinity, now));
    }
    this.#o.onChange();
  }

  #message(node: string, m: AgentMessage): void {
    switch (m.type) {
      case 'hello': {
        const { timeWaitSeconds, closeSeconds } = m.conntrack;
        this.joiner.setLinger(node, {
          ...(timeWaitSeconds !== null ? { TIME_WAIT: timeWaitSeconds * 1000 } : {}),
          ...(closeSeconds !== null ? { CLOSE: closeSeconds * 1000 } : {}),
        });
        this.#mode(node, m);
        return;
      }
      case 'mode':
        return this.#mode(node, m);
      case 'conntrack':
        return this.#as(node, () => this.joiner.conntrack(node, m.event));
      case 'lost':
        this.joiner.lost(node, m.count);
        this.#lost.set(node, (this.#lost.get(node) ?? 0) + m.count);
        return this.#o.onChange();
      case 'stats':
        // Every 5 s: the join's counters (connections whose start or end was not seen) moved on.
        return this.#o.onChange();
    }
  }

  #mode(node: string, m: AgentHello | AgentMode): void {
    const why = m.kubeProxyModeReason ? `: ${m.kubeProxyModeReason}` : '';
    if (m.kubeProxyMode !== 'ipvs') {
      this.joiner.setProxyMode(node, nodeProxyModeOf(m));
      this.#modes.set(node, { text: `${m.kubeProxyMode}${why}` });
      return this.#o.onChange();
    }
    // Until the ConfigMap is read: rr, said so.
    const pending = "IPVS scheduler rr assumed until kube-proxy's ConfigMap is read";
    this.joiner.setProxyMode(node, nodeProxyModeOf(m, 'rr'));
    this.#modes.set(node, { text: 'ipvs:rr', assumed: pending });
    this.#ipvs ??= readIpvsScheduler(this.#o.client);
    void this.#ipvs.then((s) => {
      const mode = nodeProxyModeOf(m, s.scheduler);
      this.joiner.setProxyMode(node, mode);
      this.#modes.set(node, { text: modeName(mode), ...(s.assumed ? { assumed: s.assumed } : {}) });
      this.#o.onChange();
    });
    this.#o.onChange();
  }

  #as(node: string, join: () => void): void {
    this.#current = node;
    try {
      join();
    } finally {
      this.#current = undefined;
    }
  }

  #emit(e: ConnectionEvent): void {
    const assumed = this.#current ? this.#modes.get(this.#current)?.assumed : undefined;
    this.#o.emit(
      assumed && e.mode.startsWith('ipvs') ? { ...e, reason: `${e.reason}; ${assumed}` } : e,
    );
  }
}
