import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenFile, tokenMatches } from './token.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tokenFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'l4lab-agent-token-'));
  dirs.push(dir);
  const path = join(dir, 'token');
  writeFileSync(path, text);
  return path;
}

describe('the agent token', () => {
  it('matches only the same token (any length), never an empty one', () => {
    expect(tokenMatches('s3cret', 's3cret')).toBe(true);
    expect(tokenMatches('s3cre', 's3cret')).toBe(false);
    expect(tokenMatches('s3cret-and-more', 's3cret')).toBe(false);
    expect(tokenMatches(undefined, 's3cret')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });

  it("reads the Secret's file (a trailing newline ignored) and again when it changes", () => {
    const path = tokenFile('first\n');
    const t = new TokenFile(path);
    expect(t.matches('first')).toBe(true);
    writeFileSync(path, 'second');
    expect(t.matches('first')).toBe(false);
    expect(t.matches('second')).toBe(true);
    // A read that fails (the kubelet swapping the file) keeps the last token.
    rmSync(path);
    expect(t.matches('second')).toBe(true);
  });

  it('refuses to start without a token', () => {
    expect(() => new TokenFile(tokenFile(' \n'))).toThrow(/is empty/);
    expect(() => new TokenFile('/nonexistent/l4lab/token')).toThrow(/cannot read/);
  });
});
