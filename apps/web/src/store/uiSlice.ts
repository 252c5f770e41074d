import type { ManifestError, ScenarioList, TutorialFile } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

export type LinkState = 'online' | 'offline' | 'connecting';
export type Theme = 'dark' | 'light';
export type Overlay = 'shortcuts' | 'tour' | 'diff' | 'workshop' | 'progress' | undefined;

export type ApplyStatus =
  | { state: 'idle' }
  | { state: 'applying' }
  | { state: 'applied'; lines: string[]; at: number }
  | { state: 'failed'; message: string; at: number };

/** Live mode: what happened to the last edit. */
export type LiveStatus =
  | { state: 'off' }
  | { state: 'waiting' }
  | { state: 'applied'; at: number; summary: string }
  | { state: 'invalid'; at: number }
  | { state: 'failed'; at: number; message: string };

export interface UiSlice {
  link: LinkState;
  /** Selected object, `Kind/namespace/name` (opens the details drawer). */
  selection: string | undefined;
  /** Problems found in the browser as the user types (`checkManifests`). */
  clientProblems: readonly ManifestError[];
  /** Problems the server answered to the last apply (cleared by the next edit). */
  serverProblems: readonly ManifestError[];
  apply: ApplyStatus;
  /** A request to move the editor's cursor; `seq` makes repeated clicks on one problem count. */
  reveal: { seq: number; line: number; column: number };
  scenarios: ScenarioList | undefined;
  /** The tutorial's files (`pod_test.yaml`, ...): `kubectl apply -f` opens them as tabs. */
  tutorialFiles: readonly TutorialFile[] | undefined;
  /** Show kube-system (kube-dns, coredns) in the graph and the traffic targets. */
  showSystem: boolean;
  /** The Service (`ns/name`) the graph shows alone, with its frontends and pods; undefined: auto. */
  graphFocus: string | undefined;
  /** The Service in focus on the graph now (chosen, or auto): panels put it first. */
  focusShown: string | undefined;
  presenter: boolean;
  theme: Theme;
  overlay: Overlay;
  live: boolean;
  liveStatus: LiveStatus;
  /** A request to open the terminal on a pod (`ns/name`) or the kubectl console. */
  terminalTarget: { seq: number; target: string };
  /** The time the graph and log show (ms since epoch), or undefined for live. */
  rewindAt: number | undefined;
  logPaused: boolean;
  setLink(link: LinkState): void;
  select(selection: string | undefined): void;
  setClientProblems(problems: readonly ManifestError[]): void;
  setServerProblems(problems: readonly ManifestError[]): void;
  setApply(apply: ApplyStatus): void;
  revealPosition(line: number, column: number): void;
  setScenarios(scenarios: ScenarioList): void;
  setTutorialFiles(files: readonly TutorialFile[]): void;
  setShowSystem(show: boolean): void;
  setGraphFocus(service: string | undefined): void;
  setFocusShown(service: string | undefined): void;
  setPresenter(on: boolean): void;
  setTheme(theme: Theme): void;
  setOverlay(overlay: Overlay): void;
  setLive(on: boolean): void;
  setLiveStatus(status: LiveStatus): void;
  openTerminal(target: string): void;
  setRewind(at: number | undefined): void;
  setLogPaused(paused: boolean): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  link: 'connecting',
  selection: undefined,
  clientProblems: [],
  serverProblems: [],
  apply: { state: 'idle' },
  reveal: { seq: 0, line: 1, column: 1 },
  scenarios: undefined,
  tutorialFiles: undefined,
  showSystem: false,
  graphFocus: undefined,
  focusShown: undefined,
  presenter: false,
  theme: 'dark',
  overlay: undefined,
  live: false,
  liveStatus: { state: 'off' },
  terminalTarget: { seq: 0, target: '' },
  rewindAt: undefined,
  logPaused: false,
  setLink: (link) => set({ link }),
  select: (selection) => set({ selection }),
  setClientProblems: (clientProblems) => set({ clientProblems }),
  setServerProblems: (serverProblems) => set({ serverProblems }),
  setApply: (apply) => set({ apply }),
  revealPosition: (line, column) =>
    set((s) => ({ reveal: { seq: s.reveal.seq + 1, line, column } })),
  setScenarios: (scenarios) => set({ scenarios }),
  setTutorialFiles: (tutorialFiles) => set({ tutorialFiles }),
  setShowSystem: (showSystem) => set({ showSystem }),
  setGraphFocus: (graphFocus) => set({ graphFocus }),
  setFocusShown: (focusShown) => set({ focusShown }),
  setPresenter: (presenter) => set({ presenter }),
  setTheme: (theme) => set({ theme }),
  setOverlay: (overlay) => set({ overlay }),
  setLive: (live) => set({ live, liveStatus: live ? { state: 'waiting' } : { state: 'off' } }),
  setLiveStatus: (liveStatus) => set({ liveStatus }),
  openTerminal: (target) =>
    set((s) => ({ terminalTarget: { seq: s.terminalTarget.seq + 1, target } })),
  setRewind: (rewindAt) => set({ rewindAt }),
  setLogPaused: (logPaused) => set({ logPaused }),
});
