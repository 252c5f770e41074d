import { useCallback, useEffect, useState } from 'react';
import { readProgress, writeProgress, type LessonProgress } from '../lessons/lessonProgress.ts';

interface Held {
  namespace: string;
  progress: LessonProgress;
  /** Changed since read: worth writing back. */
  changed: boolean;
}

/** The learner's progress in `namespace`, read from localStorage and written back on change. */
export function useLessonProgress(
  namespace: string,
): [LessonProgress, (change: (p: LessonProgress) => LessonProgress) => void] {
  const [held, setHeld] = useState<Held>(() => ({
    namespace,
    progress: readProgress(namespace),
    changed: false,
  }));
  // Another namespace chosen: its own progress, read during render so no frame shows the old one.
  const current =
    held.namespace === namespace
      ? held
      : { namespace, progress: readProgress(namespace), changed: false };
  if (current !== held) setHeld(current);
  useEffect(() => {
    if (held.changed) writeProgress(held.namespace, held.progress);
  }, [held]);
  const update = useCallback(
    (change: (p: LessonProgress) => LessonProgress) =>
      setHeld((h) => {
        const progress = change(h.progress);
        return progress === h.progress ? h : { ...h, progress, changed: true };
      }),
    [],
  );
  return [current.progress, update];
}
