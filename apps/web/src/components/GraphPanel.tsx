import { useClassStatus } from '../hooks/useClassStatus.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectClassAvailable, showClassView } from '../store/classViewSlice.ts';
import { ClassView } from './ClassView.tsx';
import { GraphView } from './GraphView.tsx';

/**
 * The graph's place on the page: the live graph, or in workshop mode (instructor and projector)
 * the Class view, one lane per student; the instructor's spotlight opens the graph on one student.
 */
export function GraphPanel() {
  const available = useAppStore(selectClassAvailable);
  const showClass = useAppStore(showClassView);
  useClassStatus(available);
  return showClass ? <ClassView /> : <GraphView />;
}
