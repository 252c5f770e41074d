// The fields l4lab knows per kind, with their Go types: enough to refuse what the API server cannot
// decode (`port: "80"`, a list where an object belongs) with its words, and to warn about unknown
// fields like kubectl's `--validate=warn`. The pod spec's types are in podSchema.ts (and
// volumeSchema.ts, metaSchema.ts); only raw JSON and status are not checked (status is dropped).
import {
  CLUSTER_ROLE_BINDING_FIELDS,
  CLUSTER_ROLE_FIELDS,
  SECRET_FIELDS,
  CONFIG_MAP_FIELDS,
  SERVICE_ACCOUNT_FIELDS,
} from './accessSchema.ts';
import { ENDPOINT_SLICE_FIELDS, ENDPOINTS_FIELDS } from './endpointsSchema.ts';
import { labelSelector, objectMeta } from './metaSchema.ts';
import { podSpec } from './podSchema.ts';
import type { ObjectSchema, Schema } from './schemaTypes.ts';
import { persistentVolumeClaimSpec } from './volumeSchema.ts';
import {
  any,
  arr,
  bool,
  int32,
  int64,
  intOrString,
  map,
  named,
  obj,
  str,
  strings,
} from './schemaTypes.ts';

export type { ObjectSchema, Schema } from './schemaTypes.ts';
export { objectMeta } from './metaSchema.ts';
export { podSpec } from './podSchema.ts';

const labels = map(str);

const servicePort = obj('v1.ServicePort', {
  name: str,
  protocol: named('v1.Protocol'),
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
  type: named('v1.ServiceType'),
  externalIPs: strings,
  sessionAffinity: named('v1.ServiceAffinity'),
  loadBalancerIP: str,
  loadBalancerSourceRanges: strings,
  externalName: str,
  externalTrafficPolicy: named('v1.ServiceExternalTrafficPolicy'),
  healthCheckNodePort: int32,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: obj('v1.SessionAffinityConfig', {
    clientIP: obj('v1.ClientIPConfig', { timeoutSeconds: int32 }),
  }),
  ipFamilies: arr(named('v1.IPFamily')),
  ipFamilyPolicy: named('v1.IPFamilyPolicy'),
  allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: str,
  internalTrafficPolicy: named('v1.ServiceInternalTrafficPolicy'),
  trafficDistribution: str,
});

const podTemplateSpec = obj('v1.PodTemplateSpec', { metadata: objectMeta, spec: podSpec });

