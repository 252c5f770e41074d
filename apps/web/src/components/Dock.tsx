import { useEffect, useState } from 'react';
import { appStore } from '../store/appStore.ts';
import { ConnectionLog } from './ConnectionLog.tsx';
import { ResourcesPanel } from './ResourcesPanel.tsx';
import { TerminalPane } from './TerminalPane.tsx';

const TABS = [
  ['log', 'Connections'],
  ['resources', 'Resources'],
  ['terminal', 'Terminal'],
] as const;
type Tab = (typeof TABS)[number][0];

/** The lower panel: connection log, kubectl tables, terminal (all stay mounted). */
export function Dock() {
  const [tab, setTab] = useState<Tab>('resources');
  useEffect(
    () =>
      appStore.subscribe((s, prev) => {
        if (s.terminalTarget !== prev.terminalTarget) setTab('terminal');
      }),
    [],
  );
  return (
    <section className="panel dock" aria-label="Dock">
      <div className="tabs dock-tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : undefined}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="dock-body" hidden={tab !== 'log'}>
        <ConnectionLog />
      </div>
      <div className="dock-body" hidden={tab !== 'resources'}>
        <ResourcesPanel />
      </div>
      <div className="dock-body" hidden={tab !== 'terminal'}>
        <TerminalPane />
      </div>
    </section>
  );
}
