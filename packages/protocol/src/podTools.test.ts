import { describe, expect, it } from 'vitest';
import { execOutputInOrder, missingToolHint } from './podTools.ts';

describe("a command's output in the order it wrote it", () => {
  it('follows its segments: curl -v writes stderr, then its page, then stderr', () => {
    const r = {
      stdout: 'page\n',
      stderr: '* Trying\n* left intact\n',
      segments: [] as [1 | 2, number][],
    };
    r.segments = [
      [2, 9],
      [1, 5],
      [2, 14],
    ];
    expect(execOutputInOrder(r)).toEqual([
      [2, '* Trying\n'],
      [1, 'page\n'],
      [2, '* left intact\n'],
    ]);
  });

  it('gives stdout then stderr without segments, or when a text changed since', () => {
    expect(execOutputInOrder({ stdout: 'a\n', stderr: 'b\n' })).toEqual([
      [1, 'a\n'],
      [2, 'b\n'],
    ]);
    const changed = {
      stdout: 'a\n',
      stderr: 'b\n (a hint)\n',
      segments: [
        [2, 2],
        [1, 2],
      ] as [1 | 2, number][],
    };
    expect(execOutputInOrder(changed)).toEqual([
      [1, 'a\n'],
      [2, 'b\n (a hint)\n'],
    ]);
  });
});

describe('the network tools l4lab does not run', () => {
  it('say what does the same here, and nothing of the others', () => {
    expect(missingToolHint('ping')).toMatch(/nc -zv HOST PORT/);
    expect(missingToolHint('dig')).toBe('nslookup HOST asks the cluster DNS');
    expect(missingToolHint('vi')).toBeUndefined();
    expect(missingToolHint('constructor')).toBeUndefined();
  });
});
