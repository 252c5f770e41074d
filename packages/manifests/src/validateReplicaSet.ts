// ReplicaSet validation (pkg/apis/apps/validation ValidateReplicaSet) on a defaulted ReplicaSet.
import { LAB_LIMITS } from '@l4lab/protocol';
import { invalid } from './fieldError.ts';
import { isDNS1123Subdomain } from './names.ts';
import type { FieldError } from './types.ts';
import { validateSelectorAndTemplate } from './validateDeployment.ts';
import type { WorkloadTemplateShape } from './validateDeployment.ts';
import { validateNonnegative, validateObjectMeta } from './validateMeta.ts';
import type { MetaShape, SelectorShape } from './validateMeta.ts';

export interface ReplicaSetShape {
  metadata?: MetaShape;
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: SelectorShape;
    template?: WorkloadTemplateShape;
  };
}

/** ValidateReplicaSetSpec: replicas and minReadySeconds, then the selector and the template. */
export function validateReplicaSet(rs: ReplicaSetShape): FieldError[] {
  const errs = validateObjectMeta(rs.metadata ?? {}, true, isDNS1123Subdomain);
  const spec = rs.spec ?? {};
  errs.push(...validateNonnegative(spec.replicas ?? 0, 'spec.replicas'));
  if ((spec.replicas ?? 0) > LAB_LIMITS.replicasPerDeployment) {
    errs.push(
      invalid(
        'spec.replicas',
        spec.replicas,
        `must be less than or equal to ${LAB_LIMITS.replicasPerDeployment} (the most replicas l4lab runs for one ReplicaSet)`,
      ),
    );
  }
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template ?? {}));
  return errs;
}
