import type { PortMapping, ServerInfo } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';
import { emptyMirror, type ClusterMirror } from './clusterMirror.ts';

export interface ClusterSlice {
  cluster: ClusterMirror;
  resourceVersion: string;
  /** From the server's `hello`; undefined until the first one arrives. */
  server: ServerInfo | undefined;
  /** The server speaks another protocol version than this page. */
  protocolVersionMismatch: boolean;
  mappings: readonly PortMapping[];
}

export const createClusterSlice: StateCreator<AppState, [], [], ClusterSlice> = () => ({
  cluster: emptyMirror(),
  resourceVersion: '',
  server: undefined,
  protocolVersionMismatch: false,
  mappings: [],
});
