import type { Pod, Service } from '@l4lab/protocol';
import {
  BoundedFrequencyRunner,
  PortMapper,
  type Clock,
  type Cluster,
  type TimerHandle,
} from '@l4lab/cluster';
import type { RoutingState } from '../connectionRouter.ts';
import { desiredFrontends, type FrontendSpec } from '../frontends.ts';
import { HealthCheckServers } from '../healthCheck.ts';
import { parseProxyMode, type ProxyMode } from '../proxyMode.ts';
import { serialRuns } from '../serialRuns.ts';
import { ServiceWatch } from '../serviceWatch.ts';
import type { EndpointInfo, Provider, ServicePortInfo, ServicePortName } from '../types.ts';
import type { ProxierLogger } from '../userspaceProxier.ts';
import { TABLE } from './chainNames.ts';
import { findProgram, nftApply, nftListTable, runCommand } from './commands.ts';
import { ConntrackCleaner, podConntrackToFlush } from './conntrackCleaner.ts';
import { chainTextWithRules, parseTableListing, type ListedBlock } from './listing.ts';
import type { Ruleset } from './model.ts';
import { assertNotHostNetworkNamespace } from './netnsGuard.ts';
import { NetworkPolicyEnforcer } from './networkPolicyEnforcer.ts';
import { RulesetCache, buildRuleset } from './ruleset.ts';
import {
  cleanupPlan,
  needsCleanup,
  fullPlan,
  planScript,
  planScripts,
  tableState,
  updatePlan,
  type Plan,
  type TableState,
} from './script.ts';
import { SyncDurations, type SyncStats } from './syncStats.ts';
import { countEndpoints, timedSync, type ProxierHealth } from '../proxierHealth.ts';

export interface NftablesProxierOptions {
  cluster: Cluster;
  clock: Clock;
  logger: ProxierLogger;
  /** Cluster default mode (`--proxy-mode`); anything but iptables/nftables is served as random. */
  proxyMode?: string;
  /** kube-proxy's --min-sync-period (l4lab: 20 ms; a sync writes only what changed). */
  minSyncPeriodMs?: number;
  /** kube-proxy's --sync-period. */
  syncPeriodMs?: number;
  /** The nft program (default `nft` on PATH). */
  nft?: string;
  /** The conntrack program (default `conntrack` on PATH). */
  conntrack?: string;
  /** Where health check servers listen (healthCheckNodePort); the namespace's own addresses by default. */
  mapper?: PortMapper;
  /** Called after each transaction is in force (the conntrack reader joins events with it). */
  onRulesApplied?: (applied: RulesInForce & { durationMs: number | undefined }) => void;
  /** Told of changes queued and rules updated (the kube-proxy pods' healthz and log read it). */
  health?: ProxierHealth;
}

/** The state the rules in force were written from. */
export interface RulesInForce {
  /** 0 before the first transaction; +1 per transaction. */
  generation: number;
  routing: RoutingState;
  frontends: FrontendSpec[];
  /**
   * While a transaction is being written: the rules it writes. The kernel runs them from its
   * commit, a moment before `nft` returns, so the conntrack join looks at them too.
   */
  writing?: RulesInForce;
}

/** Script text per transaction when one sync must be split (netlink takes about 5 bytes per byte). */
const SPLIT_BYTES = 32_000;

/** What `rulesFor` answers. */
export interface ServiceRules {
  chains: { name: string; text: string }[];
  /** `{ map: 'service-ips', element: '127.96.0.20 . tcp . 80 : goto service-...' }` */
  elements: { map: string; element: string }[];
}

/** Unused chains and affinity sets are deleted when no change came for this long. */
const CLEANUP_AFTER_MS = 2000;

/** The Service's Warning event reason when its proxy mode cannot be served. */
export const PROXY_MODE_NOT_AVAILABLE = 'ProxyModeNotAvailable';

export function proxyModeNotAvailableMessage(mode: string): string {
  return `proxy mode "${mode}" is not available in the nftables dataplane: served as kube-proxy's nftables mode (random)`;
}

/**
 * l4lab's kube-proxy, kernel backend: the same Service / EndpointSlice change trackers and
 * bounded-frequency sync as the userspace proxier, but each sync writes kube-proxy's nftables
 * table (ruleset.ts) in one `nft -f` transaction and the kernel carries every byte. Runs only
 * inside the lab's own network namespace. Beside it, as a network plugin would, the pods' network
 * enforces NetworkPolicies in a table of its own (networkPolicyEnforcer.ts).
 */
