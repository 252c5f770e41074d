import { useEffect } from 'react';
import type { ManifestError } from '@l4lab/protocol';
import { checkManifests } from '@l4lab/manifests';
import { appStore } from '../store/appStore.ts';
import type { LiveStatus } from '../store/uiSlice.ts';
import { applyText } from './useApply.ts';

export const LIVE_IDLE_MS = 600;

/** What live mode does with the text once typing stops. */
export type LiveStep = { apply: true } | { apply: false; status: LiveStatus };

/**
 * The live rule: a text with errors is never applied (`invalid`); one without objects waits; the
 * text already running needs nothing (its last good status comes back, so a fixed edit never keeps
 * saying "invalid edit"); any other valid text is applied.
 */
export function liveStep(
  buffer: string,
  checked: { errors: number; objects: number },
  running: { text: string; status: LiveStatus } | undefined,
  now: number,
): LiveStep {
  if (checked.errors > 0) return { apply: false, status: { state: 'invalid', at: now } };
  if (checked.objects === 0) return { apply: false, status: { state: 'waiting' } };
  if (running && buffer === running.text) return { apply: false, status: running.status };
  return { apply: true };
}

/**
 * What Live shows, always in agreement with Problems: never "invalid edit" while Problems has no
 * error (the check of the new text is still to come: waiting), never "applied" while it has one.
 */
export function shownLiveStatus(
  status: LiveStatus,
  problems: readonly Pick<ManifestError, 'severity'>[],
): LiveStatus {
  const errors = problems.some((p) => p.severity === 'error');
  if (status.state === 'invalid' && !errors) return { state: 'waiting' };
  if ((status.state === 'applied' || status.state === 'waiting') && errors)
    return { state: 'invalid', at: 'at' in status ? status.at : 0 };
  return status;
}

/**
 * Live mode: ~600 ms after the last edit, a text that parses and validates is streamed to the
 * server over the WebSocket and applied; an invalid one never is (its markers show why), and the
 * last good state keeps running.
 */
export function useLiveApply(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** The text live mode last applied, and what Live said then. */
    let running: { text: string; status: LiveStatus } | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const { buffer, live, setLiveStatus, apply } = appStore.getState();
        if (!live) return;
        if (apply.state === 'applying') return schedule();
        const checked = checkManifests(buffer);
        const step = liveStep(
          buffer,
          { errors: checked.errors.length, objects: checked.objects.length },
          running,
          Date.now(),
        );
        if (!step.apply) return setLiveStatus(step.status);
        running = undefined;
        void applyText(buffer, 'socket').then((ok) => {
          const s = appStore.getState();
          if (!s.live) return;
          if (ok && s.apply.state === 'applied') {
            const changed = s.apply.lines.filter((l) => !l.endsWith(' unchanged'));
            const status: LiveStatus = {
              state: 'applied',
              at: Date.now(),
              summary: changed.join(', ') || 'unchanged',
            };
            running = { text: buffer, status };
            s.setLiveStatus(status);
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
        if (!prev.live) running = undefined;
        schedule();
      }
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, []);
}
