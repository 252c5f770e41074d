import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { BUFFER_KEY } from './hooks/useScenarios.ts';
import { appStore } from './store/appStore.ts';
import './styles/base.css';
import './styles/layout.css';
import './styles/editor.css';
import './styles/graph.css';
import './styles/panels.css';

function storedBuffer(): string {
  try {
    return localStorage.getItem(BUFFER_KEY) ?? '';
  } catch {
    return '';
  }
}

appStore.getState().setBuffer(storedBuffer());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
