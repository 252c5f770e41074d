// kube-proxy's conntrack clean-up (pkg/proxy/conntrack CleanStaleEntries): a UDP flow keeps its
// NAT in its conntrack entry, so after an endpoint leaves, its flows would still go to it until
// they idle out; their entries are deleted. The same for every entry of a pod that was killed.
import type { Pod } from '@l4lab/protocol';
import type { RulesInForce } from './nftablesProxier.ts';
import { conntrackDelete } from './commands.ts';
import type { EndpointInfo, ServicePortName } from '../types.ts';
import type { ProxierLogger } from '../userspaceProxier.ts';
import type { FrontendSpec } from '../frontends.ts';

type State = Pick<RulesInForce, 'routing' | 'frontends'>;

/** An endpoint UDP flows may stay on: ready, or serving while it terminates. */
export function usableEndpoint(e: EndpointInfo): boolean {
  return e.ready || e.serving;
}
const usable = usableEndpoint;
const epKey = (e: EndpointInfo) => `${e.ip}:${e.port}`;

function frontendsBySpn(frontends: readonly FrontendSpec[]): Map<ServicePortName, FrontendSpec[]> {
  const out = new Map<ServicePortName, FrontendSpec[]>();
  for (const f of frontends) {
    if (f.exposed || f.protocol !== 'UDP') continue;
    const list = out.get(f.spn);
    if (list) list.push(f);
    else out.set(f.spn, [f]);
  }
  return out;
}

/**
 * The `conntrack -D` filters one sync calls for: for each UDP Service port, flows from each of
 * its frontends to an endpoint that is no longer usable; and the never-NATed flows (the reply
 * comes from the frontend itself) to the frontends of a Service port that had no usable
 * endpoint and has one now: they would stay un-NATed. As kube-proxy's CleanStaleEntries, a flow
 * whose reply comes from a usable endpoint is never deleted (one the new rules just NATed).
 */
export function staleConntrackFilters(previous: State, next: State): string[][] {
  const out: string[][] = [];
  const before = frontendsBySpn(previous.frontends);
  const after = frontendsBySpn(next.frontends);
  for (const [spn, frontends] of before) {
    const now = new Set((next.routing.endpointsMap.get(spn) ?? []).filter(usable).map(epKey));
    for (const ep of (previous.routing.endpointsMap.get(spn) ?? []).filter(usable)) {
      if (now.has(epKey(ep))) continue;
      for (const f of frontends)
        out.push([...udpTo(f), '--reply-src', ep.ip, '--reply-port-src', String(ep.port)]);
    }
  }
  for (const [spn, frontends] of after) {
    const had = (previous.routing.endpointsMap.get(spn) ?? []).some(usable);
    const has = (next.routing.endpointsMap.get(spn) ?? []).some(usable);
    if (had || !has) continue;
    for (const f of frontends)
      out.push([...udpTo(f), '--reply-src', f.ip, '--reply-port-src', String(f.port)]);
  }
  return out;
}

/**
 * The address whose conntrack entries go when a pod changes so: it was deleted, a container of
 * it ended (killed or crashed: the kubelet counts the restart at once), or its IP changed.
 */
export function podConntrackToFlush(
  type: string,
  pod: Pod,
  previous: Pod | undefined,
): string | undefined {
  const ip = previous?.status?.podIP;
  // A pod on the host network had its node's address: flushing it would cut the node's every flow.
  if (!ip || previous.spec.hostNetwork) return undefined;
  const ended = restarts(pod) > restarts(previous);
  return type === 'DELETED' || ended || pod.status?.podIP !== ip ? ip : undefined;
}

function restarts(p: Pod): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
}

function udpTo(f: FrontendSpec): string[] {
  return ['-p', 'udp', '--orig-dst', f.ip, '--orig-port-dst', String(f.port)];
}

/** Runs the deletions one at a time, after the rules that make them right are in force. */
export class ConntrackCleaner {
  readonly #conntrack: string;
  readonly #logger: ProxierLogger;
  #last: Promise<unknown> = Promise.resolve();

  constructor(conntrack: string, logger: ProxierLogger) {
    this.#conntrack = conntrack;
    this.#logger = logger;
  }

  flushStale(previous: State, next: State): void {
    for (const filter of staleConntrackFilters(previous, next)) void this.#delete(filter);
  }

  flushReplySource(ip: string): Promise<number> {
    return this.#delete(['--reply-src', ip]);
  }

  /** Settles when every deletion asked so far has run. */
  idle(): Promise<void> {
    return this.#last.then(() => undefined);
  }

  #delete(filter: string[]): Promise<number> {
    const run = this.#last.then(() => conntrackDelete(this.#conntrack, filter));
    const logged = run.catch((err: unknown) => {
      this.#logger.warn({ err: String(err) }, 'conntrack clean-up failed');
      return 0;
    });
    this.#last = logged;
    return logged;
  }
}
