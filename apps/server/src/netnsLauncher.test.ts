import { describe, expect, it } from 'vitest';
import { parseConfig, type LabConfig } from './config.ts';
import { serverArgs } from './netnsLauncher.ts';
import { parseShellArgs } from './shellCommand.ts';

const parse = (argv: string[]) => parseConfig(argv, {}) as LabConfig;

describe('--dataplane', () => {
  it('takes userspace (the default), nftables and auto', () => {
    expect(parse([]).dataplane).toBe('userspace');
    expect(parse(['--dataplane', 'nftables']).dataplane).toBe('nftables');
    expect(parseConfig([], { L4LAB_DATAPLANE: 'auto' })).toMatchObject({ dataplane: 'auto' });
    expect(() => parse(['--dataplane', 'ipvs'])).toThrow(
      '--dataplane ipvs: expected userspace, nftables or auto',
    );
  });

  it('refuses nftables with what lives outside the namespace', () => {
    for (const flag of [['--expose'], ['--workshop'], ['--runtime', 'docker']])
      expect(() => parse(['--dataplane', 'nftables', ...flag])).toThrow(
        `--dataplane nftables cannot serve ${flag[0]}`,
      );
    // auto falls back to userspace for these (main.ts says why) instead of refusing.
    expect(parse(['--dataplane', 'auto', '--expose']).dataplane).toBe('auto');
  });
});

describe('serverArgs', () => {
  it("gives the server inside the user's flags with the dataplane settled", () => {
    expect(serverArgs(['--port', '0', '--dataplane', 'auto', '--fresh'])).toEqual([
      '--port',
      '0',
      '--fresh',
      '--dataplane',
      'nftables',
    ]);
    expect(serverArgs(['--dataplane=auto'])).toEqual(['--dataplane', 'nftables']);
  });
});

describe('parseShellArgs', () => {
  it('reads the workspace, then the command after an optional --', () => {
    const env = { L4LAB_WORKSPACE: '/tmp/ws-env' };
    expect(parseShellArgs([], env)).toEqual({ workspace: '/tmp/ws-env', command: [], help: false });
    expect(parseShellArgs(['--workspace', '/w', '--', 'curl', '--head', 'x'], env)).toEqual({
      workspace: '/w',
      command: ['curl', '--head', 'x'],
      help: false,
    });
    expect(parseShellArgs(['nft', 'list', 'ruleset'], env).command).toEqual([
      'nft',
      'list',
      'ruleset',
    ]);
    expect(parseShellArgs(['--workspace=/w2', '-h'], env)).toMatchObject({
      workspace: '/w2',
      help: true,
    });
  });
});
