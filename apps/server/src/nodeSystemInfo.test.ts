import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { nodeSystemInfo, osImage } from './nodeSystemInfo.ts';

describe('osImage', () => {
  it("is os-release's PRETTY_NAME, quoted or not", () => {
    const debian =
      'NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
    expect(osImage(debian)).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(osImage("PRETTY_NAME='Alpine Linux v3.20'")).toBe('Alpine Linux v3.20');
    expect(osImage('ID=nixos\nPRETTY_NAME=NixOS 24.05')).toBe('NixOS 24.05');
  });

  it("falls back to the OS's name without one", () => {
    expect(osImage('')).toBe(os.type());
    expect(osImage('PRETTY_NAME=""')).toBe(os.type());
  });
});

describe('nodeSystemInfo', () => {
  it("reports this machine's kernel and the versions it is given, in Go's names", () => {
    const info = nodeSystemInfo({
      kubeletVersion: 'v1.32.0+l4lab.0.1.0',
      containerRuntimeVersion: 'nginx://1.22.1',
    });
    expect(info).toMatchObject({
      kubeletVersion: 'v1.32.0+l4lab.0.1.0',
      containerRuntimeVersion: 'nginx://1.22.1',
      kernelVersion: os.release(),
    });
    expect(info.operatingSystem).not.toBe('win32');
    expect(info.architecture).not.toBe('x64');
    expect(info.osImage).not.toBe('');
  });
});
