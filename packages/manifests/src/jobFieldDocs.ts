// The API reference's descriptions (first sentences) of batch/v1 Job and its spec (schema.ts).

type Docs = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const JOB_FIELD_DOCS: Docs = {
  'v1.JobSpec': {
    parallelism:
      'Specifies the maximum desired number of pods the job should run at any given time. The actual number of pods running in steady state will be less than this number when ((.spec.completions - .status.successful) < .spec.parallelism), i.e. when the work left to do is less than max parallelism.',
    completions:
      'Specifies the desired number of successfully finished pods the job should be run with. Setting to null means that the success of any pod signals the success of all pods, and allows parallelism to have any positive value.',
    activeDeadlineSeconds:
      'Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it; value must be positive integer.',
    backoffLimit: 'Specifies the number of retries before marking this job failed. Defaults to 6',
    selector:
      'A label query over pods that should match the pod count. Normally, the system sets this field for you.',
    manualSelector:
      'manualSelector controls generation of pod labels and pod selectors. Leave `manualSelector` unset unless you are certain what you are doing.',
    template:
      'Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are "Never" or "OnFailure".',
    ttlSecondsAfterFinished:
      'ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed). If this field is set, ttlSecondsAfterFinished after the Job finishes, it is eligible to be automatically deleted.',
    completionMode:
      'completionMode specifies how Pod completions are tracked. It can be `NonIndexed` (default) or `Indexed`.',
    suspend:
      'suspend specifies whether the Job controller should create Pods or not. If a Job is created with suspend set to true, no Pods are created by the Job controller. If a Job is suspended after creation (i.e. the flag goes from false to true), the Job controller will delete all active Pods associated with this Job.',
    podReplacementPolicy:
      'podReplacementPolicy specifies when to create replacement Pods. Possible values are: - TerminatingOrFailed means that we recreate pods when they are terminating (has a metadata.deletionTimestamp) or failed. - Failed means to wait until a previously created Pod is fully terminated (has phase Failed or Succeeded) before creating a replacement Pod.',
  },
};

const TYPE_META = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  metadata: "Standard object's metadata.",
};

export const JOB_KIND_DOCS: Readonly<
  Record<string, { description: string; fields: Record<string, string> }>
> = {
  Job: {
    description: 'Job represents the configuration of a single job.',
    fields: {
      ...TYPE_META,
      spec: 'Specification of the desired behavior of a job.',
      status: 'Current status of a job.',
    },
  },
};
