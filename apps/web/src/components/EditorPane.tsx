import { useState } from 'react';
import { useApply } from '../hooks/useApply.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useSaveShortcut } from '../hooks/useSaveShortcut.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { ApplySummary } from './ApplySummary.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { YamlEditor } from './YamlEditor.tsx';

const selectToolbar = (s: AppState) => ({
  scenarios: s.scenarios,
  applying: s.apply.state === 'applying',
});

export function EditorPane() {
  const { scenarios, applying } = useAppStore(selectToolbar);
  const apply = useApply();
  useSaveShortcut(apply);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const scenarioId = chosen ?? scenarios?.default ?? '';

  function reset() {
    const scenario = scenarios?.items.find((s) => s.id === scenarioId);
    if (scenario) appStore.getState().loadText(scenario.yaml);
  }

  return (
    <section className="panel editor-panel" aria-label="Manifests">
      <div className="toolbar">
        <button type="button" className="primary" onClick={apply} disabled={applying}>
          Apply
        </button>
        <span className="hint">Ctrl+S</span>
        <span className="spacer" />
        {scenarios && scenarios.items.length > 0 && (
          <>
            <label className="sr-only" htmlFor="scenario">
              Scenario
            </label>
            <select id="scenario" value={scenarioId} onChange={(e) => setChosen(e.target.value)}>
              {scenarios.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
            <button
              type="button"
              onClick={reset}
              title="Replace the editor's text with this scenario"
            >
              Reset to scenario
            </button>
          </>
        )}
      </div>
      <YamlEditor />
      <ApplySummary />
      <ProblemsList />
    </section>
  );
}
