import { useEffect, useState } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { canWrite } from '../store/workshopSlice.ts';
import { ConnectionLog } from './ConnectionLog.tsx';
import { LessonsPanel } from './LessonsPanel.tsx';
import { ReplayGate } from './ReplayLock.tsx';
import { ResourcesPanel } from './ResourcesPanel.tsx';
import { TerminalPane } from './TerminalPane.tsx';

const TABS = [
  ['log', 'Connections'],
  ['resources', 'Resources'],
  ['terminal', 'Terminal'],
  ['lessons', 'Lessons'],
] as const;
type Tab = (typeof TABS)[number][0];
/** Lessons are for whoever can apply their files: not a viewer (the projector). */
const selectLessons = (s: AppState) => ({ lessons: canWrite(s) });

/**
 * The lower panel: connection log, kubectl tables, terminal (all stay mounted). "Enlarge" gives it
 * three quarters of the height (class `large`, styles/dock.css), for the terminal on a projector.
 */
export function Dock() {
  const [tab, setTab] = useState<Tab>('resources');
  const [large, setLarge] = useState(false);
  const { lessons } = useAppStore(selectLessons);
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
          {TABS.filter(([id]) => id !== 'lessons' || lessons).map(([id, label]) => (
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
        <ConnectionLog active={tab === 'log'} />
      </div>
      <div className="dock-body" hidden={tab !== 'resources'}>
        <ReplayGate what="kubectl's tables come from the lab's API.">
          <ResourcesPanel />
        </ReplayGate>
      </div>
      <div className="dock-body terminal-body" hidden={tab !== 'terminal'}>
        <ReplayGate what="The terminal runs kubectl and exec in the lab.">
          <TerminalPane />
        </ReplayGate>
      </div>
      <div className="dock-body" hidden={tab !== 'lessons'}>
        {/* Mounted while shown only: its checks are polled while the panel is open. */}
        {tab === 'lessons' && lessons && (
          <ReplayGate what="The lessons check the live lab's objects and connections.">
            <LessonsPanel />
          </ReplayGate>
        )}
      </div>
    </section>
  );
}
