import { type Cidr, cidrContains, intToIp, ipToInt, parseCidr } from './ipv4.ts';

/**
 * Service ClusterIP allocator (pkg/registry/core/service/ipallocator): dynamic allocation prefers
 * the upper part of the range; the lower "static band" of min(max(16, size/16), 256) addresses is
 * left for users who pick a clusterIP themselves.
 */
export class ClusterIPAllocator {
  readonly cidr: Cidr;
  readonly #used = new Set<number>();
  readonly #staticBand: number;
  readonly #random: () => number;

  constructor(cidr: string, random: () => number = Math.random) {
    this.cidr = parseCidr(cidr);
    // Like upstream calculateRangeOffset: ranges of 16 addresses or fewer have no static band.
    this.#staticBand = this.cidr.size <= 16 ? 0 : Math.min(Math.max(16, this.cidr.size / 16), 256);
    this.#random = random;
  }

  contains(ip: string): boolean {
    return cidrContains(this.cidr, ip);
  }

  isAllocated(ip: string): boolean {
    return this.#used.has(ipToInt(ip));
  }

  /** Reserves a specific address (the user set spec.clusterIP). Returns false when taken. */
  allocate(ip: string): boolean {
    const n = ipToInt(ip);
    if (this.#used.has(n)) return false;
    this.#used.add(n);
    return true;
  }

  /** Picks a free address at random from the upper band, then from the static band. */
  allocateNext(): string {
    const first = this.cidr.base + 1;
    const last = this.cidr.base + this.cidr.size - 2;
    const upperStart = Math.max(first, this.cidr.base + this.#staticBand);
    for (const [lo, hi] of [
      [upperStart, last],
      [first, Math.min(upperStart - 1, last)],
    ] as const) {
      const span = hi - lo + 1;
      const offset = Math.floor(this.#random() * span);
      for (let i = 0; i < span; i++) {
        const n = lo + ((offset + i) % span);
        if (!this.#used.has(n)) {
          this.#used.add(n);
          return intToIp(n);
        }
      }
    }
    throw new Error(
      `L4_E_RANGE_FULL: no free address in ${intToIp(this.cidr.base)}/${this.cidr.bits}`,
    );
  }

  release(ip: string): void {
    this.#used.delete(ipToInt(ip));
  }
}

/**
 * Pod IPs per node, like the host-local IPAM plugin: the next free address after the last one
 * handed out, so a replacement pod gets a new IP rather than the one just freed.
 */
export class PodIPAllocator {
  readonly cidr: Cidr;
  readonly #used = new Set<number>();
  #last: number;

  constructor(cidr: string) {
    this.cidr = parseCidr(cidr);
    this.#last = this.cidr.base + 1; // .1 is the node's gateway in a real cluster
  }

  contains(ip: string): boolean {
    return cidrContains(this.cidr, ip);
  }

  /** Reserves a specific address (a pod restored with the IP it had). Returns false when taken. */
  allocate(ip: string): boolean {
    const n = ipToInt(ip);
    if (this.#used.has(n)) return false;
    this.#used.add(n);
    return true;
  }

  allocateNext(): string {
    const first = this.cidr.base + 2;
    const count = this.cidr.size - 3;
    for (let i = 1; i <= count; i++) {
      const n = first + ((this.#last - first + i + count) % count);
      if (!this.#used.has(n)) {
        this.#used.add(n);
        this.#last = n;
        return intToIp(n);
      }
    }
    throw new Error(
      `L4_E_RANGE_FULL: no free pod IP in ${intToIp(this.cidr.base)}/${this.cidr.bits}`,
    );
  }

  release(ip: string): void {
    this.#used.delete(ipToInt(ip));
  }
}

/**
 * NodePort allocator (pkg/registry/core/service/portallocator): dynamic allocation prefers the
 * upper band; the static band is min(max(16, size/32), 128) ports (30000-30085 by default).
 */
export class NodePortAllocator {
  readonly #used = new Set<number>();
  readonly #first: number;
  readonly #last: number;
  readonly #staticBand: number;
  readonly #random: () => number;

  constructor(first: number, last: number, random: () => number = Math.random) {
    this.#first = first;
    this.#last = last;
    const size = last - first + 1;
    // Like upstream calculateRangeOffset: ranges of fewer than 16 ports have no static band.
    this.#staticBand = size < 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 32)), 128);
    this.#random = random;
  }

  get range(): string {
    return `${this.#first}-${this.#last}`;
  }

  contains(port: number): boolean {
    return port >= this.#first && port <= this.#last;
  }

  isAllocated(port: number): boolean {
    return this.#used.has(port);
  }

  allocate(port: number): boolean {
    if (this.#used.has(port)) return false;
    this.#used.add(port);
    return true;
  }

  /**
   * The next free port; within `band` when given (a workshop student's own ports, or the
   * instructor's part of the range), else anywhere, upper band first as upstream does.
   */
  allocateNext(band?: { first: number; last: number }): number {
    if (band) {
      const span = band.last - band.first + 1;
      const offset = Math.floor(this.#random() * span);
      for (let i = 0; i < span; i++) {
        const p = band.first + ((offset + i) % span);
        if (!this.#used.has(p)) {
          this.#used.add(p);
          return p;
        }
      }
      throw new Error(`L4_E_RANGE_FULL: no free node port in ${band.first}-${band.last}`);
    }
    const upper = this.#first + this.#staticBand;
    for (const [lo, hi] of [
      [upper, this.#last],
      [this.#first, Math.min(upper - 1, this.#last)],
    ] as const) {
      const span = hi - lo + 1;
      const offset = Math.floor(this.#random() * span);
      for (let i = 0; i < span; i++) {
        const p = lo + ((offset + i) % span);
        if (!this.#used.has(p)) {
          this.#used.add(p);
          return p;
        }
      }
    }
    throw new Error(`L4_E_RANGE_FULL: no free node port in ${this.range}`);
  }

  release(port: number): void {
    this.#used.delete(port);
  }
}
