import type { ServerMessage } from '@l4lab/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createClusterSlice, type ClusterSlice } from './clusterSlice.ts';
import { createEditorSlice, type EditorSlice } from './editorSlice.ts';
import { createTrafficSlice, type TrafficSlice } from './trafficSlice.ts';
import { createUiSlice, type UiSlice } from './uiSlice.ts';
import { reduceServerMessage } from './reduceServerMessage.ts';

export type AppState = ClusterSlice &
  TrafficSlice &
  UiSlice &
  EditorSlice & {
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
    applyServerMessage: (msg) => a[0]((s) => reduceServerMessage(s, msg, now())),
  }));
}
