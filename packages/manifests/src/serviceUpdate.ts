// What the API server's Service registry drops on an update that changes the type
// (dropTypeDependentFields, pkg/registry/core/service/storage): fields the old type needed and the
// cluster filled in, which the new type may not have. A field the user changed too is kept, for
// validation to judge. Used on updates through the Kubernetes API (PUT, PATCH), where the stored
// object is the base; an apply from the editor sends the whole object as the user wrote it.
import { externallyAccessible } from './defaults.ts';
import { isRecord } from './decode.ts';

type Obj = Record<string, unknown>;

/** A copy of `next` without what its new type no longer uses (when `old` is a Service). */
export function dropTypeDependentFields(next: Obj, old: Obj): Obj {
  if (next.kind !== 'Service' || old.kind !== 'Service') return next;
  if (!isRecord(next.spec) || !isRecord(old.spec)) return next;
  const out = structuredClone(next);
  const spec = out.spec as Obj;
  const was = old.spec;
  const same = (field: string) => JSON.stringify(spec[field]) === JSON.stringify(was[field]);
  if (needsClusterIP(was) && !needsClusterIP(spec)) {
    if (same('clusterIP') && same('clusterIPs')) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same('ipFamilies')) delete spec.ipFamilies;
    if (same('ipFamilyPolicy')) delete spec.ipFamilyPolicy;
  }
  if (needsNodePorts(was) && !needsNodePorts(spec) && noNewNodePorts(spec, was)) {
    for (const p of ports(spec)) delete p.nodePort;
  }
  if (needsHealthCheck(was) && !needsHealthCheck(spec) && same('healthCheckNodePort')) {
    delete spec.healthCheckNodePort;
  }
  if (was.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    for (const field of ['allocateLoadBalancerNodePorts', 'loadBalancerClass']) {
      if (spec[field] !== undefined && same(field)) delete spec[field];
    }
  }
  if (externallyAccessible(was) && !externallyAccessible(spec) && same('externalTrafficPolicy')) {
    delete spec.externalTrafficPolicy;
  }
  return out;
}

const needsClusterIP = (spec: Obj) => spec.type !== 'ExternalName';
const needsNodePorts = (spec: Obj) => spec.type === 'NodePort' || spec.type === 'LoadBalancer';
const needsHealthCheck = (spec: Obj) =>
  spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

function ports(spec: Obj): Obj[] {
  return Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
}

/** The user may add, remove or change ports, but set no node port the Service did not have. */
function noNewNodePorts(spec: Obj, was: Obj): boolean {
  const had = new Set(ports(was).map((p) => p.nodePort));
  return ports(spec).every((p) => !p.nodePort || had.has(p.nodePort));
}
