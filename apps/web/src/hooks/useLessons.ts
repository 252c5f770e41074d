import { useEffect, useState } from 'react';
import { fetchLessons, type Lesson } from '../api/lessonsApi.ts';

/** The server reads the lessons once at start: one answer serves every panel of the page. */
let cached: Lesson[] | undefined;

const RETRY_MS = 2000;
const MAX_ATTEMPTS = 30;

export interface LessonsState {
  lessons: Lesson[] | undefined;
  error: string | undefined;
}

/** The lessons of `GET /api/lessons`, asked again while the lab does not answer. */
export function useLessons(): LessonsState {
  const [state, setState] = useState<LessonsState>({ lessons: cached, error: undefined });
  useEffect(() => {
    if (cached) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    function load(attempt: number) {
      fetchLessons().then(
        (r) => {
          if (stopped) return;
          if (r.ok) cached = r.value;
          setState(
            r.ok
              ? { lessons: r.value, error: undefined }
              : { lessons: undefined, error: r.message },
          );
        },
        () => {
          if (stopped) return;
          setState({ lessons: undefined, error: 'the lab does not answer' });
          if (attempt < MAX_ATTEMPTS) timer = setTimeout(() => load(attempt + 1), RETRY_MS);
        },
      );
    }
    load(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return state;
}
