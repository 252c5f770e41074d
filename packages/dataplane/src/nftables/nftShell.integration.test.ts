// NftShell against a stand-in for `nft -j -i` (a shell script that answers as nft 1.0.6 does:
// one JSON line on stdout, or `Error: ...`, the command and a caret line on stderr), so the
// answers, the errors, a hang and the stop are all tested without privileges. The real nft
// answers the events' rate limit's reads in testConntrackLab.ts.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NftError } from './commands.ts';
import { NftShell } from './nftShell.ts';
import { processAlive } from '../testProcesses.ts';

const FAKE_NFT = `#!/bin/sh
[ "$1 $2" = "-j -i" ] || { echo "usage" >&2; exit 2; }
n=0
while IFS= read -r line; do
  n=$((n + 1))
  case "$line" in
    "list set ip t s") echo "{\\"nftables\\": [{\\"n\\": $n}]}" ;;
    "list set ip t gone") printf 'Error: No such file or directory\\n%s\\n   ^^^^\\n' "$line" >&2 ;;
    "hang") exec sleep 30 ;;
    *) printf 'Error: syntax error, unexpected newline\\n%s\\n^\\n' "$line" >&2 ;;
  esac
done
`;

describe('NftShell', () => {
  let dir: string;
  let nft: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'l4lab-nftshell-'));
    nft = join(dir, 'nft');
    await writeFile(nft, FAKE_NFT);
    await chmod(nft, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers each command with its line, in order, from one process', async () => {
    const shell = new NftShell(nft);
    const answers = await Promise.all([1, 2, 3].map(() => shell.list('list set ip t s')));
    expect(answers).toEqual([1, 2, 3].map((n) => `{"nftables": [{"n": ${n}}]}`));
    const pid = shell.pid!;
    expect(await shell.list('list set ip t s')).toBe('{"nftables": [{"n": 4}]}');
    expect(shell.pid).toBe(pid);
    await shell.stop();
    expect(processAlive(pid)).toBe(false);
    await expect(shell.list('list set ip t s')).rejects.toThrow(NftError);
  });

  it('says undefined for an object that does not exist and throws for another error', async () => {
    const shell = new NftShell(nft);
    expect(await shell.list('list set ip t gone')).toBeUndefined();
    await expect(shell.list('list nonsense')).rejects.toThrow(
      'nft list nonsense failed: Error: syntax error',
    );
    // The echoed command and the caret lines are not taken for the next answer.
    expect(await shell.list('list set ip t s')).toBe('{"nftables": [{"n": 3}]}');
    await shell.stop();
  });

  it('kills an nft that does not answer in time and starts another for the next command', async () => {
    const shell = new NftShell(nft, { timeoutMs: 300 });
    expect(await shell.list('list set ip t s')).toBe('{"nftables": [{"n": 1}]}');
    const hung = shell.pid!;
    await expect(shell.list('hang')).rejects.toThrow('no answer to "hang" in time');
    expect(await shell.list('list set ip t s')).toBe('{"nftables": [{"n": 1}]}');
    expect(shell.pid).not.toBe(hung);
    for (let i = 0; i < 50 && processAlive(hung); i++) await new Promise((r) => setTimeout(r, 20));
    expect(processAlive(hung)).toBe(false);
    await shell.stop();
  });

  it('throws, without hanging, when nft cannot run', async () => {
    const shell = new NftShell(join(dir, 'no-such-nft'));
    await expect(shell.list('list set ip t s')).rejects.toThrow(/cannot run|exited/);
    await shell.stop();
  });
});
