import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { isWorkshopInstructor } from '../store/workshopSlice.ts';

const selectShown = (s: AppState) => ({ shown: isWorkshopInstructor(s) });

/** The instructor's way to the Workshop panel (join QR code, roster), in workshop mode only. */
export function WorkshopButton() {
  const { shown } = useAppStore(selectShown);
  if (!shown) return null;
  return (
    <button
      type="button"
      onClick={() => appStore.getState().setOverlay('workshop')}
      title="Join QR code, who is connected, the students"
    >
      Workshop
    </button>
  );
}
