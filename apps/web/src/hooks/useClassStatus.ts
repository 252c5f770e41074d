import { useEffect } from 'react';
import { fetchWorkshopStatus } from '../api/workshopApi.ts';
import { labNow } from '../replay/labClock.ts';
import { appStore } from '../store/appStore.ts';
import { CLASS_SAMPLE_MS } from '../store/classViewSlice.ts';

/** The projector follows the instructor's spotlight within this long. */
const POLL_MS = 2000;

/**
 * While the Class view can be shown (workshop mode, instructor or viewer): asks GET /api/workshop
 * every 2 s for the spotlight and the students' names, and keeps a minute of counter snapshots
 * (one a second) for the lanes' counts and sparklines.
 */
export function useClassStatus(available: boolean): void {
  useEffect(() => {
    if (!available) return;
    let cancelled = false;
    const poll = () => {
      fetchWorkshopStatus().then(
        (r) => {
          if (!cancelled && r.ok) {
            appStore.getState().setClassStatus(r.value.spotlight, r.value.students);
          }
        },
        // Offline for a moment: the link says so; the next poll tries again.
        () => undefined,
      );
    };
    const sample = () => appStore.getState().sampleClassCounters(labNow());
    poll();
    sample();
    const polling = setInterval(poll, POLL_MS);
    const sampling = setInterval(sample, CLASS_SAMPLE_MS);
    return () => {
      cancelled = true;
      clearInterval(polling);
      clearInterval(sampling);
    };
  }, [available]);
}
