// ReplicaSet validation (pkg/apis/apps/validation ValidateReplicaSet) on a defaulted ReplicaSet.
import { isDNS1123Subdomain } from './names.ts';
import type { FieldError } from './types.ts';
import { validateReplicas, validateSelectorAndTemplate } from './validateDeployment.ts';
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
  errs.push(...validateReplicas(spec.replicas, 'ReplicaSet'));
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template ?? {}));
  return errs;
}
