import type { ConnectionEvent } from '@l4lab/protocol';
import { frontendBadge } from '../format/kube.ts';
import { reasonText } from './logLayout.ts';

function time(t: number): string {
  const d = new Date(t);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * One connection. Time, client and frontend may be cut short (hover shows them whole); the
 * Service, the pod and the routing reason wrap and are always read whole.
 */
export function LogRow({ event: e, top }: { event: ConnectionEvent; top: number }) {
  const client = e.client.pod ?? `${e.client.ip}:${e.client.port}`;
  const frontend = `${frontendBadge(e.frontend.kind)} ${e.frontend.ip}:${e.frontend.port}`;
  const endpoint = e.endpoint
    ? ` (${e.endpoint.namespace}/${e.endpoint.pod}, ${e.endpoint.ip}:${e.endpoint.port} on ${e.endpoint.node})`
    : '';
  return (
    <div className={`log-row outcome-${e.outcome}`} role="row" data-row-id={e.id} style={{ top }}>
      <span role="cell" title={new Date(e.startedAt).toLocaleString()}>
        {time(e.startedAt)}
      </span>
      <span role="cell" title={`${client}${e.client.snatIP ? `, SNAT to ${e.client.snatIP}` : ''}`}>
        {client}
      </span>
      <span
        role="cell"
        title={`${e.frontend.kind} ${e.frontend.ip}:${e.frontend.port}${e.frontend.node ? ` on ${e.frontend.node}` : ''}`}
      >
        {frontend}
      </span>
      <span
        role="cell"
        className="log-wrap log-service"
        title={`${e.service.namespace}/${e.service.name}:${e.service.port} →${endpoint || ' no endpoint'}`}
      >
        {e.service.name}:{e.service.port} →{' '}
        <span className="log-pod">{e.endpoint?.pod ?? '—'}</span>
      </span>
      <span role="cell" className={`outcome ${e.outcome}`} title={e.outcome}>
        {e.outcome}
      </span>
      <span role="cell" className="log-wrap log-reason" title={reasonText(e)}>
        {reasonText(e)}
      </span>
    </div>
  );
}
