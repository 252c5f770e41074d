// Kubernetes object shapes as l4lab's API serves them (a subset of the real API's fields).
// Field names are Kubernetes' own; every object the API returns has `apiVersion`, `kind`, `metadata`.
import type {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  Secret,
  ServiceAccount,
} from './kubeAccess.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  generateName?: string;
  /** Kept by the API, not enforced: the lab deletes an object whatever its finalizers say. */
  finalizers?: string[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** The node's port (a pod on the host network has one for every container port). */
  hostPort?: number;
  hostIP?: string;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  volumeMounts?: VolumeMount[];
  /** `kubectl run -i`: stdin stays open, so a shell waits instead of ending at once. */
  stdin?: boolean;
  /** `kubectl run -i`: the container is made for one attach (its output from its start). */
  stdinOnce?: boolean;
  tty?: boolean;
  resources?: ResourceRequirements;
  /** postStart / preStop hooks (the kubelet runs preStop before it stops the container). */
  lifecycle?: { postStart?: LifecycleHandler; preStop?: LifecycleHandler };
  /** The file whose contents become the container's termination message (/dev/termination-log). */
  terminationMessagePath?: string;
  terminationMessagePolicy?: 'File' | 'FallbackToLogsOnError';
}

/** A lifecycle hook's action: a command in the container, an HTTP GET, or a pause. */
export interface LifecycleHandler {
  exec?: { command?: string[] };
  httpGet?: { port?: number | string; path?: string; host?: string; scheme?: string };
  tcpSocket?: { port?: number | string };
  sleep?: { seconds: number };
}

/** Quantities as written (`500m`, `64Mi`, or a YAML number), by resource name (`cpu`, `nvidia.com/gpu`). */
export type ResourceList = Record<string, string | number>;

export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

/** A container probe (the handlers l4lab runs: tcpSocket, httpGet, and exec against a stand-in). */
export interface Probe {
  tcpSocket?: { port?: number | string };
  httpGet?: { port?: number | string; path?: string; scheme?: string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

/** A key of a ConfigMap or Secret of the pod's namespace. */
export interface KeySelector {
  name?: string;
  key: string;
  /** Whether the container starts without it (unset) when the object or the key is missing. */
  optional?: boolean;
}

/** An environment variable: a value, a field of the pod (the downward API), or a key of a ConfigMap or Secret. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: KeySelector;
    secretKeyRef?: KeySelector;
  };
}

/** Every key of a ConfigMap or Secret as a variable, each name after `prefix`. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

/** Where a volume of the pod appears in a container. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  /** One file or directory of the volume instead of its root. */
  subPath?: string;
  readOnly?: boolean;
}

export interface PodSpec {
  containers: Container[];
  /** Whether the kubelet restarts a container that exits (the API server defaults it to Always). */
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  initContainers?: Container[];
  /** `kubectl debug -it POD --image=busybox`: added through the pods/ephemeralcontainers subresource. */
  ephemeralContainers?: (Container & { targetContainerName?: string })[];
  nodeName?: string;
  terminationGracePeriodSeconds?: number;
  // What kube-scheduler reads.
  schedulerName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulingGates?: { name: string }[];
  /** The Priority admission plugin's: the class named here, else 0 (priorityAdmission.ts). */
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  // What the kubelet reads for the pod's /etc/hosts, /etc/resolv.conf and environment.
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
  dnsConfig?: PodDNSConfig;
  /** Service links: `<SVC>_SERVICE_HOST` ... for the Services of the pod's namespace (default true). */
  enableServiceLinks?: boolean;
  /** Who the pod runs as: `default` unless it names another (the ServiceAccount admission plugin). */
  serviceAccountName?: string;
  /** v1's deprecated alias of serviceAccountName, written back as it. */
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  /** Kept and served; the lab's kubelet mounts none of them. */
  volumes?: ({ name: string } & Record<string, unknown>)[];
}

export interface PodDNSConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

/** A node selector requirement: `matchExpressions` on labels, `matchFields` on `metadata.name`. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: {
      weight: number;
      preference: NodeSelectorTerm;
    }[];
  };
  podAffinity?: PodAffinity;
  podAntiAffinity?: PodAffinity;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** How a group of pods spreads over the domains of a node label (the PodTopologySpread plugin). */
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface PodCondition {
  type: 'PodReadyToStartContainers' | 'Initialized' | 'Ready' | 'ContainersReady' | 'PodScheduled';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ContainerStatus {
  name: string;
  image: string;
  /** The runtime's IDs, for a container that runs as a real one (docker): `docker://...`. */
  imageID?: string;
  containerID?: string;
  ready: boolean;
  restartCount: number;
  started?: boolean;
  state?: ContainerState;
  /** The state of the container's previous run (`terminated`, once it has restarted). */
  lastState?: ContainerState;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  /** `signal` is the signal that ended the container, when one did (kubectl prints `Signal:9`). */
  terminated?: {
    reason: string;
    exitCode: number;
    signal?: number;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
  };
}

/** The pod's quality of service, set by the API server from its containers' resources. */
export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  qosClass?: PodQOSClass;
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  startTime?: string;
  conditions?: PodCondition[];
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
  /** Why the pod is in this state (`NodeLost`, ...), and a human-readable message. */
  reason?: string;
  message?: string;
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: PodStatus;
}

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: {
    type?: 'RollingUpdate' | 'Recreate';
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

/** A Deployment's `Available` / `Progressing` condition (apps/v1 DeploymentCondition). */
export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: DeploymentSpec;
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: DeploymentCondition[];
  };
}

