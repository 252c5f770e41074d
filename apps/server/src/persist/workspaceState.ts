import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster } from '@l4lab/cluster';
import type { Logger } from '../logger.ts';
import { restoreClusterState, saveClusterState } from './clusterState.ts';
import { EditorTabsStore } from './editorTabs.ts';
import type { StateNote } from './stateFile.ts';

export type { StateNote };

/** Where the lab keeps what survives a restart, inside the workspace. */
export function stateFiles(workspace: string): { cluster: string; editorTabs: string } {
  const dir = join(workspace, 'state');
  return { cluster: join(dir, 'cluster.json'), editorTabs: join(dir, 'editor-tabs.json') };
}

export interface WorkspaceState {
  editorTabs: EditorTabsStore;
  /** What to print at start: what was restored, what was set aside. */
  notes: StateNote[];
  /** Writes the last state (call first when the server stops, before pods are stopped). */
  close(): Promise<void>;
}

/**
 * Restores the cluster and the editor tabs an earlier run saved in the workspace (`fresh`: forgets
 * them instead), then keeps saving them. Call before the kubelet and kube-proxy start.
 */
export async function openWorkspaceState(o: {
  cluster: Cluster;
  workspace: string;
  fresh: boolean;
  logger: Logger;
}): Promise<WorkspaceState> {
  const files = stateFiles(o.workspace);
  const notes: StateNote[] = [];
  if (o.fresh) {
    await rm(files.cluster, { force: true });
    await rm(files.editorTabs, { force: true });
    notes.push({
      level: 'info',
      text: 'starting fresh (--fresh): saved cluster and editor tabs forgotten',
    });
  }
  notes.push(...(await restoreClusterState(o.cluster, files.cluster)));
  const tabs = await EditorTabsStore.open(files.editorTabs, o.logger);
  notes.push(...tabs.notes);
  const saver = saveClusterState(o.cluster, files.cluster, o.logger);
  return {
    editorTabs: tabs.store,
    notes,
    async close() {
      await Promise.all([saver.close(), tabs.store.close()]);
    },
  };
}
