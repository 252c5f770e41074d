// The pods' network's half of the kernel dataplane: keeps the NetworkPolicy table
// (policyTable.ts) in step with the cluster, as a network plugin's policy agent does beside
// kube-proxy. kube-proxy picks the endpoint; this table then says whether the client pod may
// open the connection (egress) and the endpoint's pod may take it (ingress).
import {
  BoundedFrequencyRunner,
  NetworkPolicyIndex,
  NetworkPolicyView,
  type PolicyFlow,
  type PolicyVerdict,
  type Clock,
  type Cluster,
} from '@l4lab/cluster';
import { serialRuns } from '../serialRuns.ts';
import type { ProxierLogger } from '../userspaceProxier.ts';
import { nftApply, nftListTable } from './commands.ts';
import { chainTextWithRules, parseTableListing } from './listing.ts';
import { POLICY_TABLE, podChainName, policyTableScript } from './policyTable.ts';

export interface NetworkPolicyEnforcerOptions {
  cluster: Cluster;
  clock: Clock;
  logger: ProxierLogger;
  /** The nft program. */
  nft: string;
  /** Changes within this long are written in one transaction (a rollout changes many pods). */
  minSyncPeriodMs?: number;
  /** A failed write is tried again after this long, changes or not. */
  retryMs?: number;
}

/** What a policy, pod, namespace or node change can alter in the table. */
const WATCHED = new Set(['NetworkPolicy', 'Pod', 'Namespace', 'Node']);

/**
 * Writes the NetworkPolicy table whenever what it would hold changes (one `nft -f` transaction,
 * none when the text is the same) and deletes it on stop. Made by the NftablesProxier, which runs
 * only inside the lab's own network namespace.
 */
export class NetworkPolicyEnforcer {
  readonly #o: NetworkPolicyEnforcerOptions;
  readonly #view: NetworkPolicyView;
  readonly #runner: BoundedFrequencyRunner;
  readonly #syncs = serialRuns(() => this.#sync());
  #unwatch: (() => void) | undefined;
  /** The script in force; undefined before the first write (a table left behind is replaced). */
  #inForce: string | undefined;
  /** The policies the table in force was written from: what the kernel decides by. */
  #index: NetworkPolicyIndex = NetworkPolicyIndex.EMPTY;
  /** The policies of a table being written (in force from its commit, before nft returns). */
  #writing: NetworkPolicyIndex | undefined;
  #writes = 0;
  /** Whether a transaction was tried: stop deletes the table only then. */
  #tried = false;
  #stopped = false;

  constructor(opts: NetworkPolicyEnforcerOptions) {
    this.#o = opts;
    this.#view = new NetworkPolicyView(opts.cluster);
    this.#runner = new BoundedFrequencyRunner({
      name: 'network-policy-runner',
      fn: () => this.sync(),
      clock: opts.clock,
      minInterval: opts.minSyncPeriodMs ?? 50,
      // Nothing changes the table but the watch: the periodic run only recomputes the text.
      maxInterval: 60_000,
      retryInterval: opts.retryMs ?? 1000,
      onError: (err) =>
        opts.logger.warn({ err: String(err) }, 'writing the NetworkPolicy table failed'),
    });
  }

  start(): void {
    if (this.#stopped || this.#unwatch) return;
    this.#view.start();
    this.#unwatch = this.#o.cluster.watch((e) => {
      if (WATCHED.has(e.object.kind)) this.#runner.run();
    });
    this.#runner.run();
  }

  /** Writes the table now if it must change (the runner calls it; tests may too). */
  sync(): Promise<void> {
    return this.#syncs.run();
  }

  /** Settles when every write asked for so far has (never rejects). */
  idle(): Promise<void> {
    return this.#syncs.idle();
  }

  /** The script in force (what the table holds), undefined before the first write. */
  inForce(): string | undefined {
    return this.#inForce;
  }

  /**
   * The decision the table in force makes for a flow (the events' reasons): by the policies it was
   * written from, not the cluster's latest, which the kernel has not been told yet.
   */
  check(flow: PolicyFlow): PolicyVerdict {
    return this.#index.check(flow);
  }

  /** Why the kernel dropped a flow: by the table being written, or else the one in force. */
  denial(flow: PolicyFlow): string | undefined {
    for (const index of [this.#writing, this.#index]) {
      const v = index?.check(flow);
      if (v && !v.allowed) return v.reason;
    }
    return undefined;
  }

  /**
   * The chains that judge the pod's connections, as the kernel has them now (counters live): its
   * ingress and egress chains, those the table in force has.
   */
  async rulesFor(namespace: string, name: string): Promise<{ name: string; text: string }[]> {
    const script = this.#inForce;
    const names = (['ingress', 'egress'] as const)
      .map((d) => podChainName(d, { namespace, name }))
      .filter((c) => script?.includes(`\tchain ${c} {\n`));
    if (names.length === 0) return [];
    const listing = await nftListTable(this.#o.nft, POLICY_TABLE);
    const blocks = listing ? parseTableListing(listing) : new Map();
    return names.flatMap((c) => {
      const b = blocks.get(c);
      return b ? [{ name: c, text: chainTextWithRules(b, b.rules.length) }] : [];
    });
  }

  /** Transactions written so far. */
  get writes(): number {
    return this.#writes;
  }

  /** Stops watching and deletes the table: connections in flight keep going (no rule judges them). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#runner.stop();
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#view.stop();
    await this.#syncs.idle();
    if (!this.#tried) return;
    try {
      await nftApply(
        this.#o.nft,
        `add table ip ${POLICY_TABLE}\ndelete table ip ${POLICY_TABLE}\n`,
      );
      this.#inForce = undefined;
      this.#index = NetworkPolicyIndex.EMPTY;
    } catch (err) {
      this.#o.logger.warn({ err: String(err) }, 'could not delete the NetworkPolicy table');
    }
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    const index = this.#view.index();
    const script = policyTableScript(index.compile());
    if (script === this.#inForce) {
      this.#index = index; // the same rules
      return;
    }
    this.#tried = true;
    // A failed transaction changed nothing: the table is still #inForce's, and the runner
    // tries again after retryMs (or sooner, on the next change).
    this.#writing = index;
    try {
      await nftApply(this.#o.nft, script);
    } finally {
      this.#writing = undefined;
    }
    this.#inForce = script;
    this.#index = index;
    this.#writes++;
  }
}
