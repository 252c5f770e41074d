// The node's conntrack settings, read and never written: on a real node they are the cluster
// administrator's (kube-proxy sets some of them itself). The server needs them to word events:
// with nf_conntrack_acct off, DESTROYs carry no counters (bytes are not known, not 0); TIME_WAIT
// and CLOSE timeouts say how long after a connection closed its DESTROY comes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConntrackSettings } from '@l4lab/agent';

export const NETFILTER_SYSCTLS = '/proc/sys/net/netfilter';

/**
 * Read in this process's network namespace (the node's, with hostNetwork), or in `netns` (a
 * path: /proc/sys/net shows the namespace of the process reading it, so `cat` runs in it).
 */
export function readConntrackSettings(
  dir = NETFILTER_SYSCTLS,
  netns?: string,
): AgentConntrackSettings {
  const read = (name: string) => {
    try {
      const file = join(dir, name);
      const text = netns
        ? execFileSync('nsenter', [`--net=${netns}`, '--', 'cat', file], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
            timeout: 5000,
          })
        : readFileSync(file, 'utf8');
      const n = Number(text.trim());
      return Number.isInteger(n) && n >= 0 ? n : null;
    } catch {
      return null; // nf_conntrack not loaded, or not this kernel's (or the namespace is gone)
    }
  };
  const acct = read('nf_conntrack_acct');
  return {
    acct: acct === null ? null : acct !== 0,
    timeWaitSeconds: read('nf_conntrack_tcp_timeout_time_wait'),
    closeSeconds: read('nf_conntrack_tcp_timeout_close'),
  };
}
