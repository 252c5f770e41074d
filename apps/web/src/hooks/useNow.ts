import { useEffect, useState } from 'react';
import { labNow } from '../replay/labClock.ts';

/** The current time (a replay's, during one), refreshed every `intervalMs` (for AGE columns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => labNow());
  useEffect(() => {
    const id = setInterval(() => setNow(labNow()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
