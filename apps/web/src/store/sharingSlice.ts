import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

/** What a scenario link or a workspace import/export has to tell the user. */
export interface SharingNotice {
  tone: 'info' | 'ok' | 'error';
  title: string;
  /** Details, one per line (an import's errors, the counts). */
  lines: readonly string[];
  /** Increases with every notice, so one that repeats is shown again. */
  seq: number;
}

export interface SharingSlice {
  sharingNotice: SharingNotice | undefined;
  showSharingNotice(notice: Omit<SharingNotice, 'seq'>): void;
  dismissSharingNotice(): void;
}

export const createSharingSlice: StateCreator<AppState, [], [], SharingSlice> = (set) => ({
  sharingNotice: undefined,
  showSharingNotice: (notice) =>
    set((s) => ({ sharingNotice: { ...notice, seq: (s.sharingNotice?.seq ?? 0) + 1 } })),
  dismissSharingNotice: () => set({ sharingNotice: undefined }),
});
