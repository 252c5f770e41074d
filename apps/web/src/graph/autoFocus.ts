import type { ConnectionEvent } from '@l4lab/protocol';
import { serviceOf } from './graphTraffic.ts';

/** How long a Service applied from this page stays in focus, whatever else has traffic. */
export const APPLY_FOCUS_MS = 60_000;
/** How far back traffic decides which Service is in focus. */
export const FOCUS_WINDOW_MS = 5000;

/**
 * The Service the graph keeps whole when it must lose detail: the one this page just applied
 * (for APPLY_FOCUS_MS: what the user wants to see next), else the one with the most connections
 * in the last few seconds, else the one applied last, else the newest (`services` come newest
 * last).
 */
export function autoFocus(
  recent: readonly ConnectionEvent[],
  now: number,
  services: readonly string[],
  appliedLines: readonly string[],
  appliedAt = 0,
  /** The focus until now: it stays while its traffic is not clearly below another's. */
  previous?: string,
): string | undefined {
  const known = new Set(services);
  const applied = appliedService(appliedLines, known, services);
  if (applied && now - appliedAt < APPLY_FOCUS_MS) return applied;
  const count = new Map<string, number>();
  for (let i = recent.length - 1; i >= 0; i--) {
    const e = recent[i]!;
    if (now - e.startedAt > FOCUS_WINDOW_MS) break;
    const id = serviceOf(e);
    if (known.has(id)) count.set(id, (count.get(id) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [id, n] of count) if (!best || n > count.get(best)!) best = id;
  const kept = previous ? (count.get(previous) ?? 0) : 0;
  if (previous && best && kept > 0 && kept * 1.5 >= count.get(best)!) return previous;
  return best ?? applied ?? services.at(-1);
}

/** The first Service named in an apply's result lines (`service/web created`). */
function appliedService(
  lines: readonly string[],
  known: ReadonlySet<string>,
  services: readonly string[],
): string | undefined {
  for (const line of lines) {
    const m = /^service\/(\S+) (created|configured|unchanged)$/.exec(line);
    const name = m?.[1];
    if (!name) continue;
    const id = known.has(`default/${name}`)
      ? `default/${name}`
      : services.find((s) => s.endsWith(`/${name}`));
    if (id) return id;
  }
  return undefined;
}
