// A pod's quality of service class (pkg/apis/core/helper/qos ComputePodQOS), which the API server
// sets in status.qosClass when the pod is created: from the cpu and memory requests and limits of
// its containers and init containers.
import type { Pod, PodQOSClass } from '@l4lab/protocol';
import { quantityMilliValue, quantityValue } from './scheduling/quantity.ts';

/** The resources QoS looks at (isSupportedQoSComputeResource), each in the unit it is summed in. */
const QOS_RESOURCES: Readonly<Record<string, (q: string | number) => number>> = {
  cpu: quantityMilliValue,
  memory: quantityValue,
};

/** Adds a list's positive cpu and memory amounts to `totals`; returns the resources it had. */
function collect(list: Record<string, string | number> | undefined, totals: Map<string, number>) {
  const found = new Set<string>();
  for (const [name, amount] of Object.entries(QOS_RESOURCES)) {
    const q = list?.[name];
    const value = q === undefined ? 0 : amount(q);
    if (!(value > 0)) continue;
    found.add(name);
    totals.set(name, (totals.get(name) ?? 0) + value);
  }
  return found;
}

/**
 * Guaranteed: every container limits both cpu and memory, and the requests add up to the limits
 * (defaulting copies limits into unset requests); BestEffort: no cpu or memory request or limit
 * at all; Burstable: anything else.
 */
export function podQOSClass(pod: Pick<Pod, 'spec'>): PodQOSClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    // A limit without a request is the request too (SetDefaults_Pod), in a template as well.
    collect({ ...c.resources?.limits, ...c.resources?.requests }, requests);
    const limited = collect(c.resources?.limits, limits);
    if (!Object.keys(QOS_RESOURCES).every((r) => limited.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  for (const [name, total] of requests) if (limits.get(name) !== total) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
