import type { ConnectionEvent } from '@l4lab/protocol';
import { frontendBadge } from '../format/kube.ts';

export const ROW_H = 26;

function time(t: number): string {
  const d = new Date(t);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function LogRow({ event: e, top }: { event: ConnectionEvent; top: number }) {
  const pod = e.endpoint?.pod ?? '—';
  return (
    <div className={`log-row outcome-${e.outcome}`} role="row" style={{ top, height: ROW_H }}>
      <span>{time(e.startedAt)}</span>
      <span title={e.client.snatIP ? `SNAT to ${e.client.snatIP}` : undefined}>
        {e.client.pod ?? `${e.client.ip}:${e.client.port}`}
      </span>
      <span
        title={`${e.frontend.kind} ${e.frontend.ip}:${e.frontend.port}${e.frontend.node ? ` on ${e.frontend.node}` : ''}`}
      >
        {frontendBadge(e.frontend.kind)} {e.frontend.ip}:{e.frontend.port}
      </span>
      <span title={`${e.service.namespace}/${e.service.name}`}>
        {e.service.name}:{e.service.port} → {pod}
      </span>
      <span className={`outcome ${e.outcome}`}>{e.outcome}</span>
      <span title={e.reason}>
        {e.mode} · {e.reason}
      </span>
    </div>
  );
}
