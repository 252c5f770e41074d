import { describe, expect, it } from 'vitest';
import {
  ShellSyntaxError,
  namespaceFlag,
  parseCommandList,
  shellQuote,
  shellWords,
} from './shellWords.ts';

describe('parseCommandList', () => {
  it('keeps a quoted command line as one word', () => {
    expect(
      parseCommandList(`kubectl exec client -- sh -c "wget -qO- my-nginx | grep Served"`),
    ).toEqual([
      {
        op: ';',
        pipeline: [
          ['kubectl', 'exec', 'client', '--', 'sh', '-c', 'wget -qO- my-nginx | grep Served'],
        ],
      },
    ]);
    expect(parseCommandList(`echo 'a  b'"c d"e\\ f ''`)[0]!.pipeline[0]).toEqual([
      'echo',
      'a  bc de f',
      '',
    ]);
    expect(parseCommandList(`echo "say \\"hi\\" \\$x \\n"`)[0]!.pipeline[0]).toEqual([
      'echo',
      'say "hi" $x \\n',
    ]);
  });

  it('splits pipes, &&, || and ; outside quotes only', () => {
    expect(
      parseCommandList(
        'kubectl get pods -l run=my-nginx -o wide | grep Running | wc -l && get svc; x || y # note',
      ),
    ).toEqual([
      {
        op: ';',
        pipeline: [
          ['kubectl', 'get', 'pods', '-l', 'run=my-nginx', '-o', 'wide'],
          ['grep', 'Running'],
          ['wc', '-l'],
        ],
      },
      { op: '&&', pipeline: [['get', 'svc']] },
      { op: ';', pipeline: [['x']] },
      { op: '||', pipeline: [['y']] },
    ]);
    expect(parseCommandList(`a 'b|c' "d&&e"`)).toEqual([
      { op: ';', pipeline: [['a', 'b|c', 'd&&e']] },
    ]);
    expect(parseCommandList('a;')).toEqual([{ op: ';', pipeline: [['a']] }]);
    expect(parseCommandList('   ')).toEqual([]);
  });

  it('rejects what a shell rejects, in its words', () => {
    expect(() => parseCommandList('echo "a')).toThrow('unterminated quoted string');
    expect(() => parseCommandList('| grep x')).toThrow('syntax error: unexpected "|"');
    expect(() => parseCommandList('a &&')).toThrow('unexpected "end of file"');
    expect(() => parseCommandList('a | ')).toThrow(ShellSyntaxError);
    expect(() => parseCommandList('sleep 1 &')).toThrow('background jobs');
  });
});

describe('shellWords', () => {
  it('splits one command and removes quotes', () => {
    expect(shellWords(`get pods -l 'run=my-nginx' -o "wide"`)).toEqual([
      'get',
      'pods',
      '-l',
      'run=my-nginx',
      '-o',
      'wide',
    ]);
    expect(() => shellWords('a | b')).toThrow(ShellSyntaxError);
  });
});

describe('shellQuote', () => {
  it('quotes a word so that the shell reads it back as the same word', () => {
    const words = ['sh', '-c', 'wget -q -O - my-nginx | grep Served', "it's", '', 'a=b', '$HOME'];
    const line = words.map(shellQuote).join(' ');
    expect(line).toBe(`sh -c 'wget -q -O - my-nginx | grep Served' 'it'\\''s' '' a=b '$HOME'`);
    expect(parseCommandList(line)[0]!.pipeline[0]).toEqual(words);
  });
});

describe('namespaceFlag', () => {
  it('takes -n, --namespace and -A out', () => {
    expect(namespaceFlag(['get', 'svc', '-n', 'kube-system'])).toEqual({
      rest: ['get', 'svc'],
      namespace: 'kube-system',
      all: false,
    });
    expect(namespaceFlag(['--namespace=web', 'get', 'pods', '-A'])).toMatchObject({
      namespace: 'web',
      all: true,
    });
  });
});
