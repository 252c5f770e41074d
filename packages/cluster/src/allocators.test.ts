// Test ranges: service CIDR 127.96.0.0/16 (static band .0.0-.0.255), pod CIDR 127.244.1.0/24,
// NodePorts 30000-32767 (static band 30000-30085).
import { describe, it, expect } from 'vitest';
import { ClusterIPAllocator, NodePortAllocator, PodIPAllocator } from './allocators.ts';
import { ipToInt } from './ipv4.ts';
import { seededRandom } from './testBuilders.ts';

const SERVICE_CIDR = '127.96.0.0/16';
const BASE = ipToInt('127.96.0.0');

describe('ClusterIPAllocator', () => {
  it('allocates dynamically inside the CIDR, in the upper band, never network or broadcast', () => {
    const a = new ClusterIPAllocator(SERVICE_CIDR, seededRandom(7));
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const ip = a.allocateNext();
      const offset = ipToInt(ip) - BASE;
      expect(a.contains(ip)).toBe(true);
      expect(offset).toBeGreaterThanOrEqual(256);
      expect(offset).toBeLessThan(65535);
      expect(ip).not.toBe('127.96.0.0');
      expect(ip).not.toBe('127.96.255.255');
      expect(seen.has(ip)).toBe(false);
      seen.add(ip);
      expect(a.isAllocated(ip)).toBe(true);
    }
  });

  it('uses the random source to pick where to start', () => {
    const zero = new ClusterIPAllocator(SERVICE_CIDR, () => 0);
    expect(zero.allocateNext()).toBe('127.96.1.0');
    expect(zero.allocateNext()).toBe('127.96.1.1');
    const high = new ClusterIPAllocator(SERVICE_CIDR, () => 0.999999999);
    expect(high.allocateNext()).toBe('127.96.255.254');
  });

  it('falls back to the static band only when the upper band is full, then reports full', () => {
    // /24: static band max(16, 256/16) = 16 addresses (.1-.15 usable), upper band .16-.254.
    const a = new ClusterIPAllocator('127.96.7.0/24', seededRandom(3));
    const got: number[] = [];
    for (let i = 0; i < 254; i++) got.push(ipToInt(a.allocateNext()) - ipToInt('127.96.7.0'));
    expect(got.slice(0, 239).every((o) => o >= 16 && o <= 254)).toBe(true);
    expect(got.slice(239).every((o) => o >= 1 && o <= 15)).toBe(true);
    expect(new Set(got).size).toBe(254);
    expect(() => a.allocateNext()).toThrow(/L4_E_RANGE_FULL/);
  });

  it('releases an address for reuse', () => {
    const a = new ClusterIPAllocator('127.96.7.0/28', () => 0);
    const all = Array.from({ length: 14 }, () => a.allocateNext());
    expect(() => a.allocateNext()).toThrow(/L4_E_RANGE_FULL/);
    a.release(all[5]!);
    expect(a.isAllocated(all[5]!)).toBe(false);
    expect(a.allocateNext()).toBe(all[5]);
  });

  it('reserves a specific address once', () => {
    const a = new ClusterIPAllocator(SERVICE_CIDR, seededRandom(1));
    expect(a.allocate('127.96.0.10')).toBe(true);
    expect(a.allocate('127.96.0.10')).toBe(false);
    expect(a.isAllocated('127.96.0.10')).toBe(true);
    a.release('127.96.0.10');
    expect(a.allocate('127.96.0.10')).toBe(true);
  });

  it('never hands out a reserved address dynamically', () => {
    const a = new ClusterIPAllocator('127.96.7.0/28', () => 0);
    a.allocate('127.96.7.1');
    const got = Array.from({ length: 13 }, () => a.allocateNext());
    expect(got).not.toContain('127.96.7.1');
    expect(() => a.allocateNext()).toThrow(/L4_E_RANGE_FULL/);
  });
});

describe('PodIPAllocator', () => {
  it('hands out addresses in order from .2, skipping the gateway', () => {
    const a = new PodIPAllocator('127.244.1.0/24');
    expect([a.allocateNext(), a.allocateNext(), a.allocateNext()]).toEqual([
      '127.244.1.2',
      '127.244.1.3',
      '127.244.1.4',
    ]);
  });

  it('does not reuse a released address immediately (host-local)', () => {
    const a = new PodIPAllocator('127.244.1.0/24');
    const first = a.allocateNext();
    a.allocateNext();
    a.release(first);
    expect(a.allocateNext()).toBe('127.244.1.4');
  });

  it('wraps around to freed addresses, never .0, .1 or broadcast, and reports full', () => {
    const a = new PodIPAllocator('127.244.1.0/28'); // usable .2-.14
    const all = Array.from({ length: 13 }, () => a.allocateNext());
    expect(all[0]).toBe('127.244.1.2');
    expect(all[12]).toBe('127.244.1.14');
    expect(() => a.allocateNext()).toThrow(/L4_E_RANGE_FULL/);
    a.release('127.244.1.5');
    expect(a.allocateNext()).toBe('127.244.1.5');
  });
});

describe('NodePortAllocator', () => {
  it('allocates from the upper band (>= 30086) first, inside the range, without duplicates', () => {
    const a = new NodePortAllocator(30000, 32767, seededRandom(11));
    expect(a.range).toBe('30000-32767');
    const seen = new Set<number>();
    for (let i = 0; i < 32767 - 30086 + 1; i++) {
      const p = a.allocateNext();
      expect(p).toBeGreaterThanOrEqual(30086);
      expect(p).toBeLessThanOrEqual(32767);
      expect(seen.has(p)).toBe(false);
      seen.add(p);
    }
    const fromStatic = a.allocateNext();
    expect(fromStatic).toBeGreaterThanOrEqual(30000);
    expect(fromStatic).toBeLessThan(30086);
  });

  it('reserves specific ports, releases them, knows its range', () => {
    const a = new NodePortAllocator(30000, 32767, seededRandom(2));
    expect(a.contains(30000)).toBe(true);
    expect(a.contains(32767)).toBe(true);
    expect(a.contains(29999)).toBe(false);
    expect(a.contains(32768)).toBe(false);
    expect(a.allocate(30380)).toBe(true);
    expect(a.allocate(30380)).toBe(false);
    a.release(30380);
    expect(a.isAllocated(30380)).toBe(false);
  });

  it('reports a full range', () => {
    const a = new NodePortAllocator(30000, 30019, seededRandom(5)); // static band 16, upper 30016-30019
    const got = Array.from({ length: 20 }, () => a.allocateNext());
    expect(got.slice(0, 4).sort()).toEqual([30016, 30017, 30018, 30019]);
    expect(new Set(got).size).toBe(20);
    expect(() => a.allocateNext()).toThrow(/L4_E_RANGE_FULL: no free node port in 30000-30019/);
  });

  it('stays inside a range smaller than the static band', () => {
    const a = new NodePortAllocator(30000, 30009, seededRandom(5));
    const got = Array.from({ length: 10 }, () => a.allocateNext());
    expect([...got].sort()).toEqual(Array.from({ length: 10 }, (_, i) => 30000 + i));
    expect(() => a.allocateNext()).toThrow(/L4_E_RANGE_FULL/);
  });
});
