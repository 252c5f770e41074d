import { useEffect } from 'react';
import { fetchLessonChecks, type Lesson, type LessonStep } from '../api/lessonsApi.ts';
import { usePolled } from '../hooks/usePolled.ts';
import {
  reachedAt,
  stepOf,
  withPassed,
  withReached,
  withStep,
  type LessonProgress,
} from '../lessons/lessonProgress.ts';
import { labNow } from '../replay/labClock.ts';
import { openLessonFile } from '../lessons/openLessonFile.ts';
import { appStore } from '../store/appStore.ts';
import { LessonChecks } from './LessonChecks.tsx';
import { Markdown } from './Markdown.tsx';

/** How often the checks are asked for while the panel is open. */
const CHECK_POLL_MS = 2000;

interface Props {
  lesson: Lesson;
  namespace: string;
  progress: LessonProgress;
  update: (change: (p: LessonProgress) => LessonProgress) => void;
}

/** The step's text, under its title when the text does not start with a heading of its own. */
function StepText({ step }: { step: LessonStep }) {
  const titled = /^\s*#/.test(step.text);
  return (
    <div className="lesson-text">
      {!titled && <h3 className="md-h1">{step.title}</h3>}
      <Markdown text={step.text} />
    </div>
  );
}

function StepFiles({ step }: { step: LessonStep }) {
  if (step.files.length === 0) return null;
  return (
    <section className="lesson-files" aria-label="Files">
      <ul>
        {step.files.map((f) => (
          <li key={f.name}>
            <code>{f.name}</code>
            <button
              type="button"
              onClick={() => openLessonFile(appStore, f)}
              aria-label={`Open ${f.name} in editor`}
              title="Open in an editor tab of this name (its text is replaced by the lesson's)"
            >
              Open in editor
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One step of a lesson: Back / Next, its text, its files and its checks (polled while shown). */
export function LessonStepView({ lesson, namespace, progress, update }: Props) {
  const index = stepOf(progress, lesson.id, lesson.steps.length);
  const step = lesson.steps[index]!;
  const count = lesson.steps.length;
  const hasChecks = step.checks.length > 0;
  const since = reachedAt(progress, lesson.id, index);
  useEffect(() => {
    update((p) => withReached(p, lesson.id, index, labNow()));
  }, [lesson.id, index, update]);
  const checks = usePolled(
    hasChecks ? `${lesson.id}/${namespace}/${index}` : undefined,
    () => fetchLessonChecks(lesson.id, namespace, index + 1, since),
    CHECK_POLL_MS,
  );
  const results = checks.value;
  useEffect(() => {
    if (results) update((p) => withPassed(p, lesson.id, results));
  }, [results, lesson.id, update]);
  const go = (to: number) => update((p) => withStep(p, lesson.id, to));
  const allPass =
    hasChecks &&
    results !== undefined &&
    step.checks.every((c) => results.some((r) => r.id === c.id && r.passed));
  return (
    <div className="lesson-step">
      <StepText step={step} />
      <div className="lesson-side">
        <nav className="lesson-nav" aria-label="Steps">
          <button type="button" onClick={() => go(index - 1)} disabled={index === 0}>
            Back
          </button>
          <span className="lesson-count" data-testid="lesson-step-count">
            step {index + 1} of {count}
          </span>
          <button
            type="button"
            className={allPass || !hasChecks ? 'primary' : undefined}
            onClick={() => go(index + 1)}
            disabled={index === count - 1}
          >
            Next
          </button>
        </nav>
        {allPass && (
          <p className="lesson-done" role="status">
            <span>
              <span aria-hidden="true">✓ </span>
              {index === count - 1 ? 'All checks pass: the lesson is done.' : 'All checks pass.'}
            </span>
            {index < count - 1 && (
              <button type="button" className="primary" onClick={() => go(index + 1)}>
                Next step
              </button>
            )}
          </p>
        )}
        <StepFiles step={step} />
        {hasChecks && (
          <LessonChecks
            lesson={lesson.id}
            step={step}
            namespace={namespace}
            results={results}
            error={checks.error}
            progress={progress}
          />
        )}
      </div>
    </div>
  );
}
