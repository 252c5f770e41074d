import type { BoardModel } from '../lessons/progressBoard.ts';

/** Students down, checks across (grouped under their step), counts in the last row and column. */
export function ProgressBoardTable({ board }: { board: BoardModel }) {
  const columns = board.steps.flatMap((s) => s.checks);
  const students = board.rows.length;
  // A line before each step's first check, from the step's head down to the counts.
  const starts = new Set(board.steps.map((s) => s.checks[0]?.id));
  const edge = (id: string) => (starts.has(id) ? ' step-start' : '');
  return (
    <div className="board-scroll">
      <table className="board-table">
        <thead>
          <tr>
            <th rowSpan={2} scope="col" className="board-name">
              Student
            </th>
            {board.steps.map((s) => (
              <th key={s.step} colSpan={s.checks.length} scope="colgroup" className="board-step">
                {s.step}. {s.title}
              </th>
            ))}
            <th rowSpan={2} scope="col" className="board-total">
              Passed
            </th>
          </tr>
          <tr>
            {columns.map((c) => (
              <th key={c.id} scope="col" className={`board-check${edge(c.id)}`}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {board.rows.map((r) => (
            <tr key={r.name}>
              <th scope="row" className="board-name">
                {r.name}
                {r.namespace !== r.name && <span className="board-ns"> {r.namespace}</span>}
              </th>
              {r.cells.map((cell, i) => (
                <td
                  key={cell.check}
                  className={`board-cell${cell.passed ? ' pass' : ''}${edge(cell.check)}`}
                  title={cell.passed ? 'passes' : cell.detail || 'not yet'}
                  aria-label={`${r.name}: ${columns[i]?.title ?? cell.check}: ${
                    cell.passed ? 'passes' : `not yet${cell.detail ? ` (${cell.detail})` : ''}`
                  }`}
                >
                  <span aria-hidden="true">{cell.passed ? '✓' : '•'}</span>
                </td>
              ))}
              <td className="board-total">
                {r.passed}/{board.checkCount}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" className="board-name">
              Students passing
            </th>
            {columns.map((c) => (
              <td key={c.id} className={`board-count${edge(c.id)}`}>
                {c.passed}/{students}
              </td>
            ))}
            <td className="board-total">{board.done} done</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
