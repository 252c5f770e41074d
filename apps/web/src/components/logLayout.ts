import type { ConnectionEvent } from '@l4lab/protocol';

// The connection log's rows wrap their SERVICE → POD and MODE · REASON cells (the reason is the
// lesson: it is never cut), so rows differ in height. The cells are monospace: how many lines a
// text takes at a column width is computed, not measured, and only the rows in view are drawn.

/** What the page measured: one character, one line, the two wrapping columns (px). */
export interface LogMetrics {
  charWidth: number;
  lineHeight: number;
  serviceWidth: number;
  reasonWidth: number;
}

/** A row's padding and bottom border (px) together; matches `.log-row` in panels.css. */
export const ROW_PADDING = 9;

/** Until the page has measured: 13 px DejaVu Sans Mono, 18 px lines, roomy columns. */
export const DEFAULT_METRICS: LogMetrics = {
  charWidth: 7.8,
  lineHeight: 18,
  serviceWidth: 400,
  reasonWidth: 600,
};

export function serviceText(e: ConnectionEvent): string {
  return `${e.service.name}:${e.service.port} → ${e.endpoint?.pod ?? '—'}`;
}

export function reasonText(e: ConnectionEvent): string {
  return e.reason ? `${e.mode} · ${e.reason}` : e.mode;
}

/**
 * Lines a text takes when wrapped at spaces into lines of `perLine` characters, a word longer than
 * a line broken anywhere (CSS `white-space: normal; overflow-wrap: anywhere`). The browser may
 * also break after a hyphen, so this never counts fewer lines than it draws.
 */
export function wrappedLines(text: string, perLine: number): number {
  if (perLine < 1) return 1;
  let lines = 1;
  let used = 0;
  for (const word of text.split(' ')) {
    let length = [...word].length;
    if (length === 0) continue;
    if (used > 0 && used + 1 + length <= perLine) {
      used += 1 + length;
      continue;
    }
    if (used > 0) lines++;
    while (length > perLine) {
      lines++;
      length -= perLine;
    }
    used = length;
  }
  return lines;
}

export function rowHeight(e: ConnectionEvent, m: LogMetrics): number {
  // One character of slack: a glyph from a fallback font may be a little wider.
  const per = (width: number) => Math.floor(width / m.charWidth) - 1;
  const lines = Math.max(
    wrappedLines(serviceText(e), per(m.serviceWidth)),
    wrappedLines(reasonText(e), per(m.reasonWidth)),
  );
  return Math.ceil(lines * m.lineHeight) + ROW_PADDING;
}

/** Each row's top, and the total height last: `tops[i]` to `tops[i + 1]` is row i. */
export function rowTops(heights: readonly number[]): number[] {
  const tops = [0];
  for (const h of heights) tops.push(tops.at(-1)! + h);
  return tops;
}

/** The rows in `[top, top + height)`, with `overscan` more on each side: [first, end). */
export function visibleRows(
  tops: readonly number[],
  top: number,
  height: number,
  overscan = 4,
): [number, number] {
  const rows = tops.length - 1;
  // The first row whose bottom is below `top` (binary search).
  let lo = 0;
  let hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1]! <= top) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < rows && tops[end]! < top + height) end++;
  return [Math.max(0, lo - overscan), Math.min(rows, end + overscan)];
}
