import type { ServerInfo } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import {
  connectionRate,
  keepAliveRequestRate,
  selectHeader,
  selectRates,
} from '../store/selectors.ts';
import { HeaderButtons } from './HeaderButtons.tsx';
import { RoleBadge } from './RoleBadge.tsx';
import { EventsLostFact } from './EventsLostFact.tsx';

/** `userspace · iptables (random)`, `userspace · ipvs (rr)`, `nftables (kernel) · random`. */
function dataplaneText(server: ServerInfo): string {
  // The kernel's rules pick at random whatever mode was asked (others are refused per Service).
  if (server.dataplane === 'nftables') return 'nftables (kernel) · random';
  const [mode = '', scheduler] = server.proxyMode.split(':');
  const how =
    mode === 'iptables' || mode === 'nftables'
      ? `${mode} (random)`
      : mode === 'ipvs'
        ? `ipvs (${scheduler ?? 'rr'})`
        : mode === 'maglev'
          ? 'maglev (consistent hash)'
          : server.proxyMode;
  return `${server.dataplane} · ${how}`;
}

const perSecond = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n)));

/** `20 conn/s`, and `· 50 req/s` while keep-alive generators run (re-drawn by the clock). */
function Rates() {
  const { rateSamples, generators, sampled } = useAppStore(selectRates);
  // No frame comes when nothing happens: the clock moves the rate's window on.
  const now = useNow(250);
  const rate = connectionRate(rateSamples, now);
  const requests = keepAliveRequestRate(generators.values());
  return (
    <>
      <span className="fact">
        <b className="rate" data-testid="conn-rate">
          {perSecond(rate)}
        </b>{' '}
        conn/s
        {requests !== undefined && (
          <span title="HTTP requests per second the running generators send: with keep-alive, many ride on one connection">
            {' · '}
            <b className="rate" data-testid="request-rate">
              {perSecond(requests)}
            </b>{' '}
            req/s
          </span>
        )}
      </span>
      {sampled > 0 && (
        <span
          className="fact muted"
          title="Beyond 200 connections per 50 ms frame the server counts connections instead of sending each one, and with the kernel dataplane, over --events-rate-limit new connections a second, the kernel counts them without events: those are in the counters and rates, not drawn as dots"
        >
          {sampled} counted, not drawn
        </span>
      )}
    </>
  );
}

/** `kind-dev.example.com:6443` from `https://kind-dev.example.com:6443`. */
function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/** What the header calls a cluster whose Services bypass netfilter (the tooltip says why it matters). */
const ROUTING_NAMES: Record<string, string> = {
  'cilium-kube-proxy-replacement': "Services: Cilium's kube-proxy replacement (eBPF)",
  'calico-ebpf': 'Services: Calico eBPF',
  unknown: 'Services: routing not known',
};

type Agent = NonNullable<NonNullable<ServerInfo['cluster']>['agents']>[number];

/** One agent's line of the tooltip: `node-1: nftables; 3 lost, 1 start or end not seen`. */
function agentLine(a: Agent): string {
  const state = a.connected ? (a.mode ?? 'connected') : `not connected: ${a.error ?? 'connecting'}`;
  return `${a.node || a.name}: ${state}; ${a.lost} lost, ${a.missed} start or end not seen (${a.name})`;
}

/** Remote mode: which cluster and context, where connection dots come from (the agents) or why none come. */
function ClusterFacts({ cluster }: { cluster: NonNullable<ServerInfo['cluster']> }) {
  const agents = cluster.agents ?? [];
  const live = agents.some((a) => a.connected);
  // `lost` counts the agent's loss reports (an ENOBUFS says events were dropped, not how many).
  const losing = new Set(agents.filter((a) => a.lost + a.missed > 0).map((a) => a.node || a.name));
  const perNode = agents.map(agentLine).join('\n');
  return (
    <>
      <span className="fact fact-cluster" title={`the cluster's API server: ${cluster.server}`}>
        cluster: <b>{cluster.context}</b> ({hostOf(cluster.server)})
      </span>
      {cluster.connections && (
        <span
          className={live ? 'fact fact-agents' : 'fact muted'}
          data-testid="agents"
          title={`connection events from the l4lab agents (conntrack on each node): ${cluster.connections}${perNode ? `\n${perNode}` : ''}`}
        >
          {live
            ? cluster.connections
            : `per-connection routing needs the agent: ${cluster.connections}`}
        </span>
      )}
      {cluster.serviceRouting && cluster.serviceRouting.kind !== 'kube-proxy' && (
        <span
          className={cluster.serviceRouting.kind === 'unknown' ? 'fact muted' : 'fact warn'}
          data-testid="service-routing"
          title={cluster.serviceRouting.detail}
        >
          {ROUTING_NAMES[cluster.serviceRouting.kind]}
        </span>
      )}
      {losing.size > 0 && (
        <span
          className="fact warn"
          title={`losses the agents reported (the kernel's ENOBUFS, reader restarts, events dropped for a slow stream) and connections whose start or end was not seen, per node:\n${perNode}`}
        >
          events lost on {losing.size} {losing.size === 1 ? 'node' : 'nodes'}
        </span>
      )}
    </>
  );
}

export function Header() {
  const { server, link, protocolVersionMismatch } = useAppStore(selectHeader);
  return (
    <header className="app-header">
      <h1>l4lab</h1>
      <div className="facts">
        {/* The live rate first: when the header is short of room, the facts after it are cut. */}
        <Rates />
        {server?.cluster && <ClusterFacts cluster={server.cluster} />}
        {server && !server.cluster && (
          <>
            <span className="fact fact-runtime" title={server.runtimeReason}>
              runtime: <b>{server.runtime}</b>
            </span>
            <span className="fact fact-dataplane" title={`dataplane: ${dataplaneText(server)}`}>
              <span className="fact-label">dataplane: </span>
              <b>{dataplaneText(server)}</b>
            </span>
            {server.dataplane === 'nftables' && <EventsLostFact />}
            {server.addressMode === 'mapped' && (
              <span className="fact warn" title="This OS cannot bind 127.x addresses or low ports">
                addresses: <b>mapped to 127.0.0.1</b>
              </span>
            )}
          </>
        )}
      </div>
      {protocolVersionMismatch && (
        <span className="badge warn" role="status">
          server speaks another protocol version: reload the page
        </span>
      )}
      <RoleBadge />
      <HeaderButtons />
      <span className={`link link-${link}`} role="status" aria-label="server link">
        <span className="link-dot" aria-hidden="true" />
        <span data-testid="link-state">{link}</span>
      </span>
    </header>
  );
}
