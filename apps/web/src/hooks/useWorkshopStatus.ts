import type { WorkshopStatus } from '@l4lab/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchWorkshopStatus } from '../api/workshopApi.ts';

export interface WorkshopStatusView {
  status: WorkshopStatus | undefined;
  /** Why the last poll failed (the server's words), cleared by the next answer. */
  error: string | undefined;
  /** Polls now (after a Reset, a Remove or a Spotlight). */
  refresh(): void;
}

/** `GET /api/workshop` every `intervalMs` while the caller is mounted (the panel is open). */
export function useWorkshopStatus(intervalMs: number): WorkshopStatusView {
  const [status, setStatus] = useState<WorkshopStatus | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const alive = useRef(true);
  const poll = useCallback(() => {
    fetchWorkshopStatus().then(
      (r) => {
        if (!alive.current) return;
        if (r.ok) {
          setStatus(r.value);
          setError(undefined);
        } else setError(r.message);
      },
      (e: unknown) => alive.current && setError(`Cannot reach the lab: ${String(e)}`),
    );
  }, []);
  useEffect(() => {
    alive.current = true;
    poll();
    const id = setInterval(poll, intervalMs);
    return () => {
      alive.current = false;
      clearInterval(id);
    };
  }, [poll, intervalMs]);
  return { status, error, refresh: poll };
}
