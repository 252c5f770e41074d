// The API reference's descriptions (first sentences) of apps/v1 StatefulSet and policy/v1
// PodDisruptionBudget, and their specs (schema.ts).

type Docs = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const STATEFUL_SET_FIELD_DOCS: Docs = {
  'v1.StatefulSetSpec': {
    replicas:
      'replicas is the desired number of replicas of the given Template. These are replicas in the sense that they are instantiations of the same Template, but individual replicas also have a consistent identity. If unspecified, defaults to 1.',
    selector:
      "selector is a label query over pods that should match the replica count. It must match the pod template's labels.",
    template:
      'template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet. Each pod will be named with the format <statefulsetname>-<podindex>.',
    volumeClaimTemplates:
      'volumeClaimTemplates is a list of claims that pods are allowed to reference. The StatefulSet controller is responsible for mapping network identities to claims in a way that maintains the identity of a pod.',
    serviceName:
      'serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set. Pods get DNS/hostnames that follow the pattern: pod-specific-string.serviceName.default.svc.cluster.local where "pod-specific-string" is managed by the StatefulSet controller.',
    podManagementPolicy:
      'podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`, where pods are created in increasing order (pod-0, then pod-1, etc) and the controller will wait until each pod is ready before continuing. When scaling down, the pods are removed in the opposite order. The alternative policy is `Parallel` which will create pods in parallel to match the desired scale without waiting, and on scale down will delete all pods at once.',
    updateStrategy:
      'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.',
    revisionHistoryLimit:
      "revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. The revision history consists of all revisions not represented by a currently applied StatefulSetSpec version. The default value is 10.",
    minReadySeconds:
      'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)',
    persistentVolumeClaimRetentionPolicy:
      'persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted.',
    ordinals:
      'ordinals controls the numbering of replica indices in a StatefulSet. The default ordinals behavior assigns a "0" index to the first replica and increments the index by one for each additional replica requested.',
  },
  'v1.PersistentVolumeClaim': {
    apiVersion:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
    kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
    metadata: "Standard object's metadata.",
    spec: 'spec defines the desired characteristics of a volume requested by a pod author.',
    status:
      'status represents the current information/status of a persistent volume claim. Read-only.',
  },
  'v1.StatefulSetUpdateStrategy': {
    type: 'Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.',
    rollingUpdate:
      'RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.',
  },
  'v1.RollingUpdateStatefulSetStrategy': {
    partition:
      'Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. During a rolling update, all pods from ordinal Replicas-1 to Partition are updated. All pods from ordinal Partition-1 to 0 remain untouched. Default value is 0.',
    maxUnavailable:
      'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). This is an alpha field and requires enabling MaxUnavailableStatefulSet feature. The field applies to all pods in the range 0 to Replicas-1.',
  },
  'v1.StatefulSetPersistentVolumeClaimRetentionPolicy': {
    whenDeleted:
      'WhenDeleted specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted. The default policy of `Retain` causes PVCs to not be affected by StatefulSet deletion.',
    whenScaled:
      'WhenScaled specifies what happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down. The default policy of `Retain` causes PVCs to not be affected by a scaledown.',
  },
  'v1.PodDisruptionBudgetSpec': {
    minAvailable:
      'An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction, i.e. even in the absence of the evicted pod. So for example you can prevent all voluntary evictions by specifying "100%".',
    selector:
      'Label query over pods whose evictions are managed by the disruption budget. A null selector will match no pods, while an empty ({}) selector will select all pods within the namespace.',
    maxUnavailable:
      'An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction, i.e. even in absence of the evicted pod. For example, one can prevent all voluntary evictions by specifying 0. This is a mutually exclusive setting with "minAvailable".',
    unhealthyPodEvictionPolicy:
      'UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction. Current implementation considers healthy pods, as pods that have status.conditions item with type="Ready",status="True". Valid policies are IfHealthyBudget and AlwaysAllow. If no policy is specified, the default behavior will be used, which corresponds to the IfHealthyBudget policy.',
  },
  'v1.StatefulSetOrdinals': {
    start:
      "start is the number representing the first replica's index. It may be used to number replicas from an alternate index (eg: 1-indexed) over the default 0-indexed names, or to orchestrate progressive movement of replicas from one StatefulSet to another. If set, replica indices will be in the range: [.spec.ordinals.start, .spec.ordinals.start + .spec.replicas). If unset, defaults to 0.",
  },
};

const TYPE_META = {
  apiVersion:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  metadata: "Standard object's metadata.",
};

export const STATEFUL_SET_KIND_DOCS: Readonly<
  Record<string, { description: string; fields: Record<string, string> }>
> = {
  PodDisruptionBudget: {
    description:
      'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
    fields: {
      ...TYPE_META,
      spec: 'Specification of the desired behavior of the PodDisruptionBudget.',
      status: 'Most recently observed status of the PodDisruptionBudget.',
    },
  },
  StatefulSet: {
    description:
      'StatefulSet represents a set of pods with consistent identities. Identities are defined as: - Network: A single stable DNS and hostname. - Storage: As many VolumeClaims as requested.',
    fields: {
      ...TYPE_META,
      spec: 'Spec defines the desired identities of pods in this set.',
      status:
        'Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time.',
    },
  },
};
