import { useAppStore } from '../hooks/useAppStore.ts';
import { useLessonNamespace } from '../hooks/useLessonNamespace.ts';
import { useLessonProgress } from '../hooks/useLessonProgress.ts';
import { useLessons } from '../hooks/useLessons.ts';
import { readProgress, withLesson, withStep, writeProgress } from '../lessons/lessonProgress.ts';
import { openProgressBoard } from '../lessons/progressBoardLesson.ts';
import type { AppState } from '../store/createAppStore.ts';
import { LessonList } from './LessonList.tsx';
import { LessonStepView } from './LessonStepView.tsx';
import '../styles/lessons.css';

/** Namespaces a lesson can be checked in: every one but the cluster's own. */
const SYSTEM = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** An array of strings: compared item by item (useShallow), so it is stable between frames. */
const selectNamespaces = (s: AppState) =>
  [...s.cluster.namespaces.keys()].filter((n) => !SYSTEM.has(n)).sort();
const selectPanel = (s: AppState) => ({
  // Until /api/whoami answers, the page is the instructor's (as everywhere else).
  instructor: s.user === undefined || s.user.role === 'instructor',
});

/** Where the checks look: a student's own namespace, or the one the instructor picks. */
function NamespaceField({ namespace, choose }: ReturnType<typeof useLessonNamespace>) {
  const namespaces = useAppStore(selectNamespaces);
  if (!choose) {
    return (
      <span className="lesson-ns">
        namespace <b>{namespace}</b>
      </span>
    );
  }
  const options = namespaces.includes(namespace) ? namespaces : [namespace, ...namespaces];
  return (
    <label
      className="lesson-ns"
      title="The checks look at the objects and connections of this namespace"
    >
      Namespace
      <select value={namespace} onChange={(e) => choose(e.target.value)}>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The instructor looks at another namespace: its own progress, but on the lesson and step open
 * now when that namespace has none open (written first, so the panel reads it with the namespace).
 */
function lookIn(
  current: string,
  namespace: string,
  choose: (ns: string) => void,
  lesson: string | undefined,
) {
  const there = readProgress(namespace);
  if (lesson && !there.lesson) {
    const here = readProgress(current);
    const step = here.steps[lesson] ?? 0;
    writeProgress(namespace, withStep(withLesson(there, lesson), lesson, step));
  }
  choose(namespace);
}

/**
 * The Lessons tab: pick a lesson, then its steps one at a time with their text, their files for
 * the editor and their checks, live. Progress is kept in this browser per namespace.
 */
export function LessonsPanel() {
  const { instructor } = useAppStore(selectPanel);
  const where = useLessonNamespace();
  const { lessons, error } = useLessons();
  const [progress, update] = useLessonProgress(where.namespace);
  const lesson = lessons?.find((l) => l.id === progress.lesson);
  const { namespace, choose } = where;
  const field = choose
    ? { namespace, choose: (ns: string) => lookIn(namespace, ns, choose, lesson?.id) }
    : { namespace };
  return (
    <div className="lessons" data-testid="lessons">
      <div className="lessons-bar">
        {lesson ? (
          <>
            <button type="button" onClick={() => update((p) => withLesson(p, undefined))}>
              ← All lessons
            </button>
            <h2 className="lesson-title" title={lesson.title}>
              {lesson.title}
            </h2>
          </>
        ) : (
          <h2 className="lesson-title">Lessons</h2>
        )}
        <NamespaceField {...field} />
        {instructor && (
          <button
            type="button"
            onClick={() => openProgressBoard(lesson?.id)}
            title="Every student's checks of a lesson, live (workshop mode)"
          >
            Class progress
          </button>
        )}
      </div>
      {!lessons ? (
        <p className="lesson-note" role="status">
          {error ? `Lessons could not be loaded: ${error}` : 'Loading the lessons…'}
        </p>
      ) : lesson ? (
        <LessonStepView
          key={`${where.namespace}/${lesson.id}`}
          lesson={lesson}
          namespace={where.namespace}
          progress={progress}
          update={update}
        />
      ) : (
        <LessonList
          lessons={lessons}
          progress={progress}
          pick={(id) => update((p) => withLesson(p, id))}
        />
      )}
    </div>
  );
}
