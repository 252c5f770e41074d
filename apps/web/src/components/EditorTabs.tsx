import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectTabs = (s: AppState) => ({ tabs: s.tabs, active: s.activeTab });

/** One tab per buffer: switch, close, add an empty one. */
export function EditorTabs() {
  const { tabs, active } = useAppStore(selectTabs);
  return (
    <div className="editor-tabs" role="tablist" aria-label="Editor tabs">
      {tabs.map((t) => (
        <span key={t.id} className={`editor-tab${t.id === active ? ' active' : ''}`}>
          <button
            type="button"
            role="tab"
            aria-selected={t.id === active}
            onClick={() => appStore.getState().switchTab(t.id)}
            title={t.title}
          >
            {t.title}
          </button>
          {tabs.length > 1 && (
            <button
              type="button"
              className="close"
              aria-label={`Close ${t.title}`}
              onClick={() => appStore.getState().closeTab(t.id)}
            >
              ×
            </button>
          )}
        </span>
      ))}
      <button
        type="button"
        className="add"
        aria-label="New tab"
        title="New empty tab"
        onClick={() => appStore.getState().openTab(`untitled-${tabs.length + 1}.yaml`, '')}
      >
        +
      </button>
    </div>
  );
}
