import { useApply } from '../hooks/useApply.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useSaveShortcut } from '../hooks/useSaveShortcut.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { ApplySummary } from './ApplySummary.tsx';
import { DeleteButton } from './DeleteButton.tsx';
import { EditorSplitter } from './EditorSplitter.tsx';
import { EditorTabs } from './EditorTabs.tsx';
import { LiveToggle } from './LiveToggle.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { ScenarioPicker } from './ScenarioPicker.tsx';
import { YamlEditor } from './YamlEditor.tsx';

const selectToolbar = (s: AppState) => ({ applying: s.apply.state === 'applying' });

export function EditorPane() {
  const { applying } = useAppStore(selectToolbar);
  const apply = useApply();
  useSaveShortcut(apply);
  return (
    <section className="panel editor-panel" aria-label="Manifests">
      <ScenarioPicker />
      <EditorTabs />
      <YamlEditor />
      <div className="toolbar">
        <button type="button" className="primary" onClick={apply} disabled={applying}>
          Apply
        </button>
        <span className="hint">Ctrl+S</span>
        <button
          type="button"
          onClick={() => appStore.getState().setOverlay('diff')}
          title="What Apply would change"
        >
          Diff
        </button>
        <DeleteButton />
        <span className="spacer" />
        <LiveToggle />
      </div>
      <ApplySummary />
      <ProblemsList />
      <EditorSplitter />
    </section>
  );
}
