import { useEffect } from 'react';
import { checkManifests } from '@l4lab/manifests';
import { appStore } from '../store/appStore.ts';
import { applyText } from './useApply.ts';

export const LIVE_IDLE_MS = 600;

/**
 * Live mode: ~600 ms after the last edit, a text that parses and validates is streamed to the
 * server over the WebSocket and applied; an invalid one never is (its markers show why), and the
 * last good state keeps running.
 */
export function useLiveApply(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastApplied = '';
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const { buffer, live, setLiveStatus, apply } = appStore.getState();
        if (!live || buffer === lastApplied) return;
        if (apply.state === 'applying') return schedule();
        const checked = checkManifests(buffer);
        if (checked.errors.length > 0 || checked.objects.length === 0) {
          setLiveStatus({ state: 'invalid', at: Date.now() });
          return;
        }
        lastApplied = buffer;
        void applyText(buffer, 'socket').then((ok) => {
          const s = appStore.getState();
          if (!s.live) return;
          if (ok && s.apply.state === 'applied') {
            const changed = s.apply.lines.filter((l) => !l.endsWith(' unchanged'));
            s.setLiveStatus({
              state: 'applied',
              at: Date.now(),
              summary: changed.join(', ') || 'unchanged',
            });
          } else {
            s.setLiveStatus({
              state: 'failed',
              at: Date.now(),
              message: s.apply.state === 'failed' ? s.apply.message : 'apply failed',
            });
          }
        });
      }, LIVE_IDLE_MS);
    };
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.live && (s.buffer !== prev.buffer || !prev.live)) {
        if (!prev.live) lastApplied = '';
        schedule();
      }
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, []);
}
