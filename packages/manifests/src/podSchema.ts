// PodSpec and what it holds: containers, probes, affinity, tolerations, security contexts.
// Generated once from the Kubernetes OpenAPI (the v1 models of @kubernetes/client-node, less what
// v1.32 does not have), with the Go names of named types (v1.Protocol, v1.ResourceList) that the
// API server's decoding errors print. Edit by hand from here on; descriptions: fieldDocs.ts, podFieldDocs.ts.
import {
  arr,
  bool,
  int32,
  int64,
  intOrString,
  map,
  named,
  obj,
  resourceList,
  str,
  strings,
} from './schemaTypes.ts';
import {
  labelSelector,
  localObjectReference,
  objectFieldSelector,
  resourceFieldSelector,
} from './metaSchema.ts';
import { volume } from './volumeSchema.ts';

export const nodeSelectorRequirement = obj('v1.NodeSelectorRequirement', {
  key: str,
  operator: named('v1.NodeSelectorOperator'),
  values: strings,
});

export const nodeSelectorTerm = obj('v1.NodeSelectorTerm', {
  matchExpressions: arr(nodeSelectorRequirement),
  matchFields: arr(nodeSelectorRequirement),
});

export const preferredSchedulingTerm = obj('v1.PreferredSchedulingTerm', {
  preference: nodeSelectorTerm,
  weight: int32,
});

export const nodeSelector = obj('v1.NodeSelector', {
  nodeSelectorTerms: arr(nodeSelectorTerm),
});

export const nodeAffinity = obj('v1.NodeAffinity', {
  preferredDuringSchedulingIgnoredDuringExecution: arr(preferredSchedulingTerm),
  requiredDuringSchedulingIgnoredDuringExecution: nodeSelector,
});

export const podAffinityTerm = obj('v1.PodAffinityTerm', {
  labelSelector: labelSelector,
  matchLabelKeys: strings,
  mismatchLabelKeys: strings,
  namespaceSelector: labelSelector,
  namespaces: strings,
  topologyKey: str,
});

export const weightedPodAffinityTerm = obj('v1.WeightedPodAffinityTerm', {
  podAffinityTerm: podAffinityTerm,
  weight: int32,
});

export const podAffinity = obj('v1.PodAffinity', {
  preferredDuringSchedulingIgnoredDuringExecution: arr(weightedPodAffinityTerm),
  requiredDuringSchedulingIgnoredDuringExecution: arr(podAffinityTerm),
});

export const podAntiAffinity = obj('v1.PodAntiAffinity', {
  preferredDuringSchedulingIgnoredDuringExecution: arr(weightedPodAffinityTerm),
  requiredDuringSchedulingIgnoredDuringExecution: arr(podAffinityTerm),
});

export const affinity = obj('v1.Affinity', {
  nodeAffinity: nodeAffinity,
  podAffinity: podAffinity,
  podAntiAffinity: podAntiAffinity,
});

export const configMapKeySelector = obj('v1.ConfigMapKeySelector', {
  key: str,
  name: str,
  optional: bool,
});

export const secretKeySelector = obj('v1.SecretKeySelector', {
  key: str,
  name: str,
  optional: bool,
});

export const envVarSource = obj('v1.EnvVarSource', {
  configMapKeyRef: configMapKeySelector,
  fieldRef: objectFieldSelector,
  resourceFieldRef: resourceFieldSelector,
  secretKeyRef: secretKeySelector,
});

export const envVar = obj('v1.EnvVar', {
  name: str,
  value: str,
  valueFrom: envVarSource,
});

export const configMapEnvSource = obj('v1.ConfigMapEnvSource', {
  name: str,
  optional: bool,
});

export const secretEnvSource = obj('v1.SecretEnvSource', {
  name: str,
  optional: bool,
});

export const envFromSource = obj('v1.EnvFromSource', {
  configMapRef: configMapEnvSource,
  prefix: str,
  secretRef: secretEnvSource,
});

export const execAction = obj('v1.ExecAction', {
  command: strings,
});

export const httpHeader = obj('v1.HTTPHeader', {
  name: str,
  value: str,
});

export const httpGetAction = obj('v1.HTTPGetAction', {
  host: str,
  httpHeaders: arr(httpHeader),
  path: str,
  port: intOrString,
  scheme: named('v1.URIScheme'),
});

export const sleepAction = obj('v1.SleepAction', {
  seconds: int64,
});

export const tcpSocketAction = obj('v1.TCPSocketAction', {
  host: str,
  port: intOrString,
});

