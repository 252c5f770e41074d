import {
  Cluster,
  type ClusterSnapshot,
  FakeClock,
  checkClusterSnapshot,
  takeClusterSnapshot,
} from '@l4lab/cluster';
import type { Logger } from '../logger.ts';
import { DebouncedWriter, type StateCheck, type StateNote, loadStateFile } from './stateFile.ts';

/** At most one write of the cluster state per this many ms after a change. */
export const CLUSTER_STATE_DELAY_MS = 200;

/**
 * Restores the cluster an earlier run saved in `file` (before the kubelet and kube-proxy start, so
 * pods start again with their names and IPs and Services keep their addresses). Answers the notes
 * to print: what came back, or why the file was set aside.
 */
export async function restoreClusterState(cluster: Cluster, file: string): Promise<StateNote[]> {
  const { value, note } = await loadStateFile(file, 'the saved cluster', (v) =>
    usableSnapshot(cluster, v),
  );
  if (!value) return note ? [note] : [];
  const problems = cluster.restore(value);
  const pods = value.objects.filter((o) => o.kind === 'Pod').length;
  return [
    {
      level: 'info',
      text: `restored ${value.objects.length} objects (${pods} pods start again) from ${file}`,
    },
    ...problems.map((text): StateNote => ({ level: 'warn', text: `restored cluster: ${text}` })),
  ];
}

function usableSnapshot(cluster: Cluster, value: unknown): StateCheck<ClusterSnapshot> {
  const check = checkClusterSnapshot(value, cluster.plan);
  if (!check.ok) {
    return {
      ok: false,
      reason: check.reason,
      setAsideAs: check.planChanged ? 'other-plan' : 'corrupt',
    };
  }
  const refused = trialRestore(cluster, check.snapshot);
  return refused ? { ok: false, reason: refused } : { ok: true, value: check.snapshot };
}

/**
 * Restores into a scratch cluster first (its clock never runs): an object the controllers cannot
 * handle (a hand-edited file) sets the file aside instead of leaving the lab half restored.
 */
function trialRestore(cluster: Cluster, snapshot: ClusterSnapshot): string | undefined {
  try {
    new Cluster({ clock: new FakeClock(), plan: cluster.plan }).restore(snapshot);
    return undefined;
  } catch (err) {
    return `the controllers could not take it: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Saves the cluster to `file` after every change (debounced); `close` writes the last state. */
export function saveClusterState(
  cluster: Cluster,
  file: string,
  logger: Logger,
): { close(): Promise<void> } {
  const writer = new DebouncedWriter(
    file,
    () => `${JSON.stringify(takeClusterSnapshot(cluster.store, cluster.plan))}\n`,
    { delayMs: CLUSTER_STATE_DELAY_MS, logger },
  );
  const unwatch = cluster.watch(() => writer.changed());
  return {
    async close() {
      unwatch();
      await writer.close();
    },
  };
}
