import type { Share } from '../stats/distribution.ts';

/** Bars per endpoint with count and %, and a tick at the uniform share. */
export function DistributionBars({ rows, total }: { rows: Share[]; total: number }) {
  const inRotation = rows.filter((r) => r.ready || r.count > 0).length;
  const expected = inRotation > 0 ? 100 / inRotation : 0;
  const max = Math.max(
    expected * 1.5,
    ...rows.map((r) => (total > 0 ? (100 * r.count) / total : 0)),
    1,
  );
  return (
    <ul className="dist-bars">
      {rows.map((r) => {
        const pct = total > 0 ? (100 * r.count) / total : 0;
        return (
          <li key={r.endpoint} className={r.ready ? undefined : 'gone'} title={r.endpoint}>
            <span className="pod-name">{r.endpoint.split('/').pop()}</span>
            <span className="bar" aria-hidden="true">
              <span className="fill" style={{ width: `${(100 * pct) / max}%` }} />
              {expected > 0 && (
                <span className="expected" style={{ left: `${(100 * expected) / max}%` }} />
              )}
            </span>
            <span className="num">{r.count}</span>
            <span className="num">{pct.toFixed(1)}%</span>
          </li>
        );
      })}
      <li className="dist-foot muted small">
        {total} in all · tick = uniform share ({expected.toFixed(1)}%)
        {rows.some((r) => !r.ready) && ' · faded: no longer a ready endpoint'}
      </li>
    </ul>
  );
}
