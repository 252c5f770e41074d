import { useApply } from '../hooks/useApply.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useSaveShortcut } from '../hooks/useSaveShortcut.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { ApplyNamespace } from './ApplyNamespace.tsx';
import { ApplySummary } from './ApplySummary.tsx';
import { CopyLinkButton } from './CopyLinkButton.tsx';
import { DeleteButton } from './DeleteButton.tsx';
import { EditorSplitter } from './EditorSplitter.tsx';
import { EditorTabs } from './EditorTabs.tsx';
import { LiveToggle } from './LiveToggle.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { ReplayLock } from './ReplayLock.tsx';
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
      <ReplayLock className="toolbar">
        <button type="button" className="primary" onClick={apply} disabled={applying}>
          Apply
        </button>
        <span className="hint">Ctrl+S</span>
        <ApplyNamespace />
        <button
          type="button"
          onClick={() => appStore.getState().setOverlay('diff')}
          title="What Apply would change"
        >
          Diff
        </button>
        <DeleteButton />
        <CopyLinkButton />
        <span className="spacer" />
        <LiveToggle />
      </ReplayLock>
      <ApplySummary />
      <ProblemsList />
      <EditorSplitter />
    </section>
  );
}