export class NftablesProxier implements Provider {
  readonly name = 'nftables';
  /** The mode asked for (`--proxy-mode`); served as random when nftables cannot express it. */
  readonly requestedMode: ProxyMode;
  readonly #o: NftablesProxierOptions;
  readonly #nft: string;
  readonly #watch: ServiceWatch;
  readonly #runner: BoundedFrequencyRunner;
  readonly #syncs = serialRuns(() => this.#sync());
  readonly #durations = new SyncDurations();
  readonly #healthChecks: HealthCheckServers;
  readonly #conntrack: ConntrackCleaner;
  /** The pods' network: NetworkPolicies, in their own table (started and stopped with this). */
  readonly networkPolicies: NetworkPolicyEnforcer;
  /** The table in the kernel; undefined: unknown, the next sync writes it whole. */
  #table: TableState | undefined;
  /** Each Service port's part of the table, rewritten only when its objects change. */
  readonly #cache = new RulesetCache();
  /** The ruleset of the rules in force (without the unused chains and sets still in the table). */
  #wanted: Ruleset | undefined;
  /** Unused chains and sets are deleted once the lab is quiet (a sync with no change). */
  #cleanupDue = false;
  #cleanupTimer: TimerHandle | undefined;
  #inForce: RulesInForce;
  /** When the oldest change not yet in force was seen. */
  #pendingSince: number | undefined;
  /** Services warned about their proxy mode ("ns/name" -> mode). */
  readonly #warned = new Map<string, string>();
  #stopped = false;
  /** Syncs are written in several transactions (see #write). */
  #split = false;

