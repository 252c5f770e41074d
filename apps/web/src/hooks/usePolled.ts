import { useEffect, useRef, useState } from 'react';
import type { CallOutcome } from '../api/http.ts';

export interface Polled<T> {
  /** The latest answer for this key; kept through a failed poll. */
  value: T | undefined;
  /** Why the latest poll failed; undefined once one succeeds. */
  error: string | undefined;
}

interface Held<T> extends Polled<T> {
  key: string;
}

/**
 * Calls `load` now and `intervalMs` after each answer (never two at once) while `key` is
 * defined; a new key starts over at once, and an answer for an old key is dropped.
 */
export function usePolled<T>(
  key: string | undefined,
  load: () => Promise<CallOutcome<T>>,
  intervalMs: number,
): Polled<T> {
  const [held, setHeld] = useState<Held<T> | undefined>(undefined);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    if (key === undefined) return;
    const polling: string = key;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function tick() {
      const outcome = await loadRef
        .current()
        .catch((): CallOutcome<T> => ({ ok: false, message: 'the lab does not answer' }));
      if (stopped) return;
      setHeld((h) => {
        const before = h?.key === polling ? h.value : undefined;
        return outcome.ok
          ? { key: polling, value: outcome.value, error: undefined }
          : { key: polling, value: before, error: outcome.message };
      });
      timer = setTimeout(() => void tick(), intervalMs);
    }
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, intervalMs]);
  return held && held.key === key ? held : { value: undefined, error: undefined };
}
