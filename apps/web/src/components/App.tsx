import { useEffect } from 'react';
import { useLiveApply } from '../hooks/useLiveApply.ts';
import { useManifestCheck } from '../hooks/useManifestCheck.ts';
import { usePersistedBuffer } from '../hooks/usePersistedBuffer.ts';
import { useScenarios } from '../hooks/useScenarios.ts';
import { useServerConnection } from '../hooks/useServerConnection.ts';
import { useShortcuts } from '../hooks/useShortcuts.ts';
import { useWhoAmI } from '../hooks/useWhoAmI.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { canWrite } from '../store/workshopSlice.ts';
import { Distribution } from './Distribution.tsx';
import { Dock } from './Dock.tsx';
import { EditorPane } from './EditorPane.tsx';
import { GraphPanel } from './GraphPanel.tsx';
import { Header } from './Header.tsx';
import { JoinCard } from './JoinCard.tsx';
import { Overlays } from './Overlays.tsx';
import { RecentReasons } from './RecentReasons.tsx';
import { ReplayBanner } from './ReplayBanner.tsx';
import { SharingNotice } from './SharingNotice.tsx';
import { TrafficControl } from './TrafficControl.tsx';

const selectLook = (s: AppState) => ({
  // A viewer (the projector) watches only: always the presenter layout, without controls.
  presenter: s.presenter || !canWrite(s),
  writer: canWrite(s),
  theme: s.theme,
  running: [...s.generators.values()].filter((g) => g.state === 'running').length,
});

export function App() {
  useServerConnection();
  useScenarios();
  usePersistedBuffer();
  useManifestCheck();
  useLiveApply();
  useShortcuts();
  useWhoAmI();
  const { presenter, writer, theme, running } = useAppStore(selectLook);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.classList.toggle('presenter', presenter);
  }, [theme, presenter]);
  return (
    <div className="app">
      <Header />
      <ReplayBanner />
      <main className="layout">
        {!presenter && <EditorPane />}
        <GraphPanel />
        {presenter ? (
          // A projection: the graph, the split and the latest reasons; the controls fold away.
          <aside className="side">
            <Distribution />
            <RecentReasons />
            {writer && (
              <details className="panel traffic-folded">
                <summary>Traffic · {running} running</summary>
                <TrafficControl />
              </details>
            )}
          </aside>
        ) : (
          <aside className="side">
            <TrafficControl />
            <Distribution />
          </aside>
        )}
        {!presenter && <Dock />}
      </main>
      <Overlays />
      <SharingNotice />
      <JoinCard />
    </div>
  );
}