export const lifecycleHandler = obj('v1.LifecycleHandler', {
  exec: execAction,
  httpGet: httpGetAction,
  sleep: sleepAction,
  tcpSocket: tcpSocketAction,
});

export const lifecycle = obj('v1.Lifecycle', {
  postStart: lifecycleHandler,
  preStop: lifecycleHandler,
});

export const grpcAction = obj('v1.GRPCAction', {
  port: int32,
  service: str,
});

export const probe = obj('v1.Probe', {
  exec: execAction,
  failureThreshold: int32,
  grpc: grpcAction,
  httpGet: httpGetAction,
  initialDelaySeconds: int32,
  periodSeconds: int32,
  successThreshold: int32,
  tcpSocket: tcpSocketAction,
  terminationGracePeriodSeconds: int64,
  timeoutSeconds: int32,
});

export const containerPort = obj('v1.ContainerPort', {
  containerPort: int32,
  hostIP: str,
  hostPort: int32,
  name: str,
  protocol: named('v1.Protocol'),
});

export const containerResizePolicy = obj('v1.ContainerResizePolicy', {
  resourceName: named('v1.ResourceName'),
  restartPolicy: named('v1.ResourceResizeRestartPolicy'),
});

export const resourceClaim = obj('v1.ResourceClaim', {
  name: str,
  request: str,
});

export const resourceRequirements = obj('v1.ResourceRequirements', {
  claims: arr(resourceClaim),
  limits: resourceList,
  requests: resourceList,
});

export const appArmorProfile = obj('v1.AppArmorProfile', {
  localhostProfile: str,
  type: named('v1.AppArmorProfileType'),
});

export const capabilities = obj('v1.Capabilities', {
  add: arr(named('v1.Capability')),
  drop: arr(named('v1.Capability')),
});

export const seLinuxOptions = obj('v1.SELinuxOptions', {
  level: str,
  role: str,
  type: str,
  user: str,
});

export const seccompProfile = obj('v1.SeccompProfile', {
  localhostProfile: str,
  type: named('v1.SeccompProfileType'),
});

export const windowsSecurityContextOptions = obj('v1.WindowsSecurityContextOptions', {
  gmsaCredentialSpec: str,
  gmsaCredentialSpecName: str,
  hostProcess: bool,
  runAsUserName: str,
});

export const securityContext = obj('v1.SecurityContext', {
  allowPrivilegeEscalation: bool,
  appArmorProfile: appArmorProfile,
  capabilities: capabilities,
  privileged: bool,
  procMount: named('v1.ProcMountType'),
  readOnlyRootFilesystem: bool,
  runAsGroup: int64,
  runAsNonRoot: bool,
  runAsUser: int64,
  seLinuxOptions: seLinuxOptions,
  seccompProfile: seccompProfile,
  windowsOptions: windowsSecurityContextOptions,
});

export const volumeDevice = obj('v1.VolumeDevice', {
  devicePath: str,
  name: str,
});

export const volumeMount = obj('v1.VolumeMount', {
  mountPath: str,
  mountPropagation: named('v1.MountPropagationMode'),
  name: str,
  readOnly: bool,
  recursiveReadOnly: named('v1.RecursiveReadOnlyMode'),
  subPath: str,
  subPathExpr: str,
});

export const container = obj('v1.Container', {
  args: strings,
  command: strings,
  env: arr(envVar),
  envFrom: arr(envFromSource),
  image: str,
  imagePullPolicy: named('v1.PullPolicy'),
  lifecycle: lifecycle,
  livenessProbe: probe,
  name: str,
  ports: arr(containerPort),
  readinessProbe: probe,
  resizePolicy: arr(containerResizePolicy),
  resources: resourceRequirements,
  restartPolicy: named('v1.ContainerRestartPolicy'),
  securityContext: securityContext,
  startupProbe: probe,
  stdin: bool,
  stdinOnce: bool,
  terminationMessagePath: str,
  terminationMessagePolicy: named('v1.TerminationMessagePolicy'),
  tty: bool,
  volumeDevices: arr(volumeDevice),
  volumeMounts: arr(volumeMount),
  workingDir: str,
});

export const podDNSConfigOption = obj('v1.PodDNSConfigOption', {
  name: str,
  value: str,
});

export const podDNSConfig = obj('v1.PodDNSConfig', {
  nameservers: strings,
  options: arr(podDNSConfigOption),
  searches: strings,
});

