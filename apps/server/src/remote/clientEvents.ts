// Remote mode's client-side events: each connection l4lab's own generator makes (from this
// machine to a NodePort, a LoadBalancer IP or an externalIP) as a ConnectionEvent, as the client
// saw it: its local address and port, the frontend and Service from the watched objects, bytes,
// duration and outcome, and no endpoint (only an agent on the node sees which pod answered). When
// an agent is connected (for a NodePort: on that node), its conntrack events carry these
// connections with the endpoint and the kernel's reason: then these are not emitted (one dot per
// connection, never two).
import type { ConnectionEvent } from '@l4lab/protocol';
import type { ClientConnection, ReachableFrontend } from '@l4lab/traffic';

export const CLIENT_SIDE_REASON =
  'client-side: sent by l4lab; which endpoint answered needs the l4lab agent';
/** kube-proxy's mode on the node is what only an agent there reads (the reason says so). */
export const CLIENT_SIDE_MODE = 'unknown';

/** The dashboard's event for one of the generator's connections. */
export function clientSideEvent(c: ClientConnection, f: ReachableFrontend): ConnectionEvent {
  return {
    id: c.id,
    startedAt: c.startedAt,
    ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}),
    protocol: c.protocol,
    client: { ip: c.local.ip, port: c.local.port },
    frontend: { kind: f.kind, ip: f.ip, port: f.port, ...(f.node ? { node: f.node } : {}) },
    service: f.service,
    mode: CLIENT_SIDE_MODE,
    reason: CLIENT_SIDE_REASON,
    bytesIn: c.bytesIn,
    bytesOut: c.bytesOut,
    ...(c.endedAt !== undefined ? { durationMs: c.endedAt - c.startedAt } : {}),
    outcome: c.outcome,
  };
}

/**
 * Whether an agent whose conntrack sees the connection is connected: on `node` (a NodePort's), or
 * on any node (a LoadBalancer IP or an externalIP may enter at any of them).
 */
export type AgentSees = (node: string | undefined) => boolean;

/**
 * Decides per connection, when it starts, whether its events are emitted: only while no agent
 * sees it. A connection keeps the decision to its end (its open and its end, or neither).
 */
export class ClientSideEvents {
  readonly #emit: (e: ConnectionEvent) => void;
  readonly #agentSees: AgentSees;
  /** Connections whose open was emitted and whose end is still to come. */
  readonly #open = new Set<string>();

  constructor(emit: (e: ConnectionEvent) => void, agentSees: AgentSees) {
    this.#emit = emit;
    this.#agentSees = agentSees;
  }

  connection(c: ClientConnection, f: ReachableFrontend): void {
    if (c.outcome === 'open') {
      if (this.#agentSees(f.node)) return;
      this.#open.add(c.id);
      return this.#emit(clientSideEvent(c, f));
    }
    // An end: emitted if its open was, or (refused, timed out before connecting) if it had none
    // and no agent sees it now.
    if (this.#open.delete(c.id) || (c.local.port === 0 && !this.#agentSees(f.node)))
      this.#emit(clientSideEvent(c, f));
  }
}
