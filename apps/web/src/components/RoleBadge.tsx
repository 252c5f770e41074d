import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { roleBadge } from '../store/workshopSlice.ts';
import '../styles/workshop.css';

const selectBadge = (s: AppState) => ({ text: roleBadge(s), role: s.user?.role });

/** Who this browser is, in workshop mode (nothing otherwise): `student-3 · namespace student-3`. */
export function RoleBadge() {
  const { text, role } = useAppStore(selectBadge);
  if (!text) return null;
  const badge = (
    <span className={`badge role-badge role-${role}`} data-testid="role-badge">
      {text}
    </span>
  );
  if (role !== 'viewer') return badge;
  // In the header, the one place every layout (graph, class lanes) keeps on screen; under the
  // badge, so the projector's crowded header loses no width to it.
  return (
    <span className="role-stack">
      {badge}
      <span className="viewer-note">viewer: watching only</span>
    </span>
  );
}
