import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { DiffView } from './DiffView.tsx';
import { GuidedTour } from './GuidedTour.tsx';
import { ProgressBoard } from './ProgressBoard.tsx';
import { SHORTCUTS } from '../hooks/useShortcuts.ts';
import { WorkshopPanel } from './WorkshopPanel.tsx';

const selectOverlay = (s: AppState) => ({ overlay: s.overlay });

function Dialog({ title, children }: { title: string; children: React.ReactNode }) {
  const close = () => appStore.getState().setOverlay(undefined);
  return (
    <div className="overlay" role="presentation" onClick={close}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>{title}</h2>
          <button type="button" className="close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export function Overlays() {
  const { overlay } = useAppStore(selectOverlay);
  if (overlay === 'tour') return <GuidedTour />;
  if (overlay === 'progress') return <ProgressBoard />;
  if (overlay === 'workshop') return <WorkshopPanel />;
  if (overlay === 'diff') {
    return (
      <Dialog title="Diff: what Apply would change">
        <DiffView />
      </Dialog>
    );
  }
  if (overlay === 'shortcuts') {
    return (
      <Dialog title="Keyboard shortcuts">
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Dialog>
    );
  }
  return null;
}