export interface ReplicaSet {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    minReadySeconds?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
  };
  status?: {
    replicas: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    /** ReplicaFailure (`FailedCreate`), while the API server refuses its pods. */
    conditions?: ReplicaSetCondition[];
  };
}

export interface ReplicaSetCondition {
  type: 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A Job's condition (`Complete`, `Failed`, `Suspended`, ...). */
export interface JobCondition {
  type: 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A batch/v1 Job: pods run to completion (the job controller). */
export interface Job {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec: {
    parallelism?: number;
    completions?: number;
    activeDeadlineSeconds?: number;
    backoffLimit?: number;
    selector?: LabelSelector;
    manualSelector?: boolean;
    template: PodTemplateSpec;
    ttlSecondsAfterFinished?: number;
    completionMode?: 'NonIndexed' | 'Indexed';
    suspend?: boolean;
    podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
  };
  status?: {
    conditions?: JobCondition[];
    startTime?: string;
    completionTime?: string;
    active?: number;
    succeeded?: number;
    failed?: number;
    terminating?: number;
    ready?: number;
    completedIndexes?: string;
    uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  };
}

/**
 * A ControllerRevision: one pod template a DaemonSet or StatefulSet has had (`kubectl rollout
 * history ds|sts`), as a strategic merge patch that puts it back (`kubectl rollout undo`). Written
 * by the daemon set and stateful set controllers only.
 */
export interface ControllerRevision {
  apiVersion: 'apps/v1';
  kind: 'ControllerRevision';
  metadata: ObjectMeta;
  /** `{"spec":{"template":{"$patch":"replace", ...}}}` */
  data: { spec: { template: PodTemplateSpec & { $patch: 'replace' } } };
  revision: number;
}

/** A DaemonSet: a pod on every node that should run one (the daemon set controller). */
export interface DaemonSet {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  metadata: ObjectMeta;
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: {
      type?: 'RollingUpdate' | 'OnDelete';
      rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string };
    };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: {
    currentNumberScheduled: number;
    numberMisscheduled: number;
    desiredNumberScheduled: number;
    numberReady: number;
    observedGeneration?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
  };
}

/**
 * A StatefulSet: pods with a stable identity, `<name>-<ordinal>`, made and removed in order (the
 * stateful set controller). Its volumeClaimTemplates are kept and named in each pod's volumes;
 * the lab provisions no PersistentVolumeClaim.
 */
export interface StatefulSet {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: {
      type?: 'RollingUpdate' | 'OnDelete';
      rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
    };
    volumeClaimTemplates?: Array<{
      apiVersion?: string;
      kind?: string;
      metadata?: ObjectMeta;
      spec?: Record<string, unknown>;
      status?: Record<string, unknown>;
    }>;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    persistentVolumeClaimRetentionPolicy?: {
      whenDeleted?: 'Retain' | 'Delete';
      whenScaled?: 'Retain' | 'Delete';
    };
    ordinals?: { start?: number };
  };
  status?: {
    observedGeneration?: number;
    replicas: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
  };
}

