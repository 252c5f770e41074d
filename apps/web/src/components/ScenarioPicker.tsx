import { useState } from 'react';
import type { Scenario } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectScenarios = (s: AppState) => ({ scenarios: s.scenarios });

/** The server's titles for the seeds; for the others, the file's first comment line. */
export function scenarioTitle(s: Scenario): string {
  if (s.title !== s.id) return `${s.id.slice(0, 2)} · ${s.title}`;
  const first = /^#\s*(.+)$/m.exec(s.yaml)?.[1];
  return first ? `${s.id.slice(0, 2)} · ${first.replace(/\.$/, '')}` : s.id;
}

/** Opens a scenario in its own tab (or goes back to that tab), or resets the tab to it. */
export function ScenarioPicker() {
  const { scenarios } = useAppStore(selectScenarios);
  const [chosen, setChosen] = useState('');
  if (!scenarios || scenarios.items.length === 0) return null;
  const id = chosen || scenarios.default;
  const scenario = scenarios.items.find((s) => s.id === id);
  const open = () => {
    if (!scenario) return;
    const { tabs, switchTab, openTab } = appStore.getState();
    const tab = tabs.find((t) => t.title === `${scenario.id}.yaml`);
    if (tab) switchTab(tab.id);
    else openTab(`${scenario.id}.yaml`, scenario.yaml);
  };
  return (
    <div className="toolbar scenario-picker">
      <label htmlFor="scenario">Scenario</label>
      <select id="scenario" value={id} onChange={(e) => setChosen(e.target.value)}>
        {scenarios.items.map((s) => (
          <option key={s.id} value={s.id}>
            {scenarioTitle(s)}
          </option>
        ))}
      </select>
      <button type="button" onClick={open} title="Open this scenario in its own tab">
        Open
      </button>
      <button
        type="button"
        title="Replace the current tab's text with this scenario"
        onClick={() =>
          scenario && appStore.getState().loadText(scenario.yaml, `${scenario.id}.yaml`)
        }
      >
        Reset tab
      </button>
    </div>
  );
}
