import { describe, expect, it } from 'vitest';
import { clockText, sizeText } from './replayFormat.ts';

describe('clockText', () => {
  it('is minutes and seconds, with hours only when there are some', () => {
    expect(clockText(0)).toBe('0:00');
    expect(clockText(42_900)).toBe('0:42');
    expect(clockText(12 * 60_000 + 5000)).toBe('12:05');
    expect(clockText(3_723_000)).toBe('1:02:03');
  });
});

describe('sizeText', () => {
  it('is kB below a megabyte, MB with one decimal above', () => {
    expect(sizeText(10)).toBe('1 kB');
    expect(sizeText(820 * 1024)).toBe('820 kB');
    expect(sizeText(12.44 * 1024 * 1024)).toBe('12.4 MB');
  });
});
