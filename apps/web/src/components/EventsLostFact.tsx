import { useDataplaneStatus } from '../hooks/useDataplaneStatus.ts';
import { eventsLostText } from '../format/nftRules.ts';

/** Why connections can be missing under the kernel dataplane: conntrack's reader lost events. */
function lostTitle(times: number): string {
  return (
    `conntrack reported ENOBUFS ${times === 1 ? 'once' : `${times} times`}: the kernel's ` +
    'netlink queue of connection events overflowed before l4lab read it, and the kernel dropped ' +
    'events (at least one each time). Those connections were carried all the same, but are ' +
    'missing from the log, the graph and the counters. A lower connection rate avoids it.'
  );
}

/** The header's warning `N events lost` (kernel dataplane only; nothing while none were lost). */
export function EventsLostFact() {
  const status = useDataplaneStatus();
  const text = eventsLostText(status);
  if (!text) return null;
  return (
    <span
      className="fact warn"
      role="status"
      title={lostTitle(status?.events?.lost ?? 0)}
      data-testid="events-lost"
    >
      <b>{text}</b>
    </span>
  );
}
