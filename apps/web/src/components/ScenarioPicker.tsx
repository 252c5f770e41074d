import { useState } from 'react';
import type { Scenario } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectScenarios = (s: AppState) => ({
  scenarios: s.scenarios,
  tutorialFiles: s.tutorialFiles,
});

/** The server's titles for the seeds; for the others, the file's first comment line. */
export function scenarioTitle(s: Scenario): string {
  if (s.title !== s.id) return `${s.id.slice(0, 2)} · ${s.title}`;
  const first = /^#\s*(.+)$/m.exec(s.yaml)?.[1];
  return first ? `${s.id.slice(0, 2)} · ${first.replace(/\.$/, '')}` : s.id;
}

/** A tutorial file's option value (scenario options are their ids). */
const TUTORIAL = 'tutorial:';

/**
 * Opens a scenario, or one of the tutorial's files (`pod_test.yaml`, what `kubectl apply -f` names
 * in the console), in its own tab (or goes back to that tab), or resets the tab to it.
 */
export function ScenarioPicker() {
  const { scenarios, tutorialFiles = [] } = useAppStore(selectScenarios);
  const [chosen, setChosen] = useState('');
  if (!scenarios || scenarios.items.length === 0) return null;
  const id = chosen || scenarios.default;
  const scenario = scenarios.items.find((s) => s.id === id);
  const file = id.startsWith(TUTORIAL)
    ? tutorialFiles.find((f) => f.name === id.slice(TUTORIAL.length))
    : scenario && { name: `${scenario.id}.yaml`, text: scenario.yaml };
  const open = () => {
    if (!file) return;
    const { tabs, switchTab, openTab } = appStore.getState();
    const tab = tabs.find((t) => t.title === file.name);
    if (tab) switchTab(tab.id);
    else openTab(file.name, file.text);
  };
  return (
    <div className="toolbar scenario-picker">
      <label htmlFor="scenario">Scenario</label>
      <select id="scenario" value={id} onChange={(e) => setChosen(e.target.value)}>
        <optgroup label="Scenarios">
          {scenarios.items.map((s) => (
            <option key={s.id} value={s.id}>
              {scenarioTitle(s)}
            </option>
          ))}
        </optgroup>
        {tutorialFiles.length > 0 && (
          <optgroup label="Tutorial files (kubectl apply -f)">
            {tutorialFiles.map((f) => (
              <option key={f.name} value={`${TUTORIAL}${f.name}`}>
                {f.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <button type="button" onClick={open} title="Open this file in its own tab">
        Open
      </button>
      <button
        type="button"
        title="Replace the current tab's text with this file"
        onClick={() => file && appStore.getState().loadText(file.text, file.name)}
      >
        Reset tab
      </button>
    </div>
  );
}
