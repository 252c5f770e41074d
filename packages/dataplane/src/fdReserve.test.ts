import { describe, expect, it } from 'vitest';
import { FdReserve, openFilesLimit } from './fdReserve.ts';

describe('FdReserve', () => {
  it('lets descriptors open only while the reserve stays free, counting each between counts', () => {
    let now = 0;
    let counted = 0;
    const fds = new FdReserve({
      limit: 1000,
      reserve: 100,
      count: () => (counted++, 895),
      now: () => now,
      recountMs: 100,
    });
    expect(fds.take(3)).toBe(true); // 898
    expect(fds.take(2)).toBe(true); // 900: the reserve's edge
    expect(fds.take(1)).toBe(false);
    expect(counted).toBe(1);
    now = 100; // counted again: what closed meanwhile is free again
    expect(fds.take(5)).toBe(true);
    expect(counted).toBe(2);
    expect(fds.describe()).toBe(
      "too many open files: 900 of 1000 file descriptors open, the last 100 kept for the lab's API",
    );
  });

  it("keeps a tenth of the limit, at least 256, and reads this process's limit", () => {
    expect(new FdReserve({ limit: 20_000, count: () => 0 }).reserve).toBe(2000);
    expect(new FdReserve({ limit: 1024, count: () => 0 }).reserve).toBe(256);
    expect(new FdReserve({ limit: Infinity, count: () => 1e9 }).take(1)).toBe(true);
    const limit = openFilesLimit();
    expect(limit === Infinity || limit > 0).toBe(true);
  });
});
