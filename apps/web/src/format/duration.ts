/** `42 s`, `3 min 5 s`: how long ago, for labels read from a distance. */
export function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
