// --agent-url (repeatable) and --agent-token-file: remote mode's direct agents (config.ts).
import { describe, expect, it } from 'vitest';
import { parseConfig, type LabConfig } from '../config.ts';

const parse = (argv: string[]) => parseConfig(argv, {}) as LabConfig;

describe('--agent-url and --agent-token-file', () => {
  it('takes several URLs and the token file they share, in remote mode', () => {
    const c = parse([
      ...['--kubeconfig', '/k', '--agent-url', 'http://127.0.0.1:9641'],
      ...['--agent-url', 'https://node-2.example:9641', '--agent-token-file', '/t'],
    ]);
    expect(c.remote?.agents).toEqual({
      urls: ['http://127.0.0.1:9641', 'https://node-2.example:9641'],
      tokenFile: '/t',
    });
    expect(parse(['--kubeconfig', '/k']).remote?.agents).toBeUndefined();
  });

  it('says what is wrong', () => {
    expect(() => parse(['--kubeconfig', '/k', '--agent-url', 'http://127.0.0.1:9641'])).toThrow(
      '--agent-url needs --agent-token-file (the token its agent requires)',
    );
    expect(() => parse(['--kubeconfig', '/k', '--agent-token-file', '/t'])).toThrow(
      '--agent-token-file is the token of --agent-url: pass both',
    );
    expect(() =>
      parse(['--kubeconfig', '/k', '--agent-url', '127.0.0.1:9641', '--agent-token-file', '/t']),
    ).toThrow('--agent-url 127.0.0.1:9641: expected an http(s) URL like http://10.0.0.5:9641');
    expect(() => parse(['--agent-url', 'http://127.0.0.1:9641'])).toThrow(
      '--agent-url and --agent-token-file are for remote mode: add --kubeconfig',
    );
  });
});
