import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { selectClassAvailable, showClassView } from '../store/classViewSlice.ts';

const selectToggle = (s: AppState) => ({
  available: selectClassAvailable(s),
  showClass: showClassView(s),
});

/** "Class | Graph" above the graph panel, in workshop mode for the instructor and the projector. */
export function ClassGraphToggle() {
  const { available, showClass } = useAppStore(selectToggle);
  if (!available) return null;
  const choose = (mode: 'class' | 'graph') => appStore.getState().setGraphPanelMode(mode);
  return (
    <span className="seg class-toggle" role="group" aria-label="Class or graph">
      <button type="button" aria-pressed={showClass} onClick={() => choose('class')}>
        Class
      </button>
      <button type="button" aria-pressed={!showClass} onClick={() => choose('graph')}>
        Graph
      </button>
    </span>
  );
}
