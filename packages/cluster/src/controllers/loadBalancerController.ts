import type { Service, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';
import { cidrContains, intToIp, ipToInt, parseCidr } from '../ipv4.ts';

/**
 * The cloud part of a LoadBalancer Service (a cloud controller manager, or MetalLB on bare metal):
 * gives each one an external IP from the pool (`spec.loadBalancerIP` when it asks for a free one,
 * else the lowest free address) and writes it to `status.loadBalancer.ingress`. A Service that is no
 * longer a LoadBalancer loses it. The allocation is read back from the store, so it survives nothing
 * but what the store holds.
 */
export class LoadBalancerController implements Controller {
  readonly name = 'service-lb';
  readonly #ctx: ControllerContext;
  readonly #pool: string;

  constructor(ctx: ControllerContext, pool: string) {
    this.#ctx = ctx;
    this.#pool = pool;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind !== 'Service' || event.type === 'DELETED') return [];
    return [`${o.metadata.namespace}/${o.metadata.name}`];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const svc = store.get('Service', ns, name);
    if (!svc) return;
    const current = svc.status?.loadBalancer?.ingress ?? [];
    if (svc.spec.type !== 'LoadBalancer') {
      if (current.length > 0)
        store.put<Service>({ ...svc, status: { ...svc.status, loadBalancer: {} } });
      return;
    }
    const pool = parseCidr(this.#pool);
    const wanted = svc.spec.loadBalancerIP;
    const have = current[0]?.ip;
    if (have && (!wanted || wanted === have) && cidrContains(pool, have)) return;
    const used = new Set<string>();
    for (const s of store.list('Service')) {
      if (s === svc) continue;
      for (const i of s.status?.loadBalancer?.ingress ?? []) used.add(i.ip);
    }
    let ip: string | undefined;
    if (wanted && cidrContains(pool, wanted) && !used.has(wanted)) ip = wanted;
    for (let n = pool.base + 1; !ip && n < pool.base + pool.size - 1; n++) {
      if (!used.has(intToIp(n))) ip = intToIp(n);
    }
    if (!ip || ipToInt(ip) === ipToInt(have ?? '0.0.0.0')) return; // pool exhausted: stays <pending>
    store.put<Service>({
      ...svc,
      status: { ...svc.status, loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } },
    });
  }
}
