import { describe, expect, it } from 'vitest';
import { namespaceInode, parseNamespaceLink } from './identity.ts';
import { toolPath } from './tools.ts';

describe('parseNamespaceLink', () => {
  it('reads the inode of a /proc/<pid>/ns link', () => {
    expect(parseNamespaceLink('net:[4026532242]')).toBe(4026532242);
    expect(parseNamespaceLink('user:[4026531837]\n')).toBe(4026531837);
    expect(parseNamespaceLink('/run/netns/x')).toBeUndefined();
  });

  it('reads this process, not a missing one', () => {
    if (process.platform !== 'linux') return;
    expect(namespaceInode('self')).toBeGreaterThan(0);
    expect(namespaceInode(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('toolPath', () => {
  it('finds a program on PATH, and sbin ones without it', () => {
    if (process.platform !== 'linux') return;
    expect(toolPath('sh', '')).toMatch(/\/sh$/);
    expect(toolPath('no-such-tool-l4lab', '/nowhere')).toBeUndefined();
  });
});
