import type { WorkshopProgress } from '@l4lab/protocol';

// The progress board as plain data: students x checks, the checks grouped by step, with the
// count the room looks for under every column and beside every student.

export interface BoardCheck {
  id: string;
  title: string;
  /** Students whose check passes now. */
  passed: number;
}

export interface BoardStep {
  /** Counted from 1. */
  step: number;
  title: string;
  checks: BoardCheck[];
}

export interface BoardCell {
  check: string;
  passed: boolean;
  /** Why it does not pass yet (the server's words); empty when it passes. */
  detail: string;
}

export interface BoardRow {
  name: string;
  namespace: string;
  /** In the order of the columns (steps, then checks within a step). */
  cells: BoardCell[];
  passed: number;
}

export interface BoardModel {
  steps: BoardStep[];
  rows: BoardRow[];
  /** Checks of the lesson (columns). */
  checkCount: number;
  /** Students who pass every check. */
  done: number;
}

/** `student-2` before `student-10`: names as people count them. */
const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { numeric: true });

/**
 * `stepTitles[i]` names step i + 1 (from the lesson list); a step without one is "Step N".
 * Checks keep the server's order within their step; a check id that a student's `passed` lists
 * but the lesson does not have is not counted.
 */
export function boardModel(progress: WorkshopProgress, stepTitles: readonly string[] = []) {
  const steps: BoardStep[] = [];
  for (const c of progress.checks) {
    let step = steps.find((s) => s.step === c.step);
    if (!step) {
      step = { step: c.step, title: stepTitles[c.step - 1] ?? `Step ${c.step}`, checks: [] };
      steps.push(step);
    }
    step.checks.push({ id: c.id, title: c.title, passed: 0 });
  }
  steps.sort((a, b) => a.step - b.step);
  const columns = steps.flatMap((s) => s.checks);
  const rows = [...progress.students].sort(byName).map((student): BoardRow => {
    const passed = new Set(student.passed);
    const cells = columns.map((col) => {
      const ok = passed.has(col.id);
      if (ok) col.passed++;
      return { check: col.id, passed: ok, detail: ok ? '' : (student.detail[col.id] ?? '') };
    });
    return {
      name: student.name,
      namespace: student.namespace,
      cells,
      passed: cells.filter((c) => c.passed).length,
    };
  });
  const done = rows.filter((r) => columns.length > 0 && r.passed === columns.length).length;
  return { steps, rows, checkCount: columns.length, done } satisfies BoardModel;
}
