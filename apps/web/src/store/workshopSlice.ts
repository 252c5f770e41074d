import type { WhoAmIResponse, WorkshopUser } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

/** Who this browser is (GET /api/whoami) and whether the lab runs `--workshop`. */
export interface WorkshopSlice {
  /** Undefined until /api/whoami answers: the page behaves as the instructor's meanwhile. */
  user: WorkshopUser | undefined;
  workshop: boolean;
  setWhoAmI(who: WhoAmIResponse): void;
}

export const createWorkshopSlice: StateCreator<AppState, [], [], WorkshopSlice> = (set) => ({
  user: undefined,
  workshop: false,
  setWhoAmI: ({ user, workshop }) => set({ user, workshop }),
});

type WhoState = Pick<AppState, 'user' | 'workshop'>;

/** A viewer (the projector) watches only: no editor, traffic controls, deletes or typing. */
export const canWrite = (s: WhoState): boolean => s.user?.role !== 'viewer';

export const isViewer = (s: WhoState): boolean => s.user?.role === 'viewer';

/** The instructor of a workshop: the one who sees the roster and the join QR code. */
export const isWorkshopInstructor = (s: WhoState): boolean =>
  s.workshop && s.user?.role === 'instructor';

/** The namespace the editor applies into (a student's own; else the server's `default`). */
export const applyNamespace = (s: WhoState): string | undefined =>
  s.user?.role === 'student' ? s.user.namespace : undefined;

/** The header's badge: who this browser is, in workshop mode only. */
export function roleBadge(s: WhoState): string | undefined {
  const { user } = s;
  if (!s.workshop || !user) return undefined;
  if (user.role === 'viewer') return 'viewer (projector)';
  if (user.role === 'instructor') return 'instructor · workshop';
  return user.namespace ? `${user.name} · namespace ${user.namespace}` : user.name;
}
