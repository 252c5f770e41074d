import { describe, expect, it } from 'vitest';
import { TEXT_TOOLS } from './textTools.ts';

const PODS = `NAME                        READY   STATUS    RESTARTS   AGE
my-nginx-5b56ccd65f-7dbxk   1/1     Running   0          10s
my-nginx-5b56ccd65f-q2m4n   1/1     Running   0          10s
client-6d4cf56db6-xvzqp     1/1     Pending   0          2s
`;
const run = (line: string, stdin = PODS) => {
  const [name, ...args] = line.split(' ');
  return TEXT_TOOLS[name!]!(args, stdin);
};

describe('the console text filters', () => {
  it('grep filters lines, counts them, and exits 1 on no match', () => {
    expect(run('grep my-nginx').stdout.split('\n')).toHaveLength(3);
    expect(run('grep -c Running')).toEqual({ stdout: '2\n', stderr: '', exitCode: 0 });
    expect(run('grep -vc Running').stdout).toBe('2\n');
    expect(run('grep -i PENDING').stdout).toMatch(/^client-/);
    expect(run('grep -q nothing')).toEqual({ stdout: '', stderr: '', exitCode: 1 });
    expect(run('grep -n client').stdout).toMatch(/^4:client-/);
    expect(run('grep').exitCode).toBe(2);
  });

  it('head and tail take -n N, -N and -c N', () => {
    expect(run('head -n 1').stdout).toBe(`${PODS.split('\n')[0]}\n`);
    expect(run('head -2').stdout.split('\n')).toHaveLength(3);
    expect(run('head -c 4').stdout).toBe('NAME');
    expect(run('tail -n 1').stdout).toMatch(/^client-.*\n$/);
    expect(run('tail -n +2').stdout.split('\n')).toHaveLength(4);
  });

  it('wc prints one count bare and several in columns, like busybox', () => {
    expect(run('wc -l').stdout).toBe('4\n');
    expect(run('wc -l', 'no newline').stdout).toBe('0\n');
    expect(run('wc -w', 'a b\nc\n').stdout).toBe('3\n');
    expect(run('wc -c', 'héllo\n').stdout).toBe('7\n');
    expect(run('wc', 'a b\nc\n').stdout).toBe('        2         3         6\n');
    expect(run('wc -x').exitCode).toBe(1);
  });
});
