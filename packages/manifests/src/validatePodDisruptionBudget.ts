// PodDisruptionBudget validation (pkg/apis/policy/validation ValidatePodDisruptionBudget).
import { child, GoLiteral, invalid, notSupported } from './fieldError.ts';
import type { FieldError } from './types.ts';
import { notMoreThan100Percent, positiveIntOrPercent } from './validateDaemonSet.ts';
import { validateLabelSelector, validateObjectMeta } from './validateMeta.ts';
import type { MetaShape, SelectorShape } from './validateMeta.ts';

export interface PodDisruptionBudgetShape {
  metadata?: MetaShape;
  spec?: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: SelectorShape;
    unhealthyPodEvictionPolicy?: string;
  };
}

const POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/**
 * path.IsValidPathSegmentName: all a PodDisruptionBudget's name must be (the registry's check;
 * ValidatePodDisruptionBudget checks no name).
 */
function pathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** The object's metadata as the registry checks it, then ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudgetShape): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata ?? {}, true, pathSegmentName);
  const spec = pdb.spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
    // Kubernetes prints the spec as a Go struct (%#v); its middle is left out here.
    errs.push(
      invalid(
        'spec',
        new GoLiteral('policy.PodDisruptionBudgetSpec{…}'),
        'minAvailable and maxUnavailable cannot be both set',
      ),
    );
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[key];
    if (v === undefined) continue;
    const path = child('spec', key);
    errs.push(...positiveIntOrPercent(v, path), ...notMoreThan100Percent(v, path));
  }
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !POLICIES.includes(policy))
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, POLICIES));
  return errs;
}
