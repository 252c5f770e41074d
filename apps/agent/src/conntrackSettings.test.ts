import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConntrackSettings } from './conntrackSettings.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the node's conntrack settings", () => {
  it('reads accounting and the closing timeouts', () => {
    dir = mkdtempSync(join(tmpdir(), 'l4lab-agent-sysctl-'));
    writeFileSync(join(dir, 'nf_conntrack_acct'), '0\n');
    writeFileSync(join(dir, 'nf_conntrack_tcp_timeout_time_wait'), '120\n');
    writeFileSync(join(dir, 'nf_conntrack_tcp_timeout_close'), '10\n');
    expect(readConntrackSettings(dir)).toEqual({
      acct: false,
      timeWaitSeconds: 120,
      closeSeconds: 10,
    });
    writeFileSync(join(dir, 'nf_conntrack_acct'), '1\n');
    expect(readConntrackSettings(dir).acct).toBe(true);
  });

  it('says null for what it cannot read (nf_conntrack not loaded)', () => {
    dir = mkdtempSync(join(tmpdir(), 'l4lab-agent-sysctl-'));
    writeFileSync(join(dir, 'nf_conntrack_tcp_timeout_close'), 'ten\n');
    expect(readConntrackSettings(dir)).toEqual({
      acct: null,
      timeWaitSeconds: null,
      closeSeconds: null,
    });
  });
});
