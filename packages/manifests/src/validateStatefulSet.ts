// StatefulSet validation (pkg/apis/apps/validation ValidateStatefulSet) on a defaulted StatefulSet.
import { child, forbidden, GoLiteral, invalid, notSupported, required } from './fieldError.ts';
import { goIntOrString, goLabelSelector, goStringMap } from './goLiteral.ts';
import { isDNS1123Label, isDNS1123Subdomain, isValidPercent } from './names.ts';
import type { FieldError } from './types.ts';
import type { WorkloadTemplateShape } from './validateDeployment.ts';
import { validateReplicas } from './validateDeployment.ts';
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

export interface StatefulSetShape {
  metadata?: MetaShape;
  spec?: {
    replicas?: number;
    selector?: SelectorShape;
    template?: WorkloadTemplateShape;
    serviceName?: string;
    podManagementPolicy?: string;
    updateStrategy?: {
      type?: string;
      rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
    };
    volumeClaimTemplates?: Array<{ metadata?: MetaShape }>;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
    ordinals?: { start?: number };
  };
}

const RETENTION = ['Retain', 'Delete'];

/** ValidateStatefulSet: metadata, then ValidateStatefulSetSpec in its order. */
export function validateStatefulSet(sts: StatefulSetShape): FieldError[] {
  const errs = validateObjectMeta(sts.metadata ?? {}, true, isDNS1123Subdomain);
  const spec = sts.spec ?? {};
  const policy = spec.podManagementPolicy ?? '';
  if (policy === '') errs.push(required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel')
    errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(spec.updateStrategy ?? {}));
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  for (const key of ['whenDeleted', 'whenScaled'] as const) {
    const v = retention?.[key];
    if (v !== undefined && !RETENTION.includes(v))
      errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, v, RETENTION));
  }
  errs.push(...validateReplicas(spec.replicas, 'StatefulSet'));
  errs.push(...validateNonnegative(spec.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  if (spec.ordinals)
    errs.push(...validateNonnegative(spec.ordinals.start ?? 0, 'spec.ordinals.start'));
  const selector = spec.selector;
  const template = spec.template ?? {};
  if (!selector) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector))
      errs.push(
        invalid(
          'spec.selector',
          goLabelSelector(selector),
          'empty selector is invalid for statefulset',
        ),
      );
  }
  const templateLabels = template.metadata?.labels;
  if (selector && !selectorParses(selector)) {
    errs.push(invalid('spec.selector', goLabelSelector(selector), ''));
  } else if (selector && !selectorIsEmpty(selector) && !selectorMatches(selector, templateLabels)) {
    errs.push(
      invalid(
        'spec.template.metadata.labels',
        new GoLiteral(goStringMap(templateLabels)),
        '`selector` does not match template `labels`',
      ),
    );
  }
  errs.push(...validateLabels(templateLabels, 'spec.template.labels'));
  errs.push(...validateAnnotations(template.metadata?.annotations, 'spec.template.annotations'));
  // Kubernetes leaves the template's pod spec to the pods' own validation (its volumeMounts name
  // claims, not volumes): the lab checks it here, so a bad pod is refused at apply, not at
  // every pod the controller would make. As a template: restartPolicy Always only.
  // The claims are the pods' volumes too: the controller adds one per template to each pod.
  const claims = (spec.volumeClaimTemplates ?? []).flatMap((t) =>
    t.metadata?.name ? [{ name: t.metadata.name, persistentVolumeClaim: {} }] : [],
  );
  const podSpec = template.spec ?? {};
  const own = new Set((podSpec.volumes ?? []).map((v) => v.name));
  const withClaims = {
    ...podSpec,
    volumes: [...(podSpec.volumes ?? []), ...claims.filter((c) => !own.has(c.name))],
  };
  const podErrors = validatePodSpec(withClaims, 'spec.template.spec', true).filter(
    (e) => e.path !== 'spec.template.spec.activeDeadlineSeconds',
  );
  errs.push(...podErrors);
  if ((template.spec as { activeDeadlineSeconds?: number } | undefined)?.activeDeadlineSeconds)
    errs.push(
      forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in StatefulSet is not Supported',
      ),
    );
  if (spec.serviceName) {
    for (const msg of isDNS1123Label(spec.serviceName))
      errs.push(invalid('spec.serviceName', spec.serviceName, msg));
  }
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

function validateUpdateStrategy(
  strategy: NonNullable<NonNullable<StatefulSetShape['spec']>['updateStrategy']>,
): FieldError[] {
  const path = 'spec.updateStrategy';
  const type = strategy.type ?? '';
  if (type === '') return [required(path)];
  if (type === 'OnDelete') {
    return strategy.rollingUpdate
      ? [
          invalid(
            child(path, 'rollingUpdate'),
            new GoLiteral(goRollingUpdate(strategy.rollingUpdate)),
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        ]
      : [];
  }
  if (type !== 'RollingUpdate')
    return [notSupported(child(path, 'type'), type, ['RollingUpdate', 'OnDelete'])];
  const ru = strategy.rollingUpdate;
  if (!ru) return [];
  const ruPath = child(path, 'rollingUpdate');
  const errs = validateNonnegative(ru.partition ?? 0, child(ruPath, 'partition'));
  const max = ru.maxUnavailable;
  if (max !== undefined) {
    const maxPath = child(ruPath, 'maxUnavailable');
    if (typeof max === 'string') {
      for (const msg of isValidPercent(max)) errs.push(invalid(maxPath, goIntOrString(max), msg));
      const pct = /^\d+%$/.test(max) ? Number(max.slice(0, -1)) : undefined;
      if (pct === 0) errs.push(invalid(maxPath, goIntOrString(max), 'must be greater than 0'));
      if (pct !== undefined && pct > 100)
        errs.push(invalid(maxPath, goIntOrString(max), 'must not be greater than 100%'));
    } else {
      errs.push(...validateNonnegative(max, maxPath));
      if (max === 0) errs.push(invalid(maxPath, goIntOrString(max), 'must be greater than 0'));
    }
  }
  return errs;
}

/** `&apps.RollingUpdateStatefulSetStrategy{Partition:(*int32)(…), MaxUnavailable:…}` in short. */
function goRollingUpdate(ru: { partition?: number; maxUnavailable?: number | string }): string {
  const partition = ru.partition === undefined ? 'nil' : `${ru.partition}`;
  const max = ru.maxUnavailable === undefined ? 'nil' : `${goIntOrString(ru.maxUnavailable)}`;
  return `&apps.RollingUpdateStatefulSetStrategy{Partition:${partition}, MaxUnavailable:${max}}`;
}