  constructor(opts: NftablesProxierOptions) {
    assertNotHostNetworkNamespace('the nftables dataplane');
    const mode = parseProxyMode(opts.proxyMode ?? 'nftables');
    if (!mode) throw new Error(`unknown proxy mode "${opts.proxyMode}"`);
    this.requestedMode = mode;
    this.#o = opts;
    this.#nft = opts.nft ?? findProgram('nft') ?? 'nft';
    this.#watch = new ServiceWatch(opts.cluster, {
      onChange: () => this.#changed(),
      onPod: (type, pod, previous) => this.#onPod(type, pod, previous),
      // The events judge by the NetworkPolicy table in force, as the kernel does.
      policies: {
        check: (flow) => this.networkPolicies.check(flow),
        denial: (flow) => this.networkPolicies.denial(flow),
      },
    });
    this.#inForce = { generation: 0, routing: this.#watch.routing(), frontends: [] };
    this.#healthChecks = new HealthCheckServers(
      opts.mapper ?? new PortMapper('native'),
      opts.logger,
    );
    this.#conntrack = new ConntrackCleaner(
      opts.conntrack ?? findProgram('conntrack') ?? 'conntrack',
      opts.logger,
    );
    this.networkPolicies = new NetworkPolicyEnforcer({
      cluster: opts.cluster,
      clock: opts.clock,
      logger: opts.logger,
      nft: this.#nft,
    });
    this.#runner = new BoundedFrequencyRunner({
      name: 'sync-runner',
      fn: () => this.syncProxyRules(),
      clock: opts.clock,
      minInterval: opts.minSyncPeriodMs ?? 20,
      maxInterval: opts.syncPeriodMs ?? 30_000,
      onError: (err) => opts.logger.warn({ err: String(err) }, 'syncProxyRules failed'),
    });
  }

  /** The mode every Service is served with: kube-proxy's nftables choice (uniform random). */
  get mode(): string {
    return 'iptables';
  }

  start(): void {
    this.#watch.start();
    this.#runner.loop();
    this.#runner.run();
    this.networkPolicies.start();
  }

  syncProxyRules(): Promise<void> {
    return this.#syncs.run();
  }

  rulesInForce(): RulesInForce {
    return this.#inForce;
  }

  /** Ports and endpoints of the rules in force, as the userspace proxier's state() (tests wait on it). */
  state(): {
    services: ServicePortInfo[];
    endpoints: ReadonlyMap<ServicePortName, EndpointInfo[]>;
    listening: string[];
  } {
    const { routing, frontends } = this.#inForce;
    return {
      services: [...routing.serviceMap.values()],
      endpoints: routing.endpointsMap,
      listening: frontends.map((f) => f.key),
    };
  }

  /** Every frontend the rules in force capture. */
  frontends(): FrontendSpec[] {
    return this.#inForce.frontends.map((f) => ({ ...f }));
  }

  /** Time from a change being seen to `nft` returning, over the last syncs. */
  syncStats(): SyncStats {
    return this.#durations.stats();
  }

  /** Services whose proxy mode nftables cannot express ("ns/name" -> the mode asked for). */
  unsupportedModes(): Map<string, string> {
    return new Map(this.#warned);
  }

  /**
   * What serves the Service in the kernel: the table's own text of each of its chains, with the
   * live counters, and its elements in the dispatch maps (`service-ips`, `no-endpoint-services`,
   * ... : how a packet for each of its addresses gets to those chains, or is refused).
   */
  async rulesFor(namespace: string, name: string): Promise<ServiceRules> {
    const applied = this.#wanted;
    const table = this.#table;
    if (!applied || !table) return { chains: [], elements: [] };
    const prefix = `${namespace}/${name}:`;
    const elements = serviceElements(applied, this.#inForce.frontends, prefix);
    const wanted = [...applied.chains.values()].filter((c) => c.service?.startsWith(prefix));
    if (wanted.length === 0) return { chains: [], elements };
    const listing = await nftListTable(this.#nft, TABLE);
    const blocks = listing ? parseTableListing(listing) : new Map<string, ListedBlock>();
    const chains = [];
    for (const c of wanted) {
      const b = blocks.get(c.name);
      // Rules a sync replaced sit below those in force until the clean-up: not shown.
      const inForce = table.chains.get(c.name)?.rules.length ?? b?.rules.length ?? 0;
      if (b) chains.push({ name: c.name, text: chainTextWithRules(b, inForce) });
    }
    return { chains, elements };
  }

  /** Deletes every conntrack entry whose reply comes from `ip` (a pod that was killed). */
  flushPodConntrack(ip: string): Promise<number> {
    return this.#conntrack.flushReplySource(ip);
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    this.#watch.stop();
    this.#runner.stop();
    this.#cleanupTimer?.cancel();
    await this.networkPolicies.stop();
    await this.#syncs.idle();
    await this.#healthChecks.closeAll();
    await this.#conntrack.idle();
    // Connections in flight keep their NAT (it lives in their conntrack entries).
    if (this.#inForce.generation > 0) {
      try {
        await nftApply(this.#nft, `add table ip ${TABLE}\ndelete table ip ${TABLE}\n`);
      } catch (err) {
        this.#o.logger.warn({ err: String(err) }, 'could not delete the kube-proxy table');
      }
    }
  }

  #changed(): void {
    this.#pendingSince ??= this.#o.clock.now();
    this.#o.health?.queuedUpdate();
    this.#runner.run();
  }

  #onPod(type: string, pod: Pod, previous: Pod | undefined): void {
    const ip = podConntrackToFlush(type, pod, previous);
    if (ip) void this.#conntrack.flushReplySource(ip);
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    await timedSync(this.#o.health, (started) => this.#syncRules(started));
  }

  async #syncRules(started: number): Promise<void> {
    const since = this.#pendingSince;
    this.#pendingSince = undefined;
    const { changed } = this.#watch.drain();
    if (!changed && this.#table) {
      await this.#cleanup();
      this.#o.health?.updated();
      return;
    }
    const routing = this.#watch.routing();
    const frontends = [...desiredFrontends(routing.serviceMap.values(), routing.nodes).values()];
    const next = buildRuleset({ routing, frontends, defaultMode: this.requestedMode }, this.#cache);
    const { plan, state } = this.#table
      ? updatePlan(this.#table, next)
      : { plan: fullPlan(next), state: tableState(next) };
    const previous = this.#inForce;
    const written: RulesInForce = { generation: previous.generation + 1, routing, frontends };
    try {
      if (plan) {
        this.#inForce = { ...previous, writing: written };
        await this.#write(plan);
      }
    } catch (err) {
      // Nothing of the transaction is in force; write everything at the retry.
      this.#inForce = previous;
      this.#table = undefined;
      if (since !== undefined) this.#pendingSince = Math.min(since, this.#pendingSince ?? since);
      throw err;
    }
    this.#table = state;
    this.#wanted = next;
    this.#inForce = written;
    const durationMs = since === undefined ? undefined : this.#o.clock.now() - since;
    if (durationMs !== undefined) this.#durations.add(durationMs);
    this.#o.onRulesApplied?.({ ...this.#inForce, durationMs });
    this.#conntrack.flushStale(previous, this.#inForce);
    this.#sayUnsupportedModes(next);
    if (needsCleanup(state, next)) this.#cleanupSoon();
    await this.#healthChecks.reconcile(routing.serviceMap, routing.endpointsMap, routing.nodes);
    this.#o.health?.updated(
      durationMs === undefined || !plan
        ? undefined
        : {
            elapsedMs: durationMs,
            syncMs: performance.now() - started,
            servicePorts: routing.serviceMap.size,
            endpoints: countEndpoints(routing.endpointsMap),
          },
    );
  }

  /** A sync with no change, CLEANUP_AFTER_MS after the last one, deletes what is unused. */
  #cleanupSoon(): void {
    this.#cleanupTimer?.cancel();
    this.#cleanupTimer = this.#o.clock.setTimeout(() => {
      this.#cleanupDue = true;
      void this.syncProxyRules().catch((err: unknown) =>
        this.#o.logger.warn({ err: String(err) }, 'deleting unused nftables chains failed'),
      );
    }, CLEANUP_AFTER_MS);
  }

  async #cleanup(): Promise<void> {
    const table = this.#table;
    if (!this.#cleanupDue || !table || !this.#wanted) return;
    this.#cleanupDue = false;
    if (!needsCleanup(table, this.#wanted)) return;
    const { plan, state } = cleanupPlan(table, this.#wanted, await this.#ruleHandles(table));
    if (!plan) return;
    try {
      await this.#write(plan);
    } catch (err) {
      this.#table = undefined;
      throw err;
    }
    this.#table = state;
  }

  /** Each chain's rule handles, top to bottom, for the chains holding replaced rules. */
  async #ruleHandles(table: TableState): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (![...table.chains.values()].some((c) => c.dead.length)) return out;
    const r = await runCommand(this.#nft, ['-a', 'list', 'table', 'ip', TABLE]);
    if (r.code !== 0) return out;
    for (const b of parseTableListing(r.stdout).values()) out.set(b.name, b.handles);
    return out;
  }

  /**
   * One transaction; where nft cannot send one that large (an unprivileged user namespace:
   * "Message too long"), the same plan in several, said once in the log.
   */
  async #write(plan: Plan): Promise<void> {
    const script = planScript(plan);
    if (!this.#split || script.length <= SPLIT_BYTES) {
      try {
        await nftApply(this.#nft, script);
        return;
      } catch (err) {
        if (!/Message too long/.test(String(err))) throw err;
        this.#split = true;
        this.#o.logger.warn(
          { err: String(err) },
          'nft cannot send this sync in one transaction (no CAP_NET_ADMIN on the host to raise its netlink buffer: an unprivileged user namespace); large syncs are written in several from now on',
        );
      }
    }
    for (const script of planScripts(plan, SPLIT_BYTES)) await nftApply(this.#nft, script);
  }

  /** One Warning event per Service and mode, as `kubectl describe svc` shows. */
  #sayUnsupportedModes(rs: Ruleset): void {
    const now = new Map<string, string>();
    for (const [spn, mode] of rs.unsupportedModes) {
      const svc = spn.slice(0, spn.lastIndexOf(':'));
      if (!now.has(svc)) now.set(svc, mode);
    }
    for (const svc of this.#warned.keys()) if (!now.has(svc)) this.#warned.delete(svc);
    for (const [svc, mode] of now) {
      if (this.#warned.get(svc) === mode) continue;
      this.#warned.set(svc, mode);
      const [namespace, name] = svc.split('/') as [string, string];
      const service: Service | undefined = this.#o.cluster.store.get('Service', namespace, name);
      if (!service) continue;
      this.#o.cluster.events.record(
        service,
        'Warning',
        PROXY_MODE_NOT_AVAILABLE,
        proxyModeNotAvailableMessage(mode),
        { component: 'kube-proxy' },
      );
    }
  }
}

/** The Service's elements in the table's maps: those keyed by one of its frontends. */
function serviceElements(
  rs: Ruleset,
  frontends: readonly FrontendSpec[],
  prefix: string,
): ServiceRules['elements'] {
  const keys = new Set(
    frontends
      .filter((f) => f.spn.startsWith(prefix))
      .map((f) => `${f.ip} . ${f.protocol.toLowerCase()} . ${f.port} `),
  );
  const out: ServiceRules['elements'] = [];
  for (const s of rs.sets.values()) {
    if (s.kind !== 'map') continue;
    for (const e of s.elements) {
      // `<ip> . <proto> . <port> [comment "..."] : <verdict>`
      if (keys.has(`${e.split(' ', 5).join(' ')} `)) out.push({ map: s.name, element: e });
    }
  }
  return out;
}
