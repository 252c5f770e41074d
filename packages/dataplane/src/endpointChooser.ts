import { ipToInt } from '@l4lab/cluster';
import { eligibleEndpoints } from './endpointSelection.ts';
import { MAGLEV_TABLE_SIZE, maglevHash, maglevTable } from './maglev.ts';
import type { ProxyMode } from './proxyMode.ts';
import type { EndpointInfo, ServicePortName } from './types.ts';

export interface ChooseRequest {
  spn: ServicePortName;
  mode: ProxyMode;
  /** Endpoints eligible for this connection (traffic policy already applied), in IP:port order. */
  eligible: EndpointInfo[];
  clientIP: string;
  clientPort: number;
  frontendIP: string;
  frontendPort: number;
  protocol: string;
  /** ClientIP affinity timeout (s), 0 = none. */
  affinityTimeoutSeconds: number;
}

export interface Choice {
  endpoint: EndpointInfo;
  reason: string;
}

const epKey = (e: EndpointInfo) => `${e.ip}:${e.port}`;

// "spn|ip:port", made once per endpoint object (its hash is then cached with the string).
const activeKeys = new WeakMap<EndpointInfo, { spn: ServicePortName; key: string }>();
function activeKey(spn: ServicePortName, ep: EndpointInfo): string {
  let k = activeKeys.get(ep);
  if (k?.spn !== spn) {
    k = { spn, key: `${spn}|${epKey(ep)}` };
    activeKeys.set(ep, k);
  }
  return k.key;
}

/** IPVS's source / destination hashing: a 256-bucket table, buckets dealt to servers in turn. */
function ipvsHashBucket(ip: string): number {
  return Math.imul(ipToInt(ip), 2654435761) >>> 24;
}

/**
 * Picks an endpoint for a new connection the way the chosen proxy mode would, honouring ClientIP
 * session affinity first, and says why. Keeps the per-Service state the modes need (rr pointer,
 * active connections for lc/wlc/sed/nq, Maglev tables, affinity entries).
 */
export class EndpointChooser {
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #rr = new Map<ServicePortName, number>();
  readonly #active = new Map<string, number>(); // "spn|ip:port" -> open connections
  readonly #maglev = new Map<ServicePortName, { sig: string; table: Int32Array }>();
  readonly #affinity = new Map<string, { key: string; expires: number }>(); // "spn|clientIP"

  constructor(random: () => number, now: () => number) {
    this.#random = random;
    this.#now = now;
  }

  choose(r: ChooseRequest): Choice | undefined {
    if (r.eligible.length === 0) return undefined;
    if (r.affinityTimeoutSeconds > 0) {
      const aKey = `${r.spn}|${r.clientIP}`;
      const now = this.#now();
      const entry = this.#affinity.get(aKey);
      const ttl = r.affinityTimeoutSeconds * 1000;
      if (entry && entry.expires > now) {
        const ep = r.eligible.find((e) => epKey(e) === entry.key);
        if (ep) {
          const left = Math.round((entry.expires - now) / 1000);
          entry.expires = now + ttl; // `-m recent --update` refreshes the entry on every hit
          return {
            endpoint: ep,
            reason: `affinity hit (ClientIP, ${left.toLocaleString('en-US')} s left)`,
          };
        }
      }
      const fresh = this.#pick(r);
      this.#affinity.set(aKey, { key: epKey(fresh.endpoint), expires: now + ttl });
      const why = entry && entry.expires > now ? 'affinity endpoint gone' : 'new affinity';
      return {
        endpoint: fresh.endpoint,
        reason: `${why} (ClientIP, ${r.affinityTimeoutSeconds.toLocaleString('en-US')} s): ${fresh.reason}`,
      };
    }
    return this.#pick(r);
  }

  /** The dataplane reports opens and closes, for the least-connection schedulers. */
  opened(spn: ServicePortName, ep: EndpointInfo): void {
    const k = activeKey(spn, ep);
    this.#active.set(k, (this.#active.get(k) ?? 0) + 1);
  }

  closed(spn: ServicePortName, ep: EndpointInfo): void {
    const k = activeKey(spn, ep);
    const n = (this.#active.get(k) ?? 1) - 1;
    if (n <= 0) this.#active.delete(k);
    else this.#active.set(k, n);
  }

  /** Forgets state of Service ports that are gone. */
  prune(live: ReadonlySet<ServicePortName>): void {
    for (const spn of [...this.#rr.keys()]) if (!live.has(spn)) this.#rr.delete(spn);
    for (const spn of [...this.#maglev.keys()]) if (!live.has(spn)) this.#maglev.delete(spn);
    const now = this.#now();
    for (const [k, v] of this.#affinity) {
      if (v.expires <= now || !live.has(k.slice(0, k.lastIndexOf('|')))) this.#affinity.delete(k);
    }
  }

  #active0(spn: ServicePortName, e: EndpointInfo): number {
    return this.#active.get(activeKey(spn, e)) ?? 0;
  }

  #pick(r: ChooseRequest): Choice {
    const eps = r.eligible;
    const n = eps.length;
    const mode = r.mode;
    if (mode.kind === 'iptables')
      return pickAt(eps, Math.min(n - 1, Math.floor(this.#random() * n)), 'random');
    if (mode.kind === 'maglev') {
      const sig = eps.map(epKey).join(',');
      let m = this.#maglev.get(r.spn);
      if (!m || m.sig !== sig)
        this.#maglev.set(r.spn, (m = { sig, table: maglevTable(eps.map(epKey)) }));
      const tuple = `${r.protocol}|${r.clientIP}|${r.clientPort}|${r.frontendIP}|${r.frontendPort}`;
      const slot = maglevHash(tuple) % MAGLEV_TABLE_SIZE;
      return pickAt(eps, m.table[slot]!, `maglev slot ${slot} ->`);
    }
    switch (mode.scheduler) {
      case 'rr':
      case 'wrr': {
        const i = (this.#rr.get(r.spn) ?? -1) + 1;
        this.#rr.set(r.spn, i % n);
        return pickAt(
          eps,
          i % n,
          mode.scheduler === 'rr' ? 'round robin' : 'weighted round robin (weights 1)',
        );
      }
      case 'lc':
      case 'wlc':
      case 'sed':
      case 'nq': {
        const active = eps.map((e) => this.#active0(r.spn, e));
        if (mode.scheduler === 'nq') {
          const idle = active.indexOf(0);
          if (idle >= 0) return pickAt(eps, idle, 'never queue: idle server');
        }
        const min = Math.min(...active);
        const i = active.indexOf(min);
        const label = {
          lc: 'least connections',
          wlc: 'weighted least connections',
          sed: 'shortest expected delay',
          nq: 'never queue: shortest expected delay',
        }[mode.scheduler];
        return pickAt(eps, i, `${label} (${min} active):`);
      }
      case 'sh':
        return pickAt(eps, ipvsHashBucket(r.clientIP) % n, `source hash of ${r.clientIP} ->`);
      case 'dh':
        return pickAt(
          eps,
          ipvsHashBucket(r.frontendIP) % n,
          `destination hash of ${r.frontendIP} ->`,
        );
    }
  }
}

/** The i-th eligible endpoint, and why. (Eligible endpoints are all ready, or all terminating.) */
export function pickAt(eps: EndpointInfo[], i: number, what: string): Choice {
  const note = eps[0]!.ready ? '' : ' (terminating, still serving)';
  return { endpoint: eps[i]!, reason: `${what} ${i + 1} of ${eps.length}${note}` };
}

export { eligibleEndpoints };
