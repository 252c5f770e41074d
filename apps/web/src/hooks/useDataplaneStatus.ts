import type { DataplaneStatus } from '@l4lab/protocol';
import { fetchDataplaneStatus } from '../api/dataplaneApi.ts';
import type { AppState } from '../store/createAppStore.ts';
import { useAppStore } from './useAppStore.ts';
import { usePageVisible } from './usePageVisible.ts';
import { usePolled } from './usePolled.ts';

/** How often the header re-reads the kernel dataplane's counts (events lost, syncs). */
export const DATAPLANE_STATUS_POLL_MS = 2000;

const selectKernel = (s: AppState) => ({
  kernel: s.server?.dataplane === 'nftables',
  live: s.replay === undefined,
});

/**
 * `GET /api/dataplane`, polled every 2 s while the lab runs the kernel dataplane, the page is
 * shown and no recording replays; undefined otherwise (the userspace dataplane has nothing to add).
 */
export function useDataplaneStatus(): DataplaneStatus | undefined {
  const { kernel, live } = useAppStore(selectKernel);
  const visible = usePageVisible();
  return usePolled(
    kernel && live && visible ? 'dataplane' : undefined,
    fetchDataplaneStatus,
    DATAPLANE_STATUS_POLL_MS,
  ).value;
}
