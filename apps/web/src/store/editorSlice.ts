import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

/** One editor tab: a named buffer of manifests. */
export interface EditorTab {
  id: string;
  title: string;
  text: string;
}

export interface EditorSlice {
  tabs: readonly EditorTab[];
  activeTab: string;
  /** The active tab's text, as the user typed it. */
  buffer: string;
  /** A text to load into the editor (scenario, tab switch); `seq` increases with every load. */
  bufferLoad: { seq: number; text: string };
  /** The user edited the text: stale server problems go away. */
  setBuffer(text: string): void;
  /** Replaces the active tab's text (scenario reset). */
  loadText(text: string, title?: string): void;
  openTab(title: string, text: string): void;
  switchTab(id: string): void;
  closeTab(id: string): void;
  restoreTabs(tabs: readonly EditorTab[], active: string): void;
}

let nextId = 1;
export function newTabId(): string {
  return `tab-${Date.now().toString(36)}-${nextId++}`;
}

const FIRST: EditorTab = { id: 'tab-1', title: 'manifests.yaml', text: '' };

function withText(tabs: readonly EditorTab[], id: string, text: string, title?: string) {
  return tabs.map((t) => (t.id === id ? { ...t, text, ...(title ? { title } : {}) } : t));
}

export const createEditorSlice: StateCreator<AppState, [], [], EditorSlice> = (set) => ({
  tabs: [FIRST],
  activeTab: FIRST.id,
  buffer: '',
  bufferLoad: { seq: 0, text: '' },
  setBuffer: (text) =>
    set((s) =>
      text === s.buffer
        ? {}
        : { buffer: text, serverProblems: [], tabs: withText(s.tabs, s.activeTab, text) },
    ),
  loadText: (text, title) =>
    set((s) => ({
      buffer: text,
      serverProblems: [],
      tabs: withText(s.tabs, s.activeTab, text, title),
      bufferLoad: { seq: s.bufferLoad.seq + 1, text },
    })),
  openTab: (title, text) =>
    set((s) => {
      const tab = { id: newTabId(), title, text };
      return {
        tabs: [...s.tabs, tab],
        activeTab: tab.id,
        buffer: text,
        serverProblems: [],
        bufferLoad: { seq: s.bufferLoad.seq + 1, text },
      };
    }),
  switchTab: (id) =>
    set((s) => {
      const tab = s.tabs.find((t) => t.id === id);
      if (!tab || id === s.activeTab) return {};
      return {
        activeTab: id,
        buffer: tab.text,
        serverProblems: [],
        bufferLoad: { seq: s.bufferLoad.seq + 1, text: tab.text },
      };
    }),
  closeTab: (id) =>
    set((s) => {
      if (s.tabs.length <= 1) return {};
      const i = s.tabs.findIndex((t) => t.id === id);
      const tabs = s.tabs.filter((t) => t.id !== id);
      if (id !== s.activeTab) return { tabs };
      const next = tabs[Math.max(0, i - 1)]!;
      return {
        tabs,
        activeTab: next.id,
        buffer: next.text,
        serverProblems: [],
        bufferLoad: { seq: s.bufferLoad.seq + 1, text: next.text },
      };
    }),
  restoreTabs: (tabs, active) =>
    set((s) => {
      if (tabs.length === 0) return {};
      const tab = tabs.find((t) => t.id === active) ?? tabs[0]!;
      return {
        tabs,
        activeTab: tab.id,
        buffer: tab.text,
        bufferLoad: { seq: s.bufferLoad.seq + 1, text: tab.text },
      };
    }),
});
