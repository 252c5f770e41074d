import type { Lesson } from '../api/lessonsApi.ts';
import type { LessonProgress } from '../lessons/lessonProgress.ts';

const checkCount = (l: Lesson) => l.steps.reduce((n, s) => n + s.checks.length, 0);

/** Every lesson as a card to pick: title, summary, and how far this namespace got. */
export function LessonList({
  lessons,
  progress,
  pick,
}: {
  lessons: readonly Lesson[];
  progress: LessonProgress;
  pick: (id: string) => void;
}) {
  if (lessons.length === 0) {
    return <p className="lesson-note">The lab has no lessons (the lessons/ folder is empty).</p>;
  }
  return (
    <ul className="lesson-list" aria-label="Lessons">
      {lessons.map((l) => {
        const total = checkCount(l);
        const passed = progress.passed[l.id]?.length ?? 0;
        return (
          <li key={l.id}>
            <button type="button" className="lesson-pick" onClick={() => pick(l.id)}>
              <span className="lesson-pick-title">{l.title}</span>
              <span className="lesson-pick-summary">{l.summary}</span>
              <span className="lesson-pick-facts">
                {l.steps.length} steps · {total} checks
                {passed > 0 && (
                  <span className="ok">
                    {' '}
                    · {Math.min(passed, total)} of {total} passed
                  </span>
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
