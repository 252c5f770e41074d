import { describe, expect, it } from 'vitest';
import { parseAgentArgs } from './options.ts';

const ok = (argv: string[], env: Record<string, string> = {}) => {
  const r = parseAgentArgs(argv, env);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.options;
};
const error = (argv: string[], env: Record<string, string> = {}) => {
  const r = parseAgentArgs(argv, env);
  return !r.ok && 'error' in r ? r.error : undefined;
};

describe('the agent command line', () => {
  it('takes the defaults, the node from NODE_NAME (the downward API)', () => {
    expect(ok(['--token-file', '/t'], { NODE_NAME: 'node-1' })).toEqual({
      host: '0.0.0.0',
      port: 9641,
      tokenFile: '/t',
      node: 'node-1',
      kubeProxyUrl: 'http://127.0.0.1:10249',
      reader: 'native',
    });
  });

  it('takes every flag, spaced or with =, and IPv6 listen addresses', () => {
    expect(
      ok([
        '--listen=127.0.0.1:19641',
        '--token-file=/t',
        '--node',
        'node-2',
        '--kube-proxy-url',
        'http://127.0.0.1:10249/',
        '--reader',
        'cli',
        '--netns',
        '/run/netns/lab-a',
        '--all-flows',
      ]),
    ).toMatchObject({
      host: '127.0.0.1',
      port: 19641,
      node: 'node-2',
      reader: 'cli',
      netns: '/run/netns/lab-a',
      allFlows: true,
    });
    expect(ok(['--listen', '[::]:9641', '--token-file', '/t', '--node', 'n'])).toMatchObject({
      host: '::',
      port: 9641,
    });
  });

  it('says what is wrong', () => {
    expect(error(['--node', 'n'])).toBe('--token-file is required');
    expect(error(['--token-file', '/t'])).toMatch(/^--node or env NODE_NAME is required/);
    expect(error(['--token-file', '/t', '--node', 'n', '--listen', '9641'])).toMatch(
      /^--listen: expected HOST:PORT/,
    );
    expect(error(['--token-file', '/t', '--node', 'n', '--listen', 'a:70000'])).toMatch(
      /^--listen/,
    );
    expect(error(['--token-file'])).toBe('--token-file needs a value');
    expect(error(['--verbose'])).toBe('unknown flag: --verbose');
    expect(error(['--token-file', '/t', '--node', 'n', '--kube-proxy-url', 'unix:/x'])).toMatch(
      /not an http\(s\) URL/,
    );
    expect(error(['--token-file', '/t', '--node', 'n', '--reader', 'ebpf'])).toBe(
      '--reader: native or cli, not ebpf',
    );
    expect(error(['--token-file', '/t', '--node', 'n', '--netns', 'lab-a'])).toBe(
      '--netns: an absolute path like /run/netns/NAME, not lab-a',
    );
    expect(parseAgentArgs(['--help'], {})).toEqual({ ok: false, help: true });
  });
});
