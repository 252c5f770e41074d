import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { canWrite } from '../store/workshopSlice.ts';
import { ProgressBoardButton } from './ProgressBoardButton.tsx';
import { RecordReplayButtons } from './RecordReplayButtons.tsx';
import { WorkshopButton } from './WorkshopButton.tsx';
import { WorkspaceMenu } from './WorkspaceMenu.tsx';

const selectLook = (s: AppState) => ({
  presenter: s.presenter,
  theme: s.theme,
  // A viewer stays in the presenter layout: no way out of it to offer.
  viewer: !canWrite(s),
});

export function HeaderButtons() {
  const { presenter, theme, viewer } = useAppStore(selectLook);
  const s = () => appStore.getState();
  return (
    <span className="header-buttons">
      <WorkshopButton />
      <ProgressBoardButton />
      <RecordReplayButtons />
      <WorkspaceMenu />
      {!viewer && (
        <button
          type="button"
          aria-pressed={presenter}
          onClick={() => s().setPresenter(!presenter)}
          title="Presenter mode (P)"
        >
          {presenter ? 'Exit presenter' : 'Present'}
        </button>
      )}
      <button
        type="button"
        onClick={() => s().setTheme(theme === 'dark' ? 'light' : 'dark')}
        title="Light / dark theme (T)"
      >
        {theme === 'dark' ? 'Light' : 'Dark'}
      </button>
      <button
        type="button"
        aria-label="Keyboard shortcuts"
        onClick={() => s().setOverlay('shortcuts')}
        title="Keyboard shortcuts (?)"
      >
        ?
      </button>
    </span>
  );
}
