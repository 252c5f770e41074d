// Deployment validation (pkg/apis/apps/validation ValidateDeployment) on a defaulted Deployment,
// and the selector and template checks ReplicaSets share with it.
import { LAB_LIMITS } from '@l4lab/protocol';
import { child, forbidden, GoLiteral, invalid, notSupported, required } from './fieldError.ts';
import { goIntOrString, goLabelSelector, goStringMap } from './goLiteral.ts';
import { isDNS1123Subdomain, isValidPercent } from './names.ts';
import type { FieldError } from './types.ts';
import {
  selectorIsEmpty,
  selectorMatches,
  selectorParses,
  validateAnnotations,
  validateLabels,
  validateLabelSelector,
  validateNonnegative,
  validateObjectMeta,
} from './validateMeta.ts';
import type { MetaShape, SelectorShape } from './validateMeta.ts';
import { validatePodSpec } from './validatePod.ts';
import type { PodSpecShape } from './validatePod.ts';

const STRATEGIES = ['Recreate', 'RollingUpdate'];

export interface WorkloadTemplateShape {
  metadata?: MetaShape;
  spec?: PodSpecShape;
}

export interface DeploymentShape {
  metadata?: MetaShape;
  spec?: {
    replicas?: number;
    selector?: SelectorShape;
    template?: WorkloadTemplateShape;
    strategy?: {
      type?: string;
      rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
    };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
  };
}

/** spec.replicas: not negative, and at most what l4lab runs for one workload. */
export function validateReplicas(
  replicas: number | undefined,
  owner: 'Deployment' | 'ReplicaSet' | 'StatefulSet',
): FieldError[] {
  const errs = validateNonnegative(replicas ?? 0, 'spec.replicas');
  if ((replicas ?? 0) > LAB_LIMITS.replicasPerDeployment) {
    errs.push(
      invalid(
        'spec.replicas',
        replicas,
        `must be less than or equal to ${LAB_LIMITS.replicasPerDeployment} (the most replicas l4lab runs for one ${owner})`,
      ),
    );
  }
  return errs;
}

export function validateDeployment(d: DeploymentShape): FieldError[] {
  const errs = validateObjectMeta(d.metadata ?? {}, true, isDNS1123Subdomain);
  const spec = d.spec ?? {};
  errs.push(...validateReplicas(spec.replicas, 'Deployment'));

  errs.push(...validateSelectorAndTemplate(spec.selector, spec.template ?? {}));

  errs.push(...validateStrategy(spec.strategy ?? {}));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = spec.progressDeadlineSeconds;
  if (deadline !== undefined) {
    errs.push(...validateNonnegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= (spec.minReadySeconds ?? 0)) {
      errs.push(
        invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'),
      );
    }
  }
  return errs;
}

/** A workload's selector and pod template (the checks Deployments and ReplicaSets share). */
export function validateSelectorAndTemplate(
  selector: SelectorShape | undefined,
  template: WorkloadTemplateShape,
): FieldError[] {
  const errs: FieldError[] = [];
  if (selector === undefined) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector)) {
      // Kubernetes says "deployment" for ReplicaSets too (ValidateReplicaSetSpec).
      errs.push(
        invalid(
          'spec.selector',
          goLabelSelector(selector),
          'empty selector is invalid for deployment',
        ),
      );
    }
  }
  const templateLabels = template.metadata?.labels;
  if (selector !== undefined && !selectorParses(selector)) {
    errs.push(invalid('spec.selector', goLabelSelector(selector), 'invalid label selector'));
    return errs;
  }
  // A missing selector is labels.Nothing(): it matches no template, so both errors show.
  if (
    selector === undefined ||
    (!selectorIsEmpty(selector) && !selectorMatches(selector, templateLabels))
  ) {
    errs.push(
      invalid(
        'spec.template.metadata.labels',
        new GoLiteral(goStringMap(templateLabels)),
        '`selector` does not match template `labels`',
      ),
    );
  }
  errs.push(...validateLabels(templateLabels, 'spec.template.metadata.labels'));
  errs.push(
    ...validateAnnotations(template.metadata?.annotations, 'spec.template.metadata.annotations'),
  );
  errs.push(...validatePodSpec(template.spec ?? {}, 'spec.template.spec', true));
  return errs;
}

function validateStrategy(
  strategy: NonNullable<NonNullable<DeploymentShape['spec']>['strategy']>,
): FieldError[] {
  const path = 'spec.strategy';
  const type = strategy.type ?? '';
  if (type === 'Recreate') {
    return strategy.rollingUpdate
      ? [
          forbidden(
            child(path, 'rollingUpdate'),
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        ]
      : [];
  }
  if (type !== 'RollingUpdate') {
    // Kubernetes reports the whole strategy struct at `spec.strategy`; the type alone is clearer.
    return [notSupported(child(path, 'type'), type, STRATEGIES)];
  }
  const ru = strategy.rollingUpdate;
  const ruPath = child(path, 'rollingUpdate');
  if (!ru) return [required(ruPath, 'this should be defaulted and never be nil')];
  const maxUnavailable = ru.maxUnavailable ?? 0;
  const maxSurge = ru.maxSurge ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(maxUnavailable, child(ruPath, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(maxSurge, child(ruPath, 'maxSurge')),
  ];
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errs.push(
      invalid(
        child(ruPath, 'maxUnavailable'),
        goIntOrString(maxUnavailable),
        'may not be 0 when `maxSurge` is 0',
      ),
    );
  }
  const percent = percentValue(maxUnavailable);
  if (percent !== undefined && percent > 100) {
    errs.push(
      invalid(
        child(ruPath, 'maxUnavailable'),
        goIntOrString(maxUnavailable),
        'must not be greater than 100%',
      ),
    );
  }
  return errs;
}

function validatePositiveIntOrPercent(v: number | string, path: string): FieldError[] {
  if (typeof v === 'string')
    return isValidPercent(v).map((msg) => invalid(path, goIntOrString(v), msg));
  return validateNonnegative(v, path);
}

function percentValue(v: number | string): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return undefined;
  return Number(v.slice(0, -1));
}

function intOrPercentValue(v: number | string): number {
  if (typeof v === 'number') return v;
  const percent = percentValue(v);
  if (percent !== undefined) return percent;
  return /^[-+]?\d+$/.test(v) ? Number(v) : 0;
}
