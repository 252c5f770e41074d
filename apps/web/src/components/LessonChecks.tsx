import type { CheckResult, LessonStep } from '../api/lessonsApi.ts';
import { passedOnce, type LessonProgress } from '../lessons/lessonProgress.ts';

type CheckState = 'pass' | 'fail' | 'pending';

const MARK: Record<CheckState, string> = { pass: '✓', fail: '○', pending: '…' };
const SAID: Record<CheckState, string> = { pass: 'passes', fail: 'not yet', pending: 'checking' };

interface Props {
  lesson: string;
  step: LessonStep;
  namespace: string;
  /** The latest answer; undefined until the first one. */
  results: readonly CheckResult[] | undefined;
  error: string | undefined;
  progress: LessonProgress;
}

/** The step's checks as the lab evaluates them now in `namespace`, with why each fails. */
export function LessonChecks({ lesson, step, namespace, results, error, progress }: Props) {
  const passing = step.checks.filter((c) => results?.some((r) => r.id === c.id && r.passed));
  return (
    <section className="lesson-checks" aria-label="Checks">
      <h3>
        Checks in <code>{namespace}</code>
        {results && (
          <span className="lesson-check-count">
            {' '}
            · {passing.length} of {step.checks.length} pass
          </span>
        )}
      </h3>
      {error && (
        <p className="lesson-note bad" role="status">
          Checks could not be asked: {error}
        </p>
      )}
      <ul>
        {step.checks.map((c) => {
          const r = results?.find((x) => x.id === c.id);
          const state: CheckState = r ? (r.passed ? 'pass' : 'fail') : 'pending';
          return (
            <li
              key={c.id}
              className={`lesson-check ${state}`}
              data-testid="lesson-check"
              data-state={state}
              title={r?.detail}
            >
              <span className="lesson-check-mark" aria-hidden="true">
                {MARK[state]}
              </span>
              <span className="lesson-check-text">
                <span className="lesson-check-title">
                  {c.title}
                  <span className="sr-only">: {SAID[state]}</span>
                </span>
                {state === 'fail' && r?.detail && (
                  <span className="lesson-check-detail">{r.detail}</span>
                )}
                {state === 'fail' && passedOnce(progress, lesson, c.id) && (
                  <span className="lesson-check-earlier">passed earlier</span>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
