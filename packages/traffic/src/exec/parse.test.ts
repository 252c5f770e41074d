import { describe, expect, it } from 'vitest';
import { ShellSyntaxError, parseCommandLine } from './parse.ts';

const words = (line: string) =>
  parseCommandLine(line).map((i) => ({
    op: i.op,
    cmds: i.pipeline.map((c) =>
      c.argv.map((w) => w.map((p) => ('lit' in p ? p.lit : `<${p.var}>`)).join('')),
    ),
  }));

describe('parseCommandLine', () => {
  it('splits words and honours quotes and escapes', () => {
    expect(words(`curl -s -o /dev/null -w '%{http_code}' "a b"\\ c`)).toEqual([
      { op: ';', cmds: [['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'a b c']] },
    ]);
  });

  it('keeps variables for run time, except in single quotes', () => {
    expect(words(`echo $? "\${HOSTNAME}x" '$HOME' $`)).toEqual([
      { op: ';', cmds: [['echo', '<?>', '<HOSTNAME>x', '$HOME', '$']] },
    ]);
  });

  it('parses ;, &&, || and pipes', () => {
    expect(words('false && echo no || echo yes; wget -qO- x | head -n 1')).toEqual([
      { op: ';', cmds: [['false']] },
      { op: '&&', cmds: [['echo', 'no']] },
      { op: '||', cmds: [['echo', 'yes']] },
      {
        op: ';',
        cmds: [
          ['wget', '-qO-', 'x'],
          ['head', '-n', '1'],
        ],
      },
    ]);
  });

  it('parses redirections of stdout and stderr', () => {
    const [item] = parseCommandLine('wget x >/dev/null 2>&1');
    expect(item!.pipeline[0]!.redirects).toEqual([
      { fd: 1, to: '/dev/null', append: false },
      { fd: 2, to: '&1', append: false },
    ]);
    expect(parseCommandLine('echo a >> f')[0]!.pipeline[0]!.redirects).toEqual([
      { fd: 1, to: 'f', append: true },
    ]);
  });

  it('ignores comments and a trailing ;', () => {
    expect(words('echo a; # b')).toEqual([{ op: ';', cmds: [['echo', 'a']] }]);
    expect(parseCommandLine('   ')).toEqual([]);
  });

  it("reports syntax errors with ash's words", () => {
    expect(() => parseCommandLine('&& echo')).toThrow('syntax error: unexpected "&&"');
    expect(() => parseCommandLine('echo a |')).toThrow('syntax error: unexpected "end of file"');
    expect(() => parseCommandLine("echo 'a")).toThrow(ShellSyntaxError);
    expect(() => parseCommandLine('sleep 1 &')).toThrow(/background/);
  });
});
