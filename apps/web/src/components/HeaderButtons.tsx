import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectLook = (s: AppState) => ({ presenter: s.presenter, theme: s.theme });

export function HeaderButtons() {
  const { presenter, theme } = useAppStore(selectLook);
  const s = () => appStore.getState();
  return (
    <span className="header-buttons">
      <button
        type="button"
        aria-pressed={presenter}
        onClick={() => s().setPresenter(!presenter)}
        title="Presenter mode (P)"
      >
        {presenter ? 'Exit presenter' : 'Present'}
      </button>
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
