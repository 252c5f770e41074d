// The kube-proxy table as data: what one sync wants in the kernel. `script.ts` turns two of these
// (the one in force and the wanted one) into one `nft -f` transaction.
import type { ServicePortName } from '../types.ts';

export interface ChainSpec {
  name: string;
  /** A base chain's hook line (`type nat hook output priority -100; policy accept;`). */
  hook?: string;
  rules: string[];
  /** The Service port this chain serves (none for the table's shared chains). */
  service?: ServicePortName;
}

export interface SetSpec {
  name: string;
  kind: 'set' | 'map';
  /** Declaration statements (`type ipv4_addr`, `flags dynamic,timeout`, `timeout 10800s`). */
  decl: string[];
  elements: string[];
  /**
   * Filled by the kernel (`update @set { ip saddr }`): never flushed, so ClientIP affinity
   * survives every sync that does not change the set itself.
   */
  dynamic?: boolean;
  service?: ServicePortName;
}

export interface Ruleset {
  chains: Map<string, ChainSpec>;
  sets: Map<string, SetSpec>;
  /** Service ports whose proxy mode nftables cannot express: the mode asked for (`ipvs:lc`). */
  unsupportedModes: Map<ServicePortName, string>;
}

/** Collects chains and sets as a sync writes them (each chain and set at most once). */
export class RulesetBuilder {
  readonly chains = new Map<string, ChainSpec>();
  readonly sets = new Map<string, SetSpec>();
  readonly unsupportedModes = new Map<ServicePortName, string>();
  /** Elements for sets of another builder (a Service port's part, merged into the table). */
  readonly foreignElements: [set: string, element: string][] = [];

  /** The chain, created empty on first use. */
  chain(name: string, service?: ServicePortName, hook?: string): ChainSpec {
    let c = this.chains.get(name);
    if (!c) {
      c = { name, rules: [], ...(hook ? { hook } : {}), ...(service ? { service } : {}) };
      this.chains.set(name, c);
    }
    return c;
  }

  has(name: string): boolean {
    return this.chains.has(name);
  }

  set(spec: SetSpec): SetSpec {
    const existing = this.sets.get(spec.name);
    if (existing) return existing;
    this.sets.set(spec.name, spec);
    return spec;
  }

  element(set: string, element: string): void {
    const s = this.sets.get(set);
    if (s) s.elements.push(element);
    else this.foreignElements.push([set, element]);
  }

  /** Adds a part written on its own (its chains and sets are shared, never changed after). */
  merge(part: RulesetBuilder): void {
    for (const [name, c] of part.chains) this.chains.set(name, c);
    for (const [name, s] of part.sets) this.sets.set(name, s);
    for (const [set, element] of part.foreignElements) this.element(set, element);
    for (const [spn, mode] of part.unsupportedModes) this.unsupportedModes.set(spn, mode);
  }

  build(): Ruleset {
    return { chains: this.chains, sets: this.sets, unsupportedModes: this.unsupportedModes };
  }
}
