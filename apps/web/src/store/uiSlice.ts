import type { ManifestError, ScenarioList } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

export type LinkState = 'online' | 'offline' | 'connecting';

export type ApplyStatus =
  | { state: 'idle' }
  | { state: 'applying' }
  | { state: 'applied'; lines: string[]; at: number }
  | { state: 'failed'; message: string; at: number };

export interface UiSlice {
  link: LinkState;
  /** Selected object, `Kind/namespace/name`. */
  selection: string | undefined;
  /** Problems found in the browser as the user types (`checkManifests`). */
  clientProblems: readonly ManifestError[];
  /** Problems the server answered to the last apply (cleared by the next edit). */
  serverProblems: readonly ManifestError[];
  apply: ApplyStatus;
  /** A request to move the editor's cursor; `seq` makes repeated clicks on one problem count. */
  reveal: { seq: number; line: number; column: number };
  /** The editor's text, as the user typed it. */
  buffer: string;
  /** A text to load into the editor (scenario reset); `seq` increases with every load. */
  bufferLoad: { seq: number; text: string };
  scenarios: ScenarioList | undefined;
  setLink(link: LinkState): void;
  select(selection: string | undefined): void;
  setClientProblems(problems: readonly ManifestError[]): void;
  setServerProblems(problems: readonly ManifestError[]): void;
  setApply(apply: ApplyStatus): void;
  revealPosition(line: number, column: number): void;
  /** The user edited the text: stale server problems go away. */
  setBuffer(text: string): void;
  loadText(text: string): void;
  setScenarios(scenarios: ScenarioList): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  link: 'connecting',
  selection: undefined,
  clientProblems: [],
  serverProblems: [],
  apply: { state: 'idle' },
  reveal: { seq: 0, line: 1, column: 1 },
  buffer: '',
  bufferLoad: { seq: 0, text: '' },
  scenarios: undefined,
  setLink: (link) => set({ link }),
  select: (selection) => set({ selection }),
  setClientProblems: (clientProblems) => set({ clientProblems }),
  setServerProblems: (serverProblems) => set({ serverProblems }),
  setApply: (apply) => set({ apply }),
  revealPosition: (line, column) =>
    set((s) => ({ reveal: { seq: s.reveal.seq + 1, line, column } })),
  setBuffer: (text) => set((s) => (text === s.buffer ? {} : { buffer: text, serverProblems: [] })),
  loadText: (text) =>
    set((s) => ({
      buffer: text,
      serverProblems: [],
      bufferLoad: { seq: s.bufferLoad.seq + 1, text },
    })),
  setScenarios: (scenarios) => set({ scenarios }),
});
