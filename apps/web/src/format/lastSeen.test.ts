import { describe, expect, it } from 'vitest';
import { formatAgo } from './lastSeen.ts';

const NOW = Date.parse('2025-03-01T10:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('"last seen" in the roster', () => {
  it('counts seconds, minutes, hours and days, rounded down', () => {
    expect(formatAgo(ago(12_400), NOW)).toBe('12 s ago');
    expect(formatAgo(ago(59_999), NOW)).toBe('59 s ago');
    expect(formatAgo(ago(60_000), NOW)).toBe('1 min ago');
    expect(formatAgo(ago(3_599_000), NOW)).toBe('59 min ago');
    expect(formatAgo(ago(2 * 3_600_000 + 5), NOW)).toBe('2 h ago');
    expect(formatAgo(ago(3 * 86_400_000), NOW)).toBe('3 d ago');
  });

  it('reads under a second, or a time ahead of this clock, as just now', () => {
    expect(formatAgo(ago(400), NOW)).toBe('just now');
    expect(formatAgo(ago(-5000), NOW)).toBe('just now');
  });

  it('says never without a time and unknown for an unreadable one', () => {
    expect(formatAgo(undefined, NOW)).toBe('never');
    expect(formatAgo('', NOW)).toBe('never');
    expect(formatAgo('yesterday-ish', NOW)).toBe('unknown');
  });
});
