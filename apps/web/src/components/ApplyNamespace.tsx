import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { applyNamespace } from '../store/workshopSlice.ts';
import '../styles/workshop.css';

const selectNamespace = (s: AppState) => ({ namespace: applyNamespace(s) });

/** A student's Apply lands in their own namespace (the server defaults it): say so beside it. */
export function ApplyNamespace() {
  const { namespace } = useAppStore(selectNamespace);
  if (!namespace) return null;
  return (
    <span className="apply-namespace" data-testid="apply-namespace">
      into namespace <b>{namespace}</b>
    </span>
  );
}
