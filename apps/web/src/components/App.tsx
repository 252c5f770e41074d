import { useManifestCheck } from '../hooks/useManifestCheck.ts';
import { usePersistedBuffer } from '../hooks/usePersistedBuffer.ts';
import { useScenarios } from '../hooks/useScenarios.ts';
import { useServerConnection } from '../hooks/useServerConnection.ts';
import { Distribution } from './Distribution.tsx';
import { EditorPane } from './EditorPane.tsx';
import { GraphView } from './GraphView.tsx';
import { Header } from './Header.tsx';
import { ResourcesPanel } from './ResourcesPanel.tsx';
import { TerminalPane } from './TerminalPane.tsx';
import { TrafficControl } from './TrafficControl.tsx';

export function App() {
  useServerConnection();
  useScenarios();
  usePersistedBuffer();
  useManifestCheck();
  return (
    <div className="app">
      <Header />
      <main className="layout">
        <EditorPane />
        <GraphView />
        <aside className="side">
          <TrafficControl />
          <Distribution />
        </aside>
        <div className="resources-area">
          <ResourcesPanel />
          <TerminalPane />
        </div>
      </main>
    </div>
  );
}
