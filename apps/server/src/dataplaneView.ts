import {
  KERNEL_TABLE,
  type ConntrackEventCounts,
  type DataplaneStatus,
  type NftChain,
  type RuleSyncStats,
  type UnsupportedProxyMode,
} from '@l4lab/protocol';
import type { DataplaneView } from './routes/dataplaneRoutes.ts';

// The dashboard's view of the running kube-proxy (GET /api/dataplane and its rules), built from
// what each dataplane exposes. Structural types, so the routes and their tests need neither the
// nft binary nor a conntrack reader.

/** What the kernel dataplane (NftablesProxier) offers the dashboard. */
export interface KernelRules {
  syncStats(): RuleSyncStats;
  /** "namespace/name" -> the proxy mode asked for, for Services nftables serves as random. */
  unsupportedModes(): Map<string, string>;
  rulesFor(namespace: string, name: string): Promise<{ chains: NftChain[] }>;
  /** The pods' network beside it: the NetworkPolicy chains that judge a pod's connections. */
  networkPolicies: { rulesFor(namespace: string, name: string): Promise<NftChain[]> };
}

/** What the conntrack reader (ConntrackEventSource) counts; extra fields are ignored. */
export interface ConntrackCounts {
  stats(): ConntrackEventCounts;
}

export function userspaceDataplaneView(): DataplaneView {
  return {
    name: 'userspace',
    status: () => ({ name: 'userspace', kernel: false, unsupported: [] }),
  };
}

export interface NftablesViewDeps {
  rules: KernelRules;
  /** Absent until the conntrack reader runs. */
  events?: ConntrackCounts | undefined;
  /** Whether the API server has this Service (the rules of an unknown one are a 404). */
  serviceExists(namespace: string, name: string): boolean;
  /** Whether the API server has this Pod. */
  podExists(namespace: string, name: string): boolean;
}

export function nftablesDataplaneView(d: NftablesViewDeps): DataplaneView {
  return {
    name: 'nftables',
    status(): DataplaneStatus {
      return {
        name: 'nftables',
        kernel: true,
        table: KERNEL_TABLE,
        sync: syncOf(d.rules.syncStats()),
        ...(d.events ? { events: countsOf(d.events.stats()) } : {}),
        unsupported: unsupportedList(d.rules.unsupportedModes()),
      };
    },
    async rulesFor(namespace, name) {
      if (!d.serviceExists(namespace, name)) return undefined;
      return { chains: (await d.rules.rulesFor(namespace, name)).chains };
    },
    async policyRulesFor(namespace, name) {
      if (!d.podExists(namespace, name)) return undefined;
      return { chains: await d.rules.networkPolicies.rulesFor(namespace, name) };
    },
  };
}

/** The map as a list sorted by Service, so the answer is the same from one poll to the next. */
export function unsupportedList(modes: ReadonlyMap<string, string>): UnsupportedProxyMode[] {
  return [...modes]
    .map(([service, requested]) => ({ service, requested }))
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

// Copies of the fields the wire type names: the sources carry more (missedStarts, open).
function syncOf(s: RuleSyncStats): RuleSyncStats {
  return { count: s.count, p50Ms: s.p50Ms, p95Ms: s.p95Ms, lastMs: s.lastMs };
}

function countsOf(s: ConntrackEventCounts): ConntrackEventCounts {
  return {
    events: s.events,
    lost: s.lost,
    restarts: s.restarts,
    ...(s.rateLimit ? { rateLimit: s.rateLimit, unreported: s.unreported ?? 0 } : {}),
  };
}
