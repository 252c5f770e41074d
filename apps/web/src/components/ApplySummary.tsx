import { useAppStore } from '../hooks/useAppStore.ts';
import { selectApply } from '../store/selectors.ts';

/** kubectl-style outcome of the last apply: `deployment.apps/my-nginx created`. */
export function ApplySummary() {
  const { apply } = useAppStore(selectApply);
  switch (apply.state) {
    case 'idle':
      return (
        <p className="apply-summary muted" data-testid="apply-summary">
          Edit the manifests, then Apply (Ctrl+S).
        </p>
      );
    case 'applying':
      return (
        <p className="apply-summary muted" data-testid="apply-summary" role="status">
          Applying…
        </p>
      );
    case 'applied':
      return (
        <div className="apply-summary ok" data-testid="apply-summary" role="status">
          {apply.lines.length === 0
            ? 'Nothing to apply.'
            : apply.lines.map((l) => <div key={l}>{l}</div>)}
        </div>
      );
    case 'failed':
      return (
        <p className="apply-summary bad" data-testid="apply-summary" role="alert">
          {apply.message}
        </p>
      );
  }
}
