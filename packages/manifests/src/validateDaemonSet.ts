// DaemonSet validation (pkg/apis/apps/validation ValidateDaemonSet) on a defaulted DaemonSet.
import { child, GoLiteral, invalid, notSupported, required } from './fieldError.ts';
import { goIntOrString, goLabelSelector, goStringMap } from './goLiteral.ts';
import { isDNS1123Subdomain, isValidPercent } from './names.ts';
import type { FieldError } from './types.ts';
import type { WorkloadTemplateShape } from './validateDeployment.ts';
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

type IntOrPercent = number | string;

export interface DaemonSetShape {
  metadata?: MetaShape;
  spec?: {
    selector?: SelectorShape;
    template?: WorkloadTemplateShape;
    updateStrategy?: {
      type?: string;
      rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent };
    };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
}

/** ValidateDaemonSet: metadata, then ValidateDaemonSetSpec in its order. */
export function validateDaemonSet(ds: DaemonSetShape): FieldError[] {
  const errs = validateObjectMeta(ds.metadata ?? {}, true, isDNS1123Subdomain);
  const spec = ds.spec ?? {};
  const selector = spec.selector;
  const template = spec.template ?? {};
  const templateLabels = template.metadata?.labels;
  if (selector) errs.push(...validateLabelSelector(selector, 'spec.selector'));
  // A nil selector is labels.Nothing(): it matches no template (apps/v1 has no Required for it).
  if (!selector || (selectorParses(selector) && !selectorMatches(selector, templateLabels))) {
    errs.push(
      invalid(
        'spec.template.metadata.labels',
        new GoLiteral(goStringMap(templateLabels)),
        '`selector` does not match template `labels`',
      ),
    );
  }
  if (selector && selectorIsEmpty(selector)) {
    errs.push(
      invalid(
        'spec.selector',
        goLabelSelector(selector),
        'empty selector is invalid for daemonset',
      ),
    );
  }
  errs.push(...validateLabels(templateLabels, 'spec.template.metadata.labels'));
  errs.push(
    ...validateAnnotations(template.metadata?.annotations, 'spec.template.metadata.annotations'),
  );
  // As a template: restartPolicy Always only, no activeDeadlineSeconds (ValidateDaemonSetSpec's too).
  errs.push(...validatePodSpec(template.spec ?? {}, 'spec.template.spec', true));
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(spec.updateStrategy ?? {}));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

function validateUpdateStrategy(
  strategy: NonNullable<NonNullable<DaemonSetShape['spec']>['updateStrategy']>,
): FieldError[] {
  const path = 'spec.updateStrategy';
  const type = strategy.type ?? '';
  if (type === 'OnDelete') return [];
  if (type !== 'RollingUpdate') {
    // Kubernetes reports the whole strategy struct at `spec.updateStrategy`; the type alone is clearer.
    return [notSupported(child(path, 'type'), type, ['RollingUpdate', 'OnDelete'])];
  }
  const ru = strategy.rollingUpdate;
  const ruPath = child(path, 'rollingUpdate');
  if (!ru) return [required(ruPath)];
  const maxUnavailable = ru.maxUnavailable ?? 0;
  const maxSurge = ru.maxSurge ?? 0;
  const unavailablePath = child(ruPath, 'maxUnavailable');
  const surgePath = child(ruPath, 'maxSurge');
  const errs = [
    ...positiveIntOrPercent(maxUnavailable, unavailablePath),
    ...positiveIntOrPercent(maxSurge, surgePath),
    ...notMoreThan100Percent(maxUnavailable, unavailablePath),
    ...notMoreThan100Percent(maxSurge, surgePath),
  ];
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push(
      invalid(surgePath, goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero'),
    );
  } else if (!hasUnavailable && !hasSurge) {
    errs.push(required(unavailablePath, 'cannot be 0 when maxSurge is 0'));
  }
  return errs;
}

export function positiveIntOrPercent(v: IntOrPercent, path: string): FieldError[] {
  if (typeof v === 'string')
    return isValidPercent(v).map((msg) => invalid(path, goIntOrString(v), msg));
  return validateNonnegative(v, path);
}

function percentValue(v: IntOrPercent): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return undefined;
  return Number(v.slice(0, -1));
}

export function notMoreThan100Percent(v: IntOrPercent, path: string): FieldError[] {
  const percent = percentValue(v);
  return percent !== undefined && percent > 100
    ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')]
    : [];
}

function intOrPercentValue(v: IntOrPercent): number {
  if (typeof v === 'number') return v;
  return percentValue(v) ?? (/^[-+]?\d+$/.test(v) ? Number(v) : 0);
}