/**
 * A policy/v1 PodDisruptionBudget: how many of the pods it selects may be down at once by a
 * voluntary disruption (an eviction: `kubectl drain`). Its status is the disruption controller's.
 */
export interface PodDisruptionBudget {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: LabelSelector;
    unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
  };
  status?: {
    observedGeneration?: number;
    /** Pods evicted whose deletion the controller has not seen yet: name -> when. */
    disruptedPods?: Record<string, string>;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    conditions?: {
      type: 'DisruptionAllowed';
      status: 'True' | 'False';
      reason: string;
      message: string;
      observedGeneration?: number;
      lastTransitionTime: string;
    }[];
  };
}

/** A networking.k8s.io/v1 NetworkPolicy port: a number or a named container port, up to endPort. */
export interface NetworkPolicyPort {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number | string;
  endPort?: number;
}

/** One peer of a rule: pods (in the policy's namespace, or in the selected ones), or an IP block. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

/**
 * A networking.k8s.io/v1 NetworkPolicy: which connections the pods it selects may take in
 * (ingress) and open (egress). The network plugin enforces it; l4lab's data planes do.
 */
export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: ObjectMeta;
  spec: {
    podSelector: LabelSelector;
    ingress?: { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[] }[];
    egress?: { ports?: NetworkPolicyPort[]; to?: NetworkPolicyPeer[] }[];
    policyTypes?: ('Ingress' | 'Egress')[];
  };
}

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  /** Where kube-proxy should prefer endpoints: PreferClose (its zone), PreferSameZone, PreferSameNode. */
  trafficDistribution?: string;
  publishNotReadyAddresses?: boolean;
  externalIPs?: string[];
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  allocateLoadBalancerNodePorts?: boolean;
  healthCheckNodePort?: number;
  /** Defaulted by the API server: l4lab's cluster is single-stack IPv4. */
  ipFamilies?: ('IPv4' | 'IPv6')[];
  ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
}

/** A Service condition (metav1.Condition). */
export interface ServiceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** The condition l4lab's kube-proxy keeps on a Service while one of its frontends cannot listen. */
export const FRONTENDS_LISTENING = 'FrontendsListening';

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: ServiceSpec;
  status?: {
    loadBalancer?: { ingress?: { ip: string; ipMode?: 'VIP' | 'Proxy' }[] };
    /** metav1.Condition: l4lab's kube-proxy says here when a frontend cannot listen. */
    conditions?: ServiceCondition[];
  };
}

/** One endpoint of a slice; conditions may be left out in a slice written by hand. */
export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  /** Set when the pod's `hostname` and `subdomain` name it under a headless Service. */
  hostname?: string;
  nodeName?: string;
  zone?: string;
  /** Where kube-proxy should use it: the zones (and nodes) it is hinted for (topology). */
  hints?: EndpointHints;
  targetRef?: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

export interface EndpointHints {
  forZones?: { name: string }[];
  forNodes?: { name: string }[];
}

/**
 * An endpoint's conditions as kube-proxy reads them: an unset ready or serving is true, an unset
 * terminating is false (discovery/v1's EndpointConditions).
 */
export function endpointConditions(e: Endpoint): {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
} {
  const c = e.conditions ?? {};
  return {
    ready: c.ready ?? true,
    serving: c.serving ?? true,
    terminating: c.terminating ?? false,
  };
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  /** l4lab's controllers write IPv4 slices; a slice written by hand may be of another type. */
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports: { name: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP'; appProtocol?: string }[];
}

/** A v1 Endpoints address (legacy Endpoints, written by hand for a Service without selector). */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: {
    name?: string;
    port: number;
    protocol?: 'TCP' | 'UDP' | 'SCTP';
    appProtocol?: string;
  }[];
}

