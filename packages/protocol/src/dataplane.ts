import { z } from 'zod';

// Which kube-proxy the lab runs, as the dashboard shows it (`GET /api/dataplane`), and the kernel
// rules serving one Service (`GET /api/dataplane/rules/{namespace}/{name}`).

/** The one table the kernel dataplane writes, as `nft list table ip kube-proxy` names it. */
export const KERNEL_TABLE = 'ip kube-proxy';
/** The pods' network's own table of the kernel dataplane: NetworkPolicies. */
export const NETWORK_POLICY_TABLE = 'ip l4lab-network-policies';

/** 409 under the userspace dataplane: it carries connections itself and writes no rules. */
export const NO_KERNEL_RULES = 'L4_E_NO_KERNEL_RULES';

export const dataplaneNameSchema = z.enum(['userspace', 'nftables']);
export type DataplaneName = z.infer<typeof dataplaneNameSchema>;

/** Time from a change being seen to its rules being in force, over the recent syncs. */
export const ruleSyncStatsSchema = z.object({
  count: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  lastMs: z.number(),
});
export type RuleSyncStats = z.infer<typeof ruleSyncStatsSchema>;

/** The conntrack reader's counts: `lost` counts conntrack's ENOBUFS (events the kernel dropped). */
export const conntrackEventCountsSchema = z.object({
  events: z.number(),
  lost: z.number(),
  restarts: z.number(),
  /**
   * The events' rate limit (new Service connections a second; absent: none): over it the kernel
   * sends no events and counts the connections instead, `unreported` of them so far.
   */
  rateLimit: z.number().optional(),
  unreported: z.number().optional(),
});
export type ConntrackEventCounts = z.infer<typeof conntrackEventCountsSchema>;

/** A Service whose requested proxy mode nftables cannot express (served as random instead). */
export const unsupportedProxyModeSchema = z.object({
  /** `namespace/name` */
  service: z.string(),
  /** The mode asked for, e.g. `ipvs:lc`. */
  requested: z.string(),
});
export type UnsupportedProxyMode = z.infer<typeof unsupportedProxyModeSchema>;

/** GET /api/dataplane */
export const dataplaneStatusSchema = z.object({
  name: dataplaneNameSchema,
  /** Whether the kernel carries the connections (rules in nftables) rather than l4lab's sockets. */
  kernel: z.boolean(),
  table: z.literal(KERNEL_TABLE).optional(),
  sync: ruleSyncStatsSchema.optional(),
  events: conntrackEventCountsSchema.optional(),
  unsupported: z.array(unsupportedProxyModeSchema),
});
export type DataplaneStatus = z.infer<typeof dataplaneStatusSchema>;

/** One chain as `nft list` prints it (`chain name {` to `}`), counters included. */
export const nftChainSchema = z.object({ name: z.string(), text: z.string() });
export type NftChain = z.infer<typeof nftChainSchema>;

/** GET /api/dataplane/rules/{namespace}/{name} */
export const serviceRulesSchema = z.object({
  table: z.literal(KERNEL_TABLE),
  /** `namespace/name` */
  service: z.string(),
  chains: z.array(nftChainSchema),
  /** When the kernel was asked (ms since epoch). */
  at: z.number(),
});
export type ServiceRules = z.infer<typeof serviceRulesSchema>;

/** GET /api/dataplane/policy-rules/{namespace}/{name}: the chains that judge a pod's connections. */
export const podPolicyRulesSchema = z.object({
  table: z.literal(NETWORK_POLICY_TABLE),
  /** `namespace/name` */
  pod: z.string(),
  /** Its ingress and egress chains, those it has (none: no policy isolates it). */
  chains: z.array(nftChainSchema),
  /** When the kernel was asked (ms since epoch). */
  at: z.number(),
});
export type PodPolicyRules = z.infer<typeof podPolicyRulesSchema>;
