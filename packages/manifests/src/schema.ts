// The fields l4lab knows per kind, with their Go types: enough to reject what the API server cannot
// decode (`port: "80"`) and to warn about unknown fields like kubectl's `--validate=warn`.
// Subtrees l4lab does not interpret (probes, resources, volumes, ...) are `any`: kept, never checked.

export type Schema =
  | { t: 'string' | 'int32' | 'int64' | 'bool' | 'intOrString' | 'any' }
  | { t: 'object'; go: string; fields: Readonly<Record<string, Schema>> }
  | { t: 'array'; of: Schema }
  | { t: 'map'; of: Schema };

export type ObjectSchema = Extract<Schema, { t: 'object' }>;

const str: Schema = { t: 'string' };
const int32: Schema = { t: 'int32' };
const int64: Schema = { t: 'int64' };
const bool: Schema = { t: 'bool' };
const intOrString: Schema = { t: 'intOrString' };
const any: Schema = { t: 'any' };
const arr = (of: Schema): Schema => ({ t: 'array', of });
const map = (of: Schema): Schema => ({ t: 'map', of });
const obj = (go: string, fields: Record<string, Schema>): ObjectSchema => ({
  t: 'object',
  go,
  fields,
});
const strings = arr(str);
const labels = map(str);

const ownerReference = obj('v1.OwnerReference', {
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool,
  blockOwnerDeletion: bool,
});

export const objectMeta = obj('v1.ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: any,
  deletionTimestamp: any,
  deletionGracePeriodSeconds: int64,
  labels,
  annotations: labels,
  ownerReferences: arr(ownerReference),
  finalizers: strings,
  managedFields: any,
});

const labelSelector = obj('v1.LabelSelector', {
  matchLabels: labels,
  matchExpressions: arr(
    obj('v1.LabelSelectorRequirement', { key: str, operator: str, values: strings }),
  ),
});

const containerPort = obj('v1.ContainerPort', {
  name: str,
  hostPort: int32,
  containerPort: int32,
  protocol: str,
  hostIP: str,
});

const envVar = obj('v1.EnvVar', { name: str, value: str, valueFrom: any });

const container = obj('v1.Container', {
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  ports: arr(containerPort),
  envFrom: any,
  env: arr(envVar),
  resources: any,
  resizePolicy: any,
  restartPolicy: str,
  restartPolicyRules: any,
  volumeMounts: any,
  volumeDevices: any,
  livenessProbe: any,
  readinessProbe: any,
  startupProbe: any,
  lifecycle: any,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: any,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

export const podSpec = obj('v1.PodSpec', {
  volumes: any,
  initContainers: arr(container),
  containers: arr(container),
  ephemeralContainers: any,
  restartPolicy: str,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  dnsPolicy: str,
  nodeSelector: labels,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: any,
  imagePullSecrets: any,
  hostname: str,
  subdomain: str,
  affinity: any,
  schedulerName: str,
  tolerations: any,
  hostAliases: any,
  priorityClassName: str,
  priority: int32,
  dnsConfig: any,
  readinessGates: any,
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: any,
  topologySpreadConstraints: any,
  setHostnameAsFQDN: bool,
  os: any,
  hostUsers: bool,
  schedulingGates: any,
  resourceClaims: any,
  resources: any,
});

const servicePort = obj('v1.ServicePort', {
  name: str,
  protocol: str,
  appProtocol: str,
  port: int32,
  targetPort: intOrString,
  nodePort: int32,
});

const serviceSpec = obj('v1.ServiceSpec', {
  ports: arr(servicePort),
  selector: labels,
  clusterIP: str,
  clusterIPs: strings,
  type: str,
  externalIPs: strings,
  sessionAffinity: str,
  loadBalancerIP: str,
  loadBalancerSourceRanges: strings,
  externalName: str,
  externalTrafficPolicy: str,
  healthCheckNodePort: int32,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: obj('v1.SessionAffinityConfig', {
    clientIP: obj('v1.ClientIPConfig', { timeoutSeconds: int32 }),
  }),
  ipFamilies: strings,
  ipFamilyPolicy: str,
  allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: str,
  internalTrafficPolicy: str,
  trafficDistribution: str,
});

const podTemplateSpec = obj('v1.PodTemplateSpec', { metadata: objectMeta, spec: podSpec });

const deploymentSpec = obj('v1.DeploymentSpec', {
  replicas: int32,
  selector: labelSelector,
  template: podTemplateSpec,
  strategy: obj('v1.DeploymentStrategy', {
    type: str,
    rollingUpdate: obj('v1.RollingUpdateDeployment', {
      maxUnavailable: intOrString,
      maxSurge: intOrString,
    }),
  }),
  minReadySeconds: int32,
  revisionHistoryLimit: int32,
  paused: bool,
  progressDeadlineSeconds: int32,
});

const top = (kind: string, fields: Record<string, Schema>): ObjectSchema =>
  obj(`v1.${kind}`, { apiVersion: str, kind: str, metadata: objectMeta, status: any, ...fields });

/** Schemas of the kinds a user may apply. */
export const KIND_SCHEMAS: Readonly<Record<string, ObjectSchema>> = {
  Namespace: top('Namespace', { spec: obj('v1.NamespaceSpec', { finalizers: strings }) }),
  Pod: top('Pod', { spec: podSpec }),
  Deployment: top('Deployment', { spec: deploymentSpec }),
  Service: top('Service', { spec: serviceSpec }),
};