/**
 * v1 Endpoints as stored: only those a user writes (l4lab's API derives the others from
 * EndpointSlices); the EndpointSlice mirroring controller copies them into slices.
 */
export interface Endpoints {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: ObjectMeta;
  subsets?: EndpointSubset[];
}

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
  status?: { phase: 'Active' | 'Terminating' };
}

/**
 * What a kubelet reports of its machine (`kubectl get nodes -o wide`: VERSION, OS-IMAGE,
 * KERNEL-VERSION, CONTAINER-RUNTIME; `kubectl describe node`: System Info).
 */
export interface NodeSystemInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  /** Deprecated; kubelets since 1.31 leave it empty (a real cluster's older nodes may not). */
  kubeProxyVersion?: string;
  operatingSystem: string;
  architecture: string;
}

export interface Node {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: ObjectMeta;
  spec: { podCIDR: string; podCIDRs?: string[]; taints?: Taint[]; unschedulable?: boolean };
  status: {
    nodeInfo?: NodeSystemInfo;
    /** What the node has, and what of it pods may request (`cpu`, `memory`, `pods`, ...). */
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    addresses: { type: 'InternalIP' | 'Hostname'; address: string }[];
    /** The kubelet's: MemoryPressure, DiskPressure, PIDPressure, then Ready. */
    conditions: {
      type: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'Ready';
      status: 'True' | 'False' | 'Unknown';
      reason?: string;
      message?: string;
      lastHeartbeatTime?: string;
      lastTransitionTime?: string;
    }[];
  };
}

export type KubeObject =
  | Pod
  | Deployment
  | ReplicaSet
  | DaemonSet
  | StatefulSet
  | PodDisruptionBudget
  | NetworkPolicy
  | ControllerRevision
  | Job
  | Service
  | EndpointSlice
  | Endpoints
  | Namespace
  | Node
  | ServiceAccount
  | Secret
  | ConfigMap
  | ClusterRole
  | ClusterRoleBinding;

export type KubeKind = KubeObject['kind'];

/** Plural lowercase resource names, as in `/api/objects/{kind}` and `kubectl get`. */
export const RESOURCES = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  poddisruptionbudgets: 'PodDisruptionBudget',
  networkpolicies: 'NetworkPolicy',
  configmaps: 'ConfigMap',
  services: 'Service',
  endpointslices: 'EndpointSlice',
  endpoints: 'Endpoints',
  namespaces: 'Namespace',
  nodes: 'Node',
} as const satisfies Record<string, KubeKind>;

export type ResourceName = keyof typeof RESOURCES;

export const CLUSTER_SCOPED: ReadonlySet<KubeKind> = new Set([
  'Namespace',
  'Node',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/** `namespace/name` (or `name` for cluster-scoped kinds). */
export function objectKey(o: { metadata: { namespace?: string; name: string } }): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

/**
 * A core v1 Event: what a component (scheduler, kubelet, controllers, kube-proxy) said about an
 * object. Kept by the cluster's event recorder (bounded), served by the Kubernetes API, shown by
 * `kubectl describe` and `kubectl get events`; not an object the dashboard's apply writes.
 */
export interface KubeEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: ObjectMeta;
  involvedObject: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
    uid?: string;
  };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  source: { component: string; host?: string };
  reportingComponent: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** The pod's container of that name (`kubectl exec -c`, `logs -c`): an app, init or ephemeral one. */
export function podContainer(pod: Pick<Pod, 'spec'>, name: string): Container | undefined {
  const { containers, initContainers = [], ephemeralContainers = [] } = pod.spec;
  return [...containers, ...initContainers, ...ephemeralContainers].find((c) => c.name === name);
}

/** That container's status (app, init or ephemeral), as the kubelet last wrote it. */
export function podContainerStatus(
  pod: Pick<Pod, 'status'>,
  name: string,
): ContainerStatus | undefined {
  const { containerStatuses = [], initContainerStatuses = [] } = pod.status ?? {};
  const { ephemeralContainerStatuses = [] } = pod.status ?? {};
  return [...containerStatuses, ...initContainerStatuses, ...ephemeralContainerStatuses].find(
    (c) => c.name === name,
  );
}
