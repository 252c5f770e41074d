import type { ConnectionEvent } from '@l4lab/protocol';
import { useMemo } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectRecent = (s: AppState) => ({ recent: s.recent });
const SHOWN = 8;

/** Whether a connection event concerns the selected box. */
function concerns(
  e: ConnectionEvent,
  kind: string,
  namespace: string | undefined,
  name: string,
): boolean {
  switch (kind) {
    case 'Pod':
      return (
        (e.endpoint?.namespace === namespace && e.endpoint?.pod === name) ||
        e.client.pod === `${namespace}/${name}`
      );
    case 'Service':
      return e.service.namespace === namespace && e.service.name === name;
    case 'Node':
      return e.frontend.node === name || e.endpoint?.node === name;
    case 'Client':
      return e.client.ip === name;
    default:
      return false;
  }
}

/**
 * The last connections through the selected object, newest first, with their routing reason.
 * (l4lab records no Kubernetes Events; these are its connection events.)
 */
export function DrawerEvents({
  kind,
  namespace,
  name,
}: {
  kind: string;
  namespace: string | undefined;
  name: string;
}) {
  const { recent } = useAppStore(selectRecent);
  const rows = useMemo(() => {
    const out: ConnectionEvent[] = [];
    for (let i = recent.length - 1; i >= 0 && out.length < SHOWN; i--) {
      const e = recent[i]!;
      if (e.outcome !== 'open' && concerns(e, kind, namespace, name)) out.push(e);
    }
    return out;
  }, [recent, kind, namespace, name]);
  if (kind !== 'Pod' && kind !== 'Service' && kind !== 'Node' && kind !== 'Client') return null;
  return (
    <section className="drawer-events" aria-label="recent connections">
      <h4>Recent connections</h4>
      {rows.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <ul>
          {rows.map((e) => (
            <li key={`${e.id}-${e.outcome}`} className={`outcome-${e.outcome}`}>
              <span className="when">
                {new Date(e.endedAt ?? e.startedAt).toLocaleTimeString()}
              </span>{' '}
              <span className="what">
                {e.client.ip} → {e.service.name}:{e.service.port}
                {e.endpoint ? ` → ${e.endpoint.pod}` : ''}
              </span>{' '}
              <span className="outcome">{e.outcome}</span>
              <div className="reason muted small">{e.reason}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
