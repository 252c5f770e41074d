import { useAppStore } from '../hooks/useAppStore.ts';
import { openProgressBoard } from '../lessons/progressBoardLesson.ts';
import type { AppState } from '../store/createAppStore.ts';
import { isWorkshopInstructor } from '../store/workshopSlice.ts';

const selectShown = (s: AppState) => ({ shown: isWorkshopInstructor(s) });

/** The header's way to the progress board: the workshop's instructor only. */
export function ProgressBoardButton() {
  const { shown } = useAppStore(selectShown);
  if (!shown) return null;
  return (
    <button
      type="button"
      onClick={() => openProgressBoard()}
      title="Every student's checks of a lesson, live"
    >
      Class progress
    </button>
  );
}