export const ephemeralContainer = obj('v1.EphemeralContainer', {
  args: strings,
  command: strings,
  env: arr(envVar),
  envFrom: arr(envFromSource),
  image: str,
  imagePullPolicy: named('v1.PullPolicy'),
  lifecycle: lifecycle,
  livenessProbe: probe,
  name: str,
  ports: arr(containerPort),
  readinessProbe: probe,
  resizePolicy: arr(containerResizePolicy),
  resources: resourceRequirements,
  restartPolicy: named('v1.ContainerRestartPolicy'),
  securityContext: securityContext,
  startupProbe: probe,
  stdin: bool,
  stdinOnce: bool,
  targetContainerName: str,
  terminationMessagePath: str,
  terminationMessagePolicy: named('v1.TerminationMessagePolicy'),
  tty: bool,
  volumeDevices: arr(volumeDevice),
  volumeMounts: arr(volumeMount),
  workingDir: str,
});

export const hostAlias = obj('v1.HostAlias', {
  hostnames: strings,
  ip: str,
});

export const podOS = obj('v1.PodOS', {
  name: named('v1.OSName'),
});

export const podReadinessGate = obj('v1.PodReadinessGate', {
  conditionType: named('v1.PodConditionType'),
});

export const podResourceClaim = obj('v1.PodResourceClaim', {
  name: str,
  resourceClaimName: str,
  resourceClaimTemplateName: str,
});

export const podSchedulingGate = obj('v1.PodSchedulingGate', {
  name: str,
});

export const sysctl = obj('v1.Sysctl', {
  name: str,
  value: str,
});

export const podSecurityContext = obj('v1.PodSecurityContext', {
  appArmorProfile: appArmorProfile,
  fsGroup: int64,
  fsGroupChangePolicy: named('v1.PodFSGroupChangePolicy'),
  runAsGroup: int64,
  runAsNonRoot: bool,
  runAsUser: int64,
  seLinuxChangePolicy: named('v1.PodSELinuxChangePolicy'),
  seLinuxOptions: seLinuxOptions,
  seccompProfile: seccompProfile,
  supplementalGroups: arr(int64),
  supplementalGroupsPolicy: named('v1.SupplementalGroupsPolicy'),
  sysctls: arr(sysctl),
  windowsOptions: windowsSecurityContextOptions,
});

export const toleration = obj('v1.Toleration', {
  effect: named('v1.TaintEffect'),
  key: str,
  operator: named('v1.TolerationOperator'),
  tolerationSeconds: int64,
  value: str,
});

export const topologySpreadConstraint = obj('v1.TopologySpreadConstraint', {
  labelSelector: labelSelector,
  matchLabelKeys: strings,
  maxSkew: int32,
  minDomains: int32,
  nodeAffinityPolicy: named('v1.NodeInclusionPolicy'),
  nodeTaintsPolicy: named('v1.NodeInclusionPolicy'),
  topologyKey: str,
  whenUnsatisfiable: named('v1.UnsatisfiableConstraintAction'),
});

export const podSpec = obj('v1.PodSpec', {
  activeDeadlineSeconds: int64,
  affinity: affinity,
  automountServiceAccountToken: bool,
  containers: arr(container),
  dnsConfig: podDNSConfig,
  dnsPolicy: named('v1.DNSPolicy'),
  enableServiceLinks: bool,
  ephemeralContainers: arr(ephemeralContainer),
  hostAliases: arr(hostAlias),
  hostIPC: bool,
  hostNetwork: bool,
  hostPID: bool,
  hostUsers: bool,
  hostname: str,
  imagePullSecrets: arr(localObjectReference),
  initContainers: arr(container),
  nodeName: str,
  nodeSelector: map(str),
  os: podOS,
  overhead: resourceList,
  preemptionPolicy: named('v1.PreemptionPolicy'),
  priority: int32,
  priorityClassName: str,
  readinessGates: arr(podReadinessGate),
  resourceClaims: arr(podResourceClaim),
  resources: resourceRequirements,
  restartPolicy: named('v1.RestartPolicy'),
  runtimeClassName: str,
  schedulerName: str,
  schedulingGates: arr(podSchedulingGate),
  securityContext: podSecurityContext,
  serviceAccount: str,
  serviceAccountName: str,
  setHostnameAsFQDN: bool,
  shareProcessNamespace: bool,
  subdomain: str,
  terminationGracePeriodSeconds: int64,
  tolerations: arr(toleration),
  topologySpreadConstraints: arr(topologySpreadConstraint),
  volumes: arr(volume),
});
