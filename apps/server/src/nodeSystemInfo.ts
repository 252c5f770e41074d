// What each virtual node's kubelet reports of its machine (Node status.nodeInfo): every node runs
// on this one, so they report its kernel, OS and boot, the lab's kubelet version and the runtime
// its pods run on. `kubectl get nodes -o wide` and `kubectl describe node` print them.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { NodeSystemInfo } from '@l4lab/protocol';

/** Go's names (GOOS, GOARCH), as a kubelet reports them. */
const GOOS: Partial<Record<NodeJS.Platform, string>> = { win32: 'windows' };
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386' };

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** PRETTY_NAME from an os-release file (`Debian GNU/Linux 12 (bookworm)`), else the OS's name. */
export function osImage(osRelease: string): string {
  const m = /^PRETTY_NAME=(?:"([^"]*)"|'([^']*)'|(.*))$/m.exec(osRelease);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').trim() || os.type();
}

export function nodeSystemInfo(o: {
  kubeletVersion: string;
  containerRuntimeVersion: string;
}): NodeSystemInfo {
  return {
    machineID: readTrimmed('/etc/machine-id'),
    // Readable by root only on most machines (as the kubelet, which runs as root, reads it).
    systemUUID: readTrimmed('/sys/class/dmi/id/product_uuid'),
    bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
    kernelVersion: os.release(),
    osImage: osImage(readTrimmed('/etc/os-release') || readTrimmed('/usr/lib/os-release')),
    containerRuntimeVersion: o.containerRuntimeVersion,
    kubeletVersion: o.kubeletVersion,
    operatingSystem: GOOS[process.platform] ?? process.platform,
    architecture: GOARCH[process.arch] ?? process.arch,
  };
}
