import { podNameParts } from '../format/podName.ts';
import type { EndpointRow } from '../stats/distribution.ts';

const STATE_TAG = { ready: '', 'not-ready': 'not ready', gone: 'gone' } as const;

/** The pod's name with the part that tells it from its siblings always whole. */
function PodName({ endpoint, state }: Pick<EndpointRow, 'endpoint' | 'state'>) {
  const { head, tail } = podNameParts(endpoint);
  return (
    <span className="dist-pod" title={`${endpoint}${STATE_TAG[state] && ` (${STATE_TAG[state]})`}`}>
      {head && <span className="dist-pod-head">{head}</span>}
      <span className="dist-pod-tail">{tail}</span>
      {state !== 'ready' && <span className="dist-tag">{STATE_TAG[state]}</span>}
    </span>
  );
}

/** A row per pod behind the Service (zeros too): count, %, a bar, and a tick at the uniform share. */
export function DistributionBars({ rows, total }: { rows: EndpointRow[]; total: number }) {
  const ready = rows.filter((r) => r.state === 'ready').length;
  const expected = ready > 0 ? 100 / ready : 0;
  const max = Math.max(
    expected * 1.5,
    ...rows.map((r) => (total > 0 ? (100 * r.count) / total : 0)),
    1,
  );
  return (
    <>
      <ul className="dist-rows" aria-label="endpoints">
        {rows.map((r) => {
          const pct = total > 0 ? (100 * r.count) / total : 0;
          return (
            <li
              key={r.endpoint}
              className={`dist-row ${r.state}`}
              data-testid="dist-row"
              data-endpoint={r.endpoint}
              data-count={r.count}
              data-state={r.state}
            >
              <PodName endpoint={r.endpoint} state={r.state} />
              <span className="dist-num dist-count">{r.count}</span>
              <span className="dist-num dist-pct">{pct.toFixed(0)}%</span>
              <span className="dist-bar" aria-hidden="true">
                <span className="dist-fill" style={{ width: `${(100 * pct) / max}%` }} />
                {expected > 0 && (
                  <span className="dist-tick" style={{ left: `${(100 * expected) / max}%` }} />
                )}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="dist-foot">
        {total} in all · tick: uniform share over {ready} ready ({expected.toFixed(0)}%)
      </p>
    </>
  );
}
