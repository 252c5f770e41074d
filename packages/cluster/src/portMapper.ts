import type { PortMapping } from '@l4lab/protocol';

export type AddressMode = 'native' | 'mapped';

export interface HostAddress {
  ip: string;
  port: number;
}

type Listener = (mappings: PortMapping[]) => void;

/**
 * Where a virtual address (pod IP:port, ClusterIP:port) really listens on this host. In `native`
 * mode (Linux, root) it is the address itself; in `mapped` mode (no 127/8 routing, or ports < 1024
 * denied) everything listens on 127.0.0.1 at a mapped port, and the UI shows the mapping.
 */
export class PortMapper {
  readonly mode: AddressMode;
  readonly #mappings = new Map<string, PortMapping>();
  readonly #listeners = new Set<Listener>();

  constructor(mode: AddressMode) {
    this.mode = mode;
  }

  /** The host address to connect to for a virtual address (identity when not mapped). */
  resolve(ip: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): HostAddress {
    const m = this.#mappings.get(`${protocol}/${ip}:${port}`);
    return m ? { ip: m.hostIp, port: m.hostPort } : { ip, port };
  }

  /** The virtual address behind a host address, when it is a mapping's. */
  reverse(
    hostIp: string,
    hostPort: number,
    protocol: 'TCP' | 'UDP' = 'TCP',
  ): HostAddress | undefined {
    for (const m of this.#mappings.values()) {
      if (m.protocol === protocol && m.hostIp === hostIp && m.hostPort === hostPort) {
        return { ip: m.ip, port: m.port };
      }
    }
    return undefined;
  }

  set(mapping: PortMapping): void {
    this.#mappings.set(`${mapping.protocol}/${mapping.ip}:${mapping.port}`, mapping);
    this.#emit();
  }

  delete(ip: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): void {
    if (this.#mappings.delete(`${protocol}/${ip}:${port}`)) this.#emit();
  }

  list(): PortMapping[] {
    return [...this.#mappings.values()];
  }

  onChange(l: Listener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  #emit(): void {
    const all = this.list();
    for (const l of this.#listeners) l(all);
  }
}
