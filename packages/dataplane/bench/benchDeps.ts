// What the dataplane benchmark takes from its neighbours (kept in one place).
export { Cluster, DEFAULT_ADDRESS_PLAN, PortMapper, realClock } from '@l4lab/cluster';
export { ConnectionStats as ConnectionStatsSink } from '../src/stats.ts';
