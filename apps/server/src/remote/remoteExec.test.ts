import { describe, expect, it } from 'vitest';
import { commandWords, exitCodeOf } from './remoteExec.ts';

describe('commandWords', () => {
  it('splits a command line into argv as a shell would, without running one', () => {
    expect(commandWords('wget -q -O - my-nginx')).toEqual(['wget', '-q', '-O', '-', 'my-nginx']);
    expect(commandWords(`sh -c 'echo "a b" | wc -c'`)).toEqual(['sh', '-c', 'echo "a b" | wc -c']);
    expect(commandWords('printf "x\\"y"  z\\ w')).toEqual(['printf', 'x"y', 'z w']);
    expect(commandWords('  ')).toEqual([]);
  });
});

describe('exitCodeOf', () => {
  it("reads the exit code from the exec's final Status", () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        message: 'command terminated with non-zero exit code: exit status 4',
        details: { causes: [{ reason: 'ExitCode', message: '4' }] },
      }),
    ).toBe(4);
    expect(
      exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'no such container' }),
    ).toBe(1);
  });
});
