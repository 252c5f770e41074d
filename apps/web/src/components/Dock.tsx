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

/**
 * The lower panel: connection log, kubectl tables, terminal (all stay mounted). "Enlarge" gives it
 * three quarters of the height (class `large`, styles/dock.css), for the terminal on a projector.
 */
export function Dock() {
  const [tab, setTab] = useState<Tab>('resources');
  const [large, setLarge] = useState(false);
  useEffect(
    () =>
      appStore.subscribe((s, prev) => {
        if (s.terminalTarget !== prev.terminalTarget) setTab('terminal');
      }),
    [],
  );
  return (
    <section className={`panel dock${large ? ' large' : ''}`} aria-label="Dock">
      <div className="dock-bar">
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
        <button
          type="button"
          className="dock-size"
          aria-pressed={large}
          onClick={() => setLarge((l) => !l)}
          title={
            large ? 'Give the graph its height back' : 'Make the dock taller (the graph shrinks)'
          }
        >
          {large ? 'Restore' : 'Enlarge'}
        </button>
      </div>
      <div className="dock-body" hidden={tab !== 'log'}>
        <ConnectionLog />
      </div>
      <div className="dock-body" hidden={tab !== 'resources'}>
        <ResourcesPanel />
      </div>
      <div className="dock-body terminal-body" hidden={tab !== 'terminal'}>
        <TerminalPane />
      </div>
    </section>
  );
}
