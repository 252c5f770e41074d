import type { ServerInfo } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectConnectionRate, selectHeader } from '../store/selectors.ts';
import { HeaderButtons } from './HeaderButtons.tsx';

/** `userspace · iptables (random)`, `userspace · ipvs (rr)`. */
function dataplaneText(server: ServerInfo): string {
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

const selectRate = (s: Parameters<typeof selectConnectionRate>[0]) => ({
  rate: selectConnectionRate(s),
  sampled: s.sampledTotal,
});

export function Header() {
  const { server, link, protocolVersionMismatch } = useAppStore(selectHeader);
  const { rate, sampled } = useAppStore(selectRate);
  return (
    <header className="app-header">
      <h1>l4lab</h1>
      <div className="facts">
        {server && (
          <>
            <span className="fact" title={server.runtimeReason}>
              runtime: <b>{server.runtime}</b>
            </span>
            <span className="fact">
              dataplane: <b>{dataplaneText(server)}</b>
            </span>
            {server.addressMode === 'mapped' && (
              <span className="fact warn" title="This OS cannot bind 127.x addresses or low ports">
                addresses: <b>mapped to 127.0.0.1</b>
              </span>
            )}
          </>
        )}
        <span className="fact">
          <b className="rate" data-testid="conn-rate">
            {rate < 10 ? rate.toFixed(1) : Math.round(rate)}
          </b>{' '}
          conn/s
        </span>
        {sampled > 0 && (
          <span
            className="fact muted"
            title="Beyond 200 connections per 50 ms frame the server counts connections instead of sending each one: those are in the counters and rates, not drawn as dots"
          >
            {sampled} counted, not drawn
          </span>
        )}
      </div>
      {protocolVersionMismatch && (
        <span className="badge warn" role="status">
          server speaks another protocol version: reload the page
        </span>
      )}
      <HeaderButtons />
      <span className={`link link-${link}`} role="status" aria-label="server link">
        <span className="link-dot" aria-hidden="true" />
        <span data-testid="link-state">{link}</span>
      </span>
    </header>
  );
}
