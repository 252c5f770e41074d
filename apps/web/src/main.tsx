import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { JoinPage } from './components/JoinPage.tsx';
import { adoptServerTabs } from './persist/serverTabs.ts';
import { readItem, readTabs, THEME_KEY } from './persist/storage.ts';
import { appStore } from './store/appStore.ts';
import './styles/base.css';
import './styles/layout.css';
import './styles/dock.css';
import './styles/editor.css';
import './styles/graph.css';
import './styles/panels.css';
import './styles/overlays.css';
import './styles/light.css';
import './styles/presenter.css';
import './styles/distribution.css';

const stored = readTabs();
if (stored) appStore.getState().restoreTabs(stored.tabs, stored.active);
else adoptServerTabs();
if (readItem(THEME_KEY) === 'light') appStore.getState().setTheme('light');

// The server answers index.html for every path: `/join?code=...` is a student's way in.
const Page = location.pathname.replace(/\/+$/, '') === '/join' ? JoinPage : App;
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Page />
    </StrictMode>,
  );
}
