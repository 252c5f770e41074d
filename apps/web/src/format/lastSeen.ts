/**
 * `12 s ago`, `3 min ago`, `2 h ago`, `4 d ago` for an ISO time; `never` without one. A time a
 * little ahead of this browser's clock (another machine's clock) reads as `just now`.
 */
export function formatAgo(iso: string | undefined, now: number): string {
  if (iso === undefined || iso === '') return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'unknown';
  const s = Math.floor((now - at) / 1000);
  if (s < 1) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
