// Job validation (pkg/apis/batch/validation ValidateJob) on a defaulted Job, before the API server
// generates its selector: the selector it will generate is checked as the generated one is.
import { child, GoLiteral, invalid, notSupported, required } from './fieldError.ts';
import { goLabelSelector, goStringMap } from './goLiteral.ts';
import { isDNS1123Subdomain } from './names.ts';
import type { FieldError } from './types.ts';
import type { WorkloadTemplateShape } from './validateDeployment.ts';
import {
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

/** The labels the API server puts on a Job's pod template when it generates the selector. */
export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];
const REPLACEMENT_POLICIES = ['TerminatingOrFailed', 'Failed'];

export interface JobShape {
  metadata?: MetaShape;
  spec?: {
    parallelism?: number;
    completions?: number;
    activeDeadlineSeconds?: number;
    backoffLimit?: number;
    selector?: SelectorShape;
    manualSelector?: boolean;
    template?: WorkloadTemplateShape;
    ttlSecondsAfterFinished?: number;
    completionMode?: string;
    suspend?: boolean;
    podReplacementPolicy?: string;
  };
}

/**
 * The template labels and selector the API server generates for a Job (generateSelector), with
 * the uid it will have; the user's own labels kept. Undefined for `manualSelector: true`.
 */
export function generatedJobSelector(
  name: string,
  uid: string,
  template: { labels?: Record<string, string> },
  selector: SelectorShape | undefined,
): { labels: Record<string, string>; selector: SelectorShape } {
  const labels = { ...(template.labels ?? {}) };
  labels[LEGACY_JOB_NAME_LABEL] ??= name;
  labels[JOB_NAME_LABEL] ??= name;
  labels[LEGACY_JOB_CONTROLLER_UID_LABEL] ??= uid;
  labels[JOB_CONTROLLER_UID_LABEL] ??= uid;
  const matchLabels = { ...(selector?.matchLabels ?? {}) };
  matchLabels[JOB_CONTROLLER_UID_LABEL] ??= uid;
  return { labels, selector: { ...selector, matchLabels } };
}

/** ValidateJob: metadata, the generated selector, then ValidateJobSpec in its order. */
export function validateJob(job: JobShape): FieldError[] {
  const errs = validateObjectMeta(job.metadata ?? {}, true, isDNS1123Subdomain);
  const spec = job.spec ?? {};
  const template = spec.template ?? {};
  // The selector and template labels as the API server will have them once it generated them
  // (a stand-in uid: the object has none before it is created).
  let selector = spec.selector;
  let templateLabels = template.metadata?.labels;
  if (spec.manualSelector !== true) {
    // An update has the Job's uid (or its template the label generated from it); a create, a
    // stand-in (the uid comes with the create).
    const uid =
      (job.metadata as { uid?: unknown } | undefined)?.uid?.toString() ||
      template.metadata?.labels?.[JOB_CONTROLLER_UID_LABEL] ||
      '00000000-0000-0000-0000-000000000000';
    const generated = generatedJobSelector(
      job.metadata?.name ?? '',
      uid,
      template.metadata ?? {},
      spec.selector,
    );
    selector = generated.selector;
    templateLabels = generated.labels;
    if (selector.matchLabels?.[JOB_CONTROLLER_UID_LABEL] !== uid && spec.selector)
      errs.push(
        invalid('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'),
      );
  }
  errs.push(...validateNonnegative(spec.parallelism, 'spec.parallelism'));
  errs.push(...validateNonnegative(spec.completions, 'spec.completions'));
  errs.push(...validateNonnegative(spec.activeDeadlineSeconds, 'spec.activeDeadlineSeconds'));
  errs.push(...validateNonnegative(spec.backoffLimit, 'spec.backoffLimit'));
  errs.push(...validateNonnegative(spec.ttlSecondsAfterFinished, 'spec.ttlSecondsAfterFinished'));
  const mode = spec.completionMode ?? 'NonIndexed';
  if (!COMPLETION_MODES.includes(mode)) {
    errs.push(notSupported('spec.completionMode', mode, COMPLETION_MODES));
  } else if (mode === 'Indexed' && spec.completions === undefined) {
    errs.push(required('spec.completions', 'when completion mode is Indexed'));
  }
  const replacement = spec.podReplacementPolicy;
  if (replacement !== undefined && !REPLACEMENT_POLICIES.includes(replacement))
    errs.push(notSupported('spec.podReplacementPolicy', replacement, REPLACEMENT_POLICIES));
  if (!selector) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorParses(selector) && !selectorMatches(selector, templateLabels)) {
      // Kubernetes prints the labels with the generated ones, whose uid the Job has only once
      // created: the user's own are printed.
      errs.push(
        invalid(
          'spec.template.metadata.labels',
          new GoLiteral(goStringMap(template.metadata?.labels)),
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  errs.push(...validateLabels(templateLabels, 'spec.template.metadata.labels'));
  errs.push(
    ...validateAnnotations(template.metadata?.annotations, 'spec.template.metadata.annotations'),
  );
  const podSpec = template.spec ?? {};
  errs.push(...validatePodSpec(podSpec, 'spec.template.spec', false));
  const restartPolicy = (podSpec as { restartPolicy?: string }).restartPolicy;
  const restartPath = child('spec.template.spec', 'restartPolicy');
  if (restartPolicy === undefined || restartPolicy === '') {
    errs.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy === 'Always') {
    // (Another value is the pod spec's own error.)
    errs.push(notSupported(restartPath, restartPolicy, JOB_RESTART_POLICIES));
  }
  return errs;
}
