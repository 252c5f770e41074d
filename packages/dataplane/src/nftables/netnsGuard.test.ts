import { describe, expect, it } from 'vitest';
import {
  HostNetworkNamespaceError,
  INIT_NET_INODE,
  assertNotHostNetworkNamespace,
  type NamespaceProbe,
} from './netnsGuard.ts';

const FULL_MAP = '         0          0 4294967295\n';

/** Processes 1 (init) <- 50 (launcher) <- self (the lab), each with a namespace inode. */
function probe(ns: { self?: number; 1?: number; 50?: number }, uidMap = FULL_MAP): NamespaceProbe {
  return {
    netns: (pid) => ns[pid as 'self' | 1 | 50],
    parent: (pid) => (pid === 'self' ? 50 : pid === 50 ? 1 : undefined),
    uidMap: () => uidMap,
  };
}

const check = (p: NamespaceProbe) => () => assertNotHostNetworkNamespace('test', p);

describe('assertNotHostNetworkNamespace', () => {
  it("refuses in pid 1's network namespace", () => {
    expect(check(probe({ self: 100, 1: 100, 50: 100 }))).toThrow(HostNetworkNamespaceError);
    expect(check(probe({ self: 100, 1: 100, 50: 100 }))).toThrow(/refused in the host's/);
  });

  it('refuses in the initial network namespace, known by its fixed inode', () => {
    expect(check(probe({ self: INIT_NET_INODE, 50: INIT_NET_INODE }))).toThrow(/host's/);
  });

  it("allows a namespace other than pid 1's", () => {
    expect(check(probe({ self: 200, 1: 100, 50: 100 }))).not.toThrow();
  });

  it('allows, when pid 1 cannot be read, a child user namespace (unshare -Urn)', () => {
    expect(check(probe({ self: 200, 50: 200 }, '0 1000 1\n'))).not.toThrow();
  });

  it('allows, when pid 1 cannot be read, a namespace its parent is not in (the launcher)', () => {
    expect(check(probe({ self: 200, 50: 100 }))).not.toThrow();
  });

  it('refuses when nothing tells this namespace from the host’s', () => {
    expect(check(probe({ self: 200, 50: 200 }))).toThrow(/cannot read \/proc\/1\/ns\/net/);
    expect(check(probe({}))).toThrow(/cannot read \/proc\/self\/ns\/net/);
  });
});
