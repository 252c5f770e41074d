import { useMemo } from 'react';
import type { EndpointCounters } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectCounters = (s: AppState) => ({
  counters: s.counters,
  kernel: s.server?.dataplane === 'nftables',
});

interface Totals {
  connections: number;
  active: number;
  refused: number;
  dropped: number;
  reset: number;
  bytesIn: number;
  bytesOut: number;
  unreported: number;
}

function sum(list: EndpointCounters[]): Totals {
  const t = {
    connections: 0,
    active: 0,
    refused: 0,
    dropped: 0,
    reset: 0,
    bytesIn: 0,
    bytesOut: 0,
    unreported: 0,
  };
  for (const c of list) {
    t.connections += c.connections;
    t.active += c.active;
    t.refused += c.refused;
    t.dropped += c.dropped;
    t.reset += c.reset;
    t.bytesIn += c.bytesIn;
    t.bytesOut += c.bytesOut;
    t.unreported += c.unreported ?? 0;
  }
  return t;
}

const kib = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);

/** The dataplane's counters for the selected pod (as an endpoint) or Service (all its ports). */
export function DrawerCounters(props: {
  kind: string;
  namespace?: string | undefined;
  name: string;
}) {
  const { counters, kernel } = useAppStore(selectCounters);
  const key = `${props.namespace}/${props.name}`;
  const list = useMemo(() => {
    const all = [...counters.values()];
    if (props.kind === 'Pod') return all.filter((c) => c.endpoint === key);
    if (props.kind === 'Service')
      return all.filter((c) => c.service.replace(/:[^:/]*$/, '') === key);
    return [];
  }, [counters, props.kind, key]);
  if (props.kind !== 'Pod' && props.kind !== 'Service') return null;
  const t = sum(list);
  return (
    <dl className="drawer-counters" aria-label="counters">
      <div>
        <dt>connections</dt>
        <dd>{t.connections}</dd>
      </div>
      {t.unreported > 0 && (
        <div
          title={
            "Over the events' rate limit (--events-rate-limit) the kernel counted these connections " +
            'per endpoint without sending their events: in the connections, not in the bytes, not drawn'
          }
        >
          <dt>counted only</dt>
          <dd>{t.unreported}</dd>
        </div>
      )}
      {kernel ? (
        // The kernel dataplane knows a connection from its conntrack entry: NEW, then DESTROY when
        // the entry goes, which for a closed TCP connection is after TIME_WAIT (1 s in the lab).
        <div
          title={
            'Connections with a conntrack entry now (conntrack -L): a closed TCP connection keeps ' +
            'its entry for 1 s of TIME_WAIT (nf_conntrack_tcp_timeout_time_wait), a UDP flow for ' +
            'its timeout after the last packet'
          }
        >
          <dt>in conntrack</dt>
          <dd>{t.active}</dd>
        </div>
      ) : (
        <div>
          <dt>open now</dt>
          <dd>{t.active}</dd>
        </div>
      )}
      {props.kind === 'Service' && (
        <>
          <div>
            <dt>refused</dt>
            <dd className={t.refused ? 'bad' : undefined}>{t.refused}</dd>
          </div>
          <div>
            <dt>dropped</dt>
            <dd className={t.dropped ? 'bad' : undefined}>{t.dropped}</dd>
          </div>
        </>
      )}
      <div>
        <dt>reset</dt>
        <dd>{t.reset}</dd>
      </div>
      <div>
        <dt>bytes in / out</dt>
        <dd>
          {kib(t.bytesIn)} / {kib(t.bytesOut)}
        </dd>
      </div>
    </dl>
  );
}
