import { OUTCOME_COLOURS } from '../graph/particles.ts';

const OUTCOMES = ['open', 'ok', 'refused', 'dropped', 'reset', 'timeout'] as const;
const PODS = [
  ['ready', 'Ready'],
  ['unready', 'not ready'],
  ['pending', 'Pending'],
  ['crashloop', 'CrashLoopBackOff'],
  ['terminating', 'Terminating'],
  ['completed', 'Completed'],
] as const;

/** What the colours mean: connection outcomes (dots) and pod states (boxes). */
export function GraphLegend({ past }: { past: boolean }) {
  return (
    <div className="legend">
      <ul aria-label="Connection outcomes">
        {OUTCOMES.map((o) => (
          <li key={o}>
            <span className="legend-dot" style={{ background: OUTCOME_COLOURS[o] }} />
            {o}
          </li>
        ))}
      </ul>
      <ul aria-label="Pod states">
        {PODS.map(([cls, label]) => (
          <li key={cls}>
            <span className={`legend-pod ${cls}`} />
            {label}
          </li>
        ))}
      </ul>
      <span className="legend-hint">
        {past
          ? 'rewound: the graph shows the cluster and connections at the cursor'
          : 'one dot per real connection · edge width = conn/s · hover an edge, click a box'}
      </span>
    </div>
  );
}
