// The kernel dataplane programs nftables and deletes conntrack entries only inside the lab's own
// network namespace: never in the host's, whatever the caller got wrong.
import { readFileSync, statSync } from 'node:fs';

export class HostNetworkNamespaceError extends Error {
  readonly code = 'L4_E_HOST_NETNS';
}

export interface NamespaceProbe {
  /** Inode of a process's network namespace (`/proc/<pid>/ns/net`), undefined if unreadable. */
  netns(pid: number | 'self'): number | undefined;
  /** The parent process's pid, undefined if unknown. */
  parent(pid: number | 'self'): number | undefined;
  /** `/proc/self/uid_map`, to tell the initial user namespace from a child one. */
  uidMap(): string | undefined;
}

const procProbe: NamespaceProbe = {
  netns(pid) {
    try {
      return statSync(`/proc/${pid}/ns/net`).ino;
    } catch {
      return undefined;
    }
  },
  parent(pid) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
    } catch {
      return undefined;
    }
  },
  uidMap() {
    try {
      return readFileSync('/proc/self/uid_map', 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** Linux 6.x gives the initial network namespace this fixed inode (PROC_NET_INIT_INO). */
export const INIT_NET_INODE = 0xeffffff9;

/** The initial user namespace maps every uid to itself: `0 0 4294967295`. */
function inInitialUserNamespace(uidMap: string | undefined): boolean {
  const fields = uidMap?.trim().split(/\s+/);
  return !fields || fields.join(' ') === '0 0 4294967295';
}

/** Whether a readable ancestor runs in another network namespace than `self` (checked up to pid 1). */
function startedInANamespaceOfItsOwn(probe: NamespaceProbe, self: number): boolean {
  let pid = probe.parent('self');
  for (let depth = 0; pid !== undefined && depth < 64; depth++) {
    const ns = probe.netns(pid);
    if (ns === undefined) return false;
    if (ns !== self) return true;
    if (pid === 1) return false;
    pid = probe.parent(pid);
  }
  return false;
}

/**
 * Throws unless this process runs in a network namespace other than the host's (pid 1's). Where
 * pid 1's namespace cannot be read: in a child user namespace (`unshare -Urn`) this process has
 * no power over the host's network; as root, a parent process in another network namespace
 * shows this one was made for it (the lab's launcher, `ip netns exec`, `unshare -n`).
 */
export function assertNotHostNetworkNamespace(
  what: string,
  probe: NamespaceProbe = procProbe,
): void {
  const fix =
    'run the lab with --dataplane nftables (it creates its own network namespace), or run this inside `unshare -Urn` / `ip netns exec`';
  const refuse = (why: string) => new HostNetworkNamespaceError(`${what}: ${why}; ${fix}`);
  const self = probe.netns('self');
  if (self === undefined)
    throw refuse('cannot read /proc/self/ns/net to check the network namespace (Linux only)');
  const host = probe.netns(1);
  if (self === INIT_NET_INODE || self === host)
    throw refuse(
      "refused in the host's network namespace (nothing changes in the host's firewall)",
    );
  if (host !== undefined) return;
  if (!inInitialUserNamespace(probe.uidMap())) return;
  if (startedInANamespaceOfItsOwn(probe, self)) return;
  throw refuse("cannot read /proc/1/ns/net to tell this network namespace from the host's");
}