const deploymentSpec = obj('v1.DeploymentSpec', {
  replicas: int32,
  selector: labelSelector,
  template: podTemplateSpec,
  strategy: obj('v1.DeploymentStrategy', {
    type: named('v1.DeploymentStrategyType'),
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

const replicaSetSpec = obj('v1.ReplicaSetSpec', {
  replicas: int32,
  minReadySeconds: int32,
  selector: labelSelector,
  template: podTemplateSpec,
});

const daemonSetSpec = obj('v1.DaemonSetSpec', {
  selector: labelSelector,
  template: podTemplateSpec,
  updateStrategy: obj('v1.DaemonSetUpdateStrategy', {
    type: named('v1.DaemonSetUpdateStrategyType'),
    rollingUpdate: obj('v1.RollingUpdateDaemonSet', {
      maxUnavailable: intOrString,
      maxSurge: intOrString,
    }),
  }),
  minReadySeconds: int32,
  revisionHistoryLimit: int32,
});

const statefulSetSpec = obj('v1.StatefulSetSpec', {
  replicas: int32,
  selector: labelSelector,
  template: podTemplateSpec,
  volumeClaimTemplates: arr(
    obj('v1.PersistentVolumeClaim', {
      apiVersion: str,
      kind: str,
      metadata: objectMeta,
      spec: persistentVolumeClaimSpec,
      status: any,
    }),
  ),
  serviceName: str,
  podManagementPolicy: named('v1.PodManagementPolicyType'),
  updateStrategy: obj('v1.StatefulSetUpdateStrategy', {
    type: named('v1.StatefulSetUpdateStrategyType'),
    rollingUpdate: obj('v1.RollingUpdateStatefulSetStrategy', {
      partition: int32,
      maxUnavailable: intOrString,
    }),
  }),
  revisionHistoryLimit: int32,
  minReadySeconds: int32,
  persistentVolumeClaimRetentionPolicy: obj('v1.StatefulSetPersistentVolumeClaimRetentionPolicy', {
    whenDeleted: str,
    whenScaled: str,
  }),
  ordinals: obj('v1.StatefulSetOrdinals', { start: int32 }),
});

const podDisruptionBudgetSpec = obj('v1.PodDisruptionBudgetSpec', {
  minAvailable: intOrString,
  selector: labelSelector,
  maxUnavailable: intOrString,
  unhealthyPodEvictionPolicy: str,
});

const networkPolicyPort = obj('v1.NetworkPolicyPort', {
  protocol: named('v1.Protocol'),
  port: intOrString,
  endPort: int32,
});
const networkPolicyPeer = obj('v1.NetworkPolicyPeer', {
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: obj('v1.IPBlock', { cidr: str, except: strings }),
});
const networkPolicySpec = obj('v1.NetworkPolicySpec', {
  podSelector: labelSelector,
  ingress: arr(
    obj('v1.NetworkPolicyIngressRule', {
      ports: arr(networkPolicyPort),
      from: arr(networkPolicyPeer),
    }),
  ),
  egress: arr(
    obj('v1.NetworkPolicyEgressRule', {
      ports: arr(networkPolicyPort),
      to: arr(networkPolicyPeer),
    }),
  ),
  policyTypes: arr(named('v1.PolicyType')),
});

const jobSpec = obj('v1.JobSpec', {
  parallelism: int32,
  completions: int32,
  activeDeadlineSeconds: int64,
  backoffLimit: int32,
  selector: labelSelector,
  manualSelector: bool,
  template: podTemplateSpec,
  ttlSecondsAfterFinished: int32,
  completionMode: str,
  suspend: bool,
  podReplacementPolicy: str,
});

const top = (kind: string, fields: Record<string, Schema>): ObjectSchema =>
  obj(`v1.${kind}`, { apiVersion: str, kind: str, metadata: objectMeta, status: any, ...fields });
/** A kind without status (EndpointSlice, Endpoints): all its fields are the user's. */
const statusless = (kind: string, fields: Record<string, Schema>): ObjectSchema =>
  obj(`v1.${kind}`, { apiVersion: str, kind: str, metadata: objectMeta, ...fields });

/** Schemas of the kinds a user may apply. */
export const KIND_SCHEMAS: Readonly<Record<string, ObjectSchema>> = {
  Namespace: top('Namespace', {
    spec: obj('v1.NamespaceSpec', { finalizers: arr(named('v1.FinalizerName')) }),
  }),
  Pod: top('Pod', { spec: podSpec }),
  Deployment: top('Deployment', { spec: deploymentSpec }),
  ReplicaSet: top('ReplicaSet', { spec: replicaSetSpec }),
  Service: top('Service', { spec: serviceSpec }),
  EndpointSlice: statusless('EndpointSlice', ENDPOINT_SLICE_FIELDS),
  Endpoints: statusless('Endpoints', ENDPOINTS_FIELDS),
  DaemonSet: top('DaemonSet', { spec: daemonSetSpec }),
  Job: top('Job', { spec: jobSpec }),
  StatefulSet: top('StatefulSet', { spec: statefulSetSpec }),
  PodDisruptionBudget: top('PodDisruptionBudget', { spec: podDisruptionBudgetSpec }),
  NetworkPolicy: statusless('NetworkPolicy', { spec: networkPolicySpec }),
  ServiceAccount: statusless('ServiceAccount', SERVICE_ACCOUNT_FIELDS),
  Secret: statusless('Secret', SECRET_FIELDS),
  ConfigMap: statusless('ConfigMap', CONFIG_MAP_FIELDS),
  ClusterRole: statusless('ClusterRole', CLUSTER_ROLE_FIELDS),
  ClusterRoleBinding: statusless('ClusterRoleBinding', CLUSTER_ROLE_BINDING_FIELDS),
};
