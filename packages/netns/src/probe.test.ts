import { describe, expect, it } from 'vitest';
import { type MethodTrial, type ProbeFacts, judgeProbe } from './probe.ts';

const ok = { code: 0, stdout: '', stderr: '' };
const failed = (stderr: string) => ({ code: 1, stdout: '', stderr });

function facts(over: Partial<ProbeFacts> = {}): ProbeFacts {
  return {
    platform: 'linux',
    missingTools: [],
    root: true,
    usernsSysctls: {},
    trials: [{ method: 'netns', unshare: ok, nft: ok, conntrack: ok }],
    ...over,
  };
}

const userTrial = (t: Partial<MethodTrial>): MethodTrial => ({
  method: 'userns',
  unshare: ok,
  nft: ok,
  conntrack: ok,
  ...t,
});

describe('judgeProbe', () => {
  it('takes the first method whose trial passed', () => {
    expect(judgeProbe(facts())).toEqual({ ok: true, method: 'netns' });
    const rootFellBack = facts({
      trials: [
        { method: 'netns', unshare: failed('unshare: unshare failed: Operation not permitted') },
        userTrial({}),
      ],
    });
    expect(judgeProbe(rootFellBack)).toEqual({ ok: true, method: 'userns' });
  });

  it('says that only Linux has it', () => {
    const r = judgeProbe(facts({ platform: 'darwin', trials: [] }));
    expect(r).toMatchObject({ ok: false, missing: ['Linux'] });
    expect(!r.ok && r.hint).toContain('--dataplane userspace');
  });

  it('names the Debian packages of missing tools, once each', () => {
    const r = judgeProbe(facts({ missingTools: ['nft', 'unshare', 'nsenter'], trials: [] }));
    expect(r).toMatchObject({ ok: false, missing: ['nft', 'unshare', 'nsenter'] });
    expect(!r.ok && r.hint).toContain('sudo apt-get install nftables util-linux (');
  });

  it('tells an unprivileged user which sysctl to turn on', () => {
    const refused = [userTrial({ unshare: failed('unshare: write failed /proc/self/uid_map') })];
    const cases: [ProbeFacts['usernsSysctls'], string][] = [
      [{ clone: '0' }, 'kernel.unprivileged_userns_clone=1'],
      [{ max: '0' }, 'user.max_user_namespaces=15000'],
      [{ apparmor: '1' }, 'kernel.apparmor_restrict_unprivileged_userns=0'],
    ];
    for (const [sysctls, expected] of cases) {
      const r = judgeProbe(facts({ root: false, usernsSysctls: sysctls, trials: refused }));
      expect(r).toMatchObject({ ok: false, missing: ['root or unprivileged user namespaces'] });
      expect(!r.ok && r.hint).toContain(expected);
      expect(!r.ok && r.hint).toContain('uid_map');
    }
  });

  it('tells root in a container to run it privileged', () => {
    const r = judgeProbe(
      facts({
        trials: [
          { method: 'netns', unshare: failed('unshare: unshare failed: Operation not permitted') },
          userTrial({ unshare: failed('unshare: unshare failed: Operation not permitted') }),
        ],
      }),
    );
    expect(!r.ok && r.hint).toContain('--privileged');
  });

  it('names the kernel module nft or conntrack lacks', () => {
    const noNft = judgeProbe(
      facts({
        trials: [userTrial({ nft: failed('Error: Protocol not supported'), conntrack: undefined })],
      }),
    );
    expect(noNft).toMatchObject({ ok: false, missing: ['nf_tables'] });
    expect(!noNft.ok && noNft.hint).toContain('modprobe nf_tables');
    expect(!noNft.ok && noNft.hint).toContain('Protocol not supported');
    const noConntrack = judgeProbe(facts({ trials: [userTrial({ conntrack: failed('x') })] }));
    expect(noConntrack).toMatchObject({ ok: false, missing: ['nf_conntrack'] });
  });
});
