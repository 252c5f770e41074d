// The API server's Job strategy: what a create sets on a Job before it is stored.
import { generatedJobSelector } from '@l4lab/manifests';
import type { Job, LabelSelector } from '@l4lab/protocol';

/**
 * The Job strategy's PrepareForCreate: unless `manualSelector`, the selector is generated from the
 * new uid (generateSelector: `batch.kubernetes.io/controller-uid` and `job-name` labels on the pod
 * template, both also without their prefix); a Job without labels shows its template's; its
 * status starts empty.
 */
export function prepareJob(job: Job): void {
  if (job.spec.manualSelector !== true) {
    const generated = generatedJobSelector(
      job.metadata.name,
      job.metadata.uid ?? '',
      job.spec.template.metadata ?? {},
      job.spec.selector,
    );
    job.spec.template.metadata = { ...job.spec.template.metadata, labels: generated.labels };
    job.spec.selector = generated.selector as LabelSelector;
  }
  if (Object.keys(job.metadata.labels ?? {}).length === 0 && job.spec.template.metadata?.labels)
    job.metadata.labels = { ...job.spec.template.metadata.labels };
  job.status = {};
}
