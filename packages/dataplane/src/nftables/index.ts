// The kernel dataplane: kube-proxy's nftables mode (see nftablesProxier.ts).
export {
  NftablesProxier,
  PROXY_MODE_NOT_AVAILABLE,
  proxyModeNotAvailableMessage,
  type NftablesProxierOptions,
  type RulesInForce,
  type ServiceRules,
} from './nftablesProxier.ts';
export { buildRuleset, RulesetCache, type RulesetInput } from './ruleset.ts';
export {
  NetworkPolicyEnforcer,
  type NetworkPolicyEnforcerOptions,
} from './networkPolicyEnforcer.ts';
export { POLICY_TABLE as NETWORK_POLICY_TABLE, policyTableScript } from './policyTable.ts';
export type { ChainSpec, Ruleset, SetSpec } from './model.ts';
export {
  fullPlan,
  fullScript,
  planScript,
  planScripts,
  updatePlan,
  cleanupPlan,
  tableState,
  type Plan,
  type TableState,
} from './script.ts';
export {
  TABLE as NFTABLES_TABLE,
  REJECT_NO_ENDPOINTS,
  DROP_NO_ENDPOINTS,
  DROP_SOURCE_RANGES,
  TRACED_CHAINS,
  hashAndTruncate,
  servicePortChains,
  type ServicePortChains,
} from './chainNames.ts';
export { MASQUERADE_MARK, NODE_MARK_MASK, NODE_MARK_SHIFT, nodeMark } from './tableSkeleton.ts';
export {
  assertNotHostNetworkNamespace,
  HostNetworkNamespaceError,
  INIT_NET_INODE,
} from './netnsGuard.ts';
export { parseTableListing, type ListedBlock } from './listing.ts';
export { podConntrackToFlush, staleConntrackFilters } from './conntrackCleaner.ts';
export { findProgram, NftError } from './commands.ts';
export type { SyncStats } from './syncStats.ts';
export type { RoutingState } from '../connectionRouter.ts';
