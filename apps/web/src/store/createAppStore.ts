import type { ServerMessage } from '@l4lab/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createClassViewSlice, type ClassViewSlice } from './classViewSlice.ts';
import { createClusterSlice, type ClusterSlice } from './clusterSlice.ts';
import { createEditorSlice, type EditorSlice } from './editorSlice.ts';
import { createReplaySlice, type ReplaySlice } from './replaySlice.ts';
import { createSharingSlice, type SharingSlice } from './sharingSlice.ts';
import { createTrafficSlice, type TrafficSlice } from './trafficSlice.ts';
import { createUiSlice, type UiSlice } from './uiSlice.ts';
import { createWorkshopSlice, type WorkshopSlice } from './workshopSlice.ts';
import { reduceServerMessage } from './reduceServerMessage.ts';

export type AppState = ClusterSlice &
  TrafficSlice &
  UiSlice &
  EditorSlice &
  WorkshopSlice &
  ClassViewSlice &
  ReplaySlice &
  SharingSlice & {
    /** The one entry point of server messages into the store. */
    applyServerMessage(msg: ServerMessage): void;
  };

export type AppStore = StoreApi<AppState>;

export function createAppStore(now: () => number = Date.now): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createClusterSlice(...a),
    ...createTrafficSlice(...a),
    ...createUiSlice(...a),
    ...createEditorSlice(...a),
    ...createWorkshopSlice(...a),
    ...createClassViewSlice(...a),
    ...createReplaySlice(...a),
    ...createSharingSlice(...a),
    applyServerMessage: (msg) => a[0]((s) => reduceServerMessage(s, msg, now())),
  }));
}
