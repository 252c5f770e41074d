import type { ConnectionEvent } from '@l4lab/protocol';
import { podNameParts } from '../format/podName.ts';
import { useNow } from '../hooks/useNow.ts';
import { appStore } from '../store/appStore.ts';
import { spotlightShown } from '../store/classViewSlice.ts';

/** How many of the latest connections the projector shows. */
const SHOWN = 5;

/** The latest finished (or refused) connections, newest first: one of each client and Service. */
function latest(recent: readonly ConnectionEvent[], namespace?: string): ConnectionEvent[] {
  const out: ConnectionEvent[] = [];
  for (let i = recent.length - 1; i >= 0 && out.length < SHOWN; i--) {
    const e = recent[i]!;
    if (e.outcome === 'open') continue;
    // The workshop's spotlight: the spotlit student's connections only.
    if (namespace !== undefined && e.service.namespace !== namespace) continue;
    out.push(e);
  }
  return out;
}

/** The pod on one line: what tells it from its siblings whole, its Deployment's name cut if need be. */
function PodName({ pod }: { pod: string }) {
  const { head, tail } = podNameParts(pod);
  return (
    <b className="route-pod" title={pod}>
      {head && <span className="dist-pod-head">{head}</span>}
      <span className="dist-pod-tail">{tail}</span>
    </b>
  );
}

/** Presenter mode: why the last few connections went where they went, in large type. */
export function RecentReasons() {
  useNow(1000);
  const state = appStore.getState();
  const events = latest(state.recent, spotlightShown(state));
  return (
    <section className="panel recent-reasons" aria-label="Latest connections">
      <h2>Why it went there</h2>
      {events.length === 0 ? (
        <p className="muted">No connections yet: start traffic, or curl a Service.</p>
      ) : (
        <ol>
          {events.map((e) => (
            <li key={e.id} className={`outcome-${e.outcome}`}>
              <span className="route">
                <span className="route-from">
                  {e.service.name}:{e.service.port}
                </span>
                {e.endpoint ? (
                  <>
                    <span className="route-arrow">{' → '}</span>
                    <PodName pod={e.endpoint.pod} />
                  </>
                ) : (
                  <b className={`outcome ${e.outcome}`}> {e.outcome}</b>
                )}
              </span>
              <span className="reason">{e.reason}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
