/** `0:42`, `12:05`, `1:02:03`: a position in a recording, read from a distance. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `820 kB`, `12.4 MB` (JSON characters, about bytes). */
export function sizeText(chars: number): string {
  if (chars < 1024 * 1024) return `${Math.max(1, Math.round(chars / 1024))} kB`;
  return `${(chars / 1024 / 1024).toFixed(1)} MB`;
}

/** `2 Jun 2025, 14:05:09` in the browser's language: when a recording was made. */
export function recordedText(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
