import { readFileSync, readlinkSync } from 'node:fs';

/** `net:[4026532242]` -> 4026532242 (the namespace's inode, its identity on this machine). */
export function parseNamespaceLink(link: string): number | undefined {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(link.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * The inode of a process's namespace of `kind` (`net`, `user`), or undefined when the process is
 * gone or not ours to look at (reading another user's, or a more privileged process's, links
 * needs ptrace access: EACCES).
 */
export function namespaceInode(pid: number | 'self', kind: 'net' | 'user' = 'net') {
  try {
    return parseNamespaceLink(readlinkSync(`/proc/${pid}/ns/${kind}`));
  } catch {
    return undefined;
  }
}

/**
 * The host's network namespace: pid 1's, else kthreadd's (pid 2; kernel threads always live in
 * the initial namespace). Root may still be refused pid 1's link (an init holding capabilities
 * outside root's bounding set, as in some VMs), hence the second witness. Undefined when neither
 * can be read (a non-root user).
 */
export function hostNetworkNamespace(): number | undefined {
  const init = namespaceInode(1);
  if (init !== undefined) return init;
  const comm = readText('/proc/2/comm').trim();
  return comm === 'kthreadd' ? namespaceInode(2) : undefined;
}

/** Whether this process runs in a user namespace of its own (uid_map is not the identity). */
export function inUserNamespace(): boolean {
  const map = readText('/proc/self/uid_map').trim().split(/\s+/);
  return map.length > 0 && map.join(' ') !== '0 0 4294967295';
}

/**
 * True when this process's network namespace is not the host's. When the host's cannot be read
 * (an unprivileged user), a process in a user namespace of its own counts as inside: the kernel
 * lets it change only network namespaces that user namespace owns, never the host's.
 */
export function inNamespace(): boolean {
  const self = namespaceInode('self');
  const host = hostNetworkNamespace();
  if (self !== undefined && host !== undefined) return self !== host;
  return inUserNamespace();
}

export class HostNamespaceError extends Error {
  readonly code = 'L4_E_HOST_NAMESPACE';
}

/**
 * The guard every caller of `nft` or `conntrack -D` runs first: the host's firewall and
 * connection table are never touched, only the lab's own namespace's.
 */
export function assertLabNamespace(what: string): void {
  if (inNamespace()) return;
  throw new HostNamespaceError(
    `refusing to run ${what} in the host's network namespace: the kernel dataplane runs only ` +
      `inside the lab's own namespace (start with --dataplane nftables)`,
  );
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
