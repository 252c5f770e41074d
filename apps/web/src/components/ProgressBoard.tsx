import { useMemo, useState } from 'react';
import { fetchWorkshopProgress, NOT_WORKSHOP_MESSAGE } from '../api/lessonsApi.ts';
import { useLessons } from '../hooks/useLessons.ts';
import { usePolled } from '../hooks/usePolled.ts';
import { boardModel } from '../lessons/progressBoard.ts';
import { readBoardLesson, writeBoardLesson } from '../lessons/progressBoardLesson.ts';
import { appStore } from '../store/appStore.ts';
import { ProgressBoardTable } from './ProgressBoardTable.tsx';
import '../styles/lessons.css';

/** How often the board asks for every student's checks while it is open. */
const BOARD_POLL_MS = 3000;

/**
 * The instructor's progress board over the whole screen: students x checks of one lesson, live,
 * sized to be read on a projector.
 */
export function ProgressBoard() {
  const { lessons, error: listError } = useLessons();
  const [chosen, setChosen] = useState(readBoardLesson);
  const lesson = lessons?.find((l) => l.id === chosen) ?? lessons?.[0];
  const polled = usePolled(
    lesson?.id,
    () => fetchWorkshopProgress(lesson?.id ?? ''),
    BOARD_POLL_MS,
  );
  const board = useMemo(
    () =>
      polled.value &&
      boardModel(
        polled.value,
        lesson?.steps.map((s) => s.title),
      ),
    [polled.value, lesson],
  );
  const close = () => appStore.getState().setOverlay(undefined);
  const choose = (id: string) => {
    writeBoardLesson(id);
    setChosen(id);
  };
  const note = listError ?? polled.error;
  return (
    <div className="overlay board-overlay" role="presentation" onClick={close}>
      <div
        className="dialog progress-board"
        role="dialog"
        aria-modal="true"
        aria-label="Class progress"
        data-testid="progress-board"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Class progress</h2>
          {lessons && lessons.length > 0 && (
            <label className="board-lesson">
              Lesson
              <select value={lesson?.id} onChange={(e) => choose(e.target.value)}>
                {lessons.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title}
                  </option>
                ))}
              </select>
            </label>
          )}
          {board && board.rows.length > 0 && (
            <span className="board-summary" role="status">
              <b>{board.done}</b> of {board.rows.length} students done
            </span>
          )}
          <button type="button" className="close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        {note && (
          <p className={`board-note${note === NOT_WORKSHOP_MESSAGE ? '' : ' bad'}`} role="status">
            {note === NOT_WORKSHOP_MESSAGE
              ? capitalised(note)
              : `The board could not be loaded: ${note}`}
          </p>
        )}
        {!note && !board && <p className="board-note">Loading…</p>}
        {board && board.rows.length === 0 && (
          <p className="board-note">
            No student has joined yet: their rows appear here as they join.
          </p>
        )}
        {board && board.rows.length > 0 && <ProgressBoardTable board={board} />}
      </div>
    </div>
  );
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
