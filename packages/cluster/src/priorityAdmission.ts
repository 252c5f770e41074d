// The Priority admission plugin on a new pod: its priorityClassName names the class whose value
// becomes spec.priority (and whose preemptionPolicy becomes the pod's); without one, priority 0,
// PreemptLowerPriority, as on a cluster with no globalDefault class. l4lab serves no PriorityClass
// objects: the two classes every cluster has are built in, any other name is refused in the API
// server's words.
import type { PodSpec } from '@l4lab/protocol';

interface PriorityClassInfo {
  value: number;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
}

/** Kubernetes' system classes (scheduling.SystemCriticalPriority and above). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, PriorityClassInfo>> = {
  'system-node-critical': { value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
  'system-cluster-critical': { value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
};

/** A pod with no priorityClassName and no globalDefault class (DefaultPriorityWhenNoDefaultClassExists). */
const NO_CLASS: PriorityClassInfo = { value: 0, preemptionPolicy: 'PreemptLowerPriority' };

/**
 * Why the API server refuses to create pod `name` for its priority, or undefined: `pods "x" is
 * forbidden: no PriorityClass with name gold was found`, or a priority / preemptionPolicy written
 * in the spec that differs from the class's.
 */
export function priorityRefusal(name: string, spec: PodSpec): string | undefined {
  const forbidden = (why: string) => `pods "${name}" is forbidden: ${why}`;
  const cls = spec.priorityClassName ? SYSTEM_PRIORITY_CLASSES[spec.priorityClassName] : NO_CLASS;
  if (!cls) return forbidden(`no PriorityClass with name ${spec.priorityClassName} was found`);
  if (spec.priority !== undefined && spec.priority !== cls.value)
    return forbidden(
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${cls.value} from the given PriorityClass name`,
    );
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== cls.preemptionPolicy)
    return forbidden(
      `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${cls.preemptionPolicy} from the given PriorityClass name`,
    );
  return undefined;
}

/** Sets a new pod's priority and preemptionPolicy from its class (after priorityRefusal passed). */
export function admitPriority(spec: PodSpec): void {
  const cls =
    (spec.priorityClassName && SYSTEM_PRIORITY_CLASSES[spec.priorityClassName]) || NO_CLASS;
  spec.priority = cls.value;
  spec.preemptionPolicy = cls.preemptionPolicy;
}

/** An update of a pod keeps what admission set at its creation, unless the new spec says it. */
export function keepAdmittedPriority(next: PodSpec, stored: PodSpec): void {
  if (next.priority === undefined && stored.priority !== undefined) next.priority = stored.priority;
  if (next.preemptionPolicy === undefined && stored.preemptionPolicy !== undefined)
    next.preemptionPolicy = stored.preemptionPolicy;
}
