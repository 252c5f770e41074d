// Kubernetes defaulting (pkg/apis/*/v1/defaults.go) plus what kubectl and the API server's create
// strategy fill in (namespace `default`, clusterIPs from clusterIP). Never mutates its input.
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import type { KubeKind, KubeObject } from '@l4lab/protocol';
import { isRecord } from './decode.ts';
import { isIPv4 } from './names.ts';
import { defaultPodSpec } from './podDefaults.ts';

export { imageTag } from './podDefaults.ts';

type Obj = Record<string, unknown>;

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
/** The label the API server keeps on every Namespace, set to its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function applyDefaults<T extends KubeObject>(obj: T): T {
  const copy: T = structuredClone(obj);
  if (isRecord(copy)) defaultObject(copy);
  return copy;
}

/** applyDefaults for a decoded plain object: a defaulted copy. */
export function defaultRecord(obj: Obj): Obj {
  const copy = structuredClone(obj);
  defaultObject(copy);
  return copy;
}

function defaultObject(o: Obj): void {
  const kind = typeof o.kind === 'string' ? o.kind : '';
  const metadata = ensure(o, 'metadata');
  if (CLUSTER_SCOPED.has(kind as KubeKind)) delete metadata.namespace;
  else if (!metadata.namespace) metadata.namespace = DEFAULT_NAMESPACE;
  // In Go `spec` is a struct, never nil: an object without one is defaulted like an empty spec.
  if (kind === 'Service') defaultService(ensure(o, 'spec'));
  if (kind === 'Pod') defaultPodSpec(ensure(o, 'spec'), true);
  if (kind === 'Deployment') defaultDeployment(ensure(o, 'spec'));
  if (kind === 'ReplicaSet') defaultReplicaSet(ensure(o, 'spec'));
  if (kind === 'EndpointSlice') defaultEndpointSlice(o);
  if (kind === 'Endpoints') {
    for (const subset of records(o.subsets))
      for (const p of records(subset.ports)) defaultEndpointPort(p, false);
  }
  if (kind === 'Namespace') defaultNamespace(metadata);
  if (kind === 'DaemonSet') defaultDaemonSet(ensure(o, 'spec'));
  if (kind === 'Job') defaultJob(o, ensure(o, 'spec'));
  if (kind === 'StatefulSet') defaultStatefulSet(ensure(o, 'spec'));
  if (kind === 'Secret') defaultSecret(o);
  if (kind === 'NetworkPolicy') defaultNetworkPolicy(ensure(o, 'spec'));
  if (kind === 'ClusterRoleBinding') for (const s of records(o.subjects)) defaultSubject(s);
}

/**
 * networking/v1 SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort: every policy is about
 * Ingress, and about Egress too when it has egress rules; a port's protocol is TCP. The pod
 * selector is a struct in Go: `{}` when not given.
 */
function defaultNetworkPolicy(spec: Obj): void {
  if (!isRecord(spec.podSelector)) spec.podSelector = {};
  for (const key of ['ingress', 'egress'])
    for (const rule of records(spec[key]))
      for (const p of records(rule.ports)) if (p.protocol === undefined) p.protocol = 'TCP';
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0)
    spec.policyTypes =
      Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * batch/v1 SetDefaults_Job: completions and parallelism 1 when neither is set (parallelism 1 when
 * it alone is not), backoffLimit 6, NonIndexed, not suspended, pods replaced once terminating or
 * failed; the Job takes its template's labels when it has none. A Job's pod template keeps an
 * unset restartPolicy (validation asks for OnFailure or Never).
 */
function defaultJob(o: Obj, spec: Obj): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism === undefined) spec.parallelism = 1;
  if (spec.backoffLimit === undefined) spec.backoffLimit = 6;
  if (spec.completionMode === undefined) spec.completionMode = 'NonIndexed';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.podReplacementPolicy === undefined) spec.podReplacementPolicy = 'TerminatingOrFailed';
  const template = spec.template;
  if (!isRecord(template)) return;
  const labels = isRecord(template.metadata) ? template.metadata.labels : undefined;
  const metadata = ensure(o, 'metadata');
  if (isRecord(labels) && (!isRecord(metadata.labels) || Object.keys(metadata.labels).length === 0))
    metadata.labels = { ...labels };
  if (isRecord(template.spec)) {
    const unset = template.spec.restartPolicy === undefined;
    defaultPodSpec(template.spec, false);
    if (unset) delete template.spec.restartPolicy;
  }
}

/**
 * apps/v1 SetDefaults_StatefulSet: OrderedReady, RollingUpdate from partition 0, claims retained,
 * 1 replica, 10 revisions kept; each volume claim template is a v1 PersistentVolumeClaim
 * (Filesystem, status Pending), as `kubectl get sts -o yaml` shows it.
 */
function defaultStatefulSet(spec: Obj): void {
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const strategy = ensure(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    ensure(strategy, 'rollingUpdate');
  }
  if (strategy.type === 'RollingUpdate' && isRecord(strategy.rollingUpdate)) {
    if (strategy.rollingUpdate.partition === undefined) strategy.rollingUpdate.partition = 0;
  }
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  if (spec.replicas === undefined) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  for (const claim of records(spec.volumeClaimTemplates)) {
    if (claim.apiVersion === undefined) claim.apiVersion = 'v1';
    if (claim.kind === undefined) claim.kind = 'PersistentVolumeClaim';
    const claimSpec = ensure(claim, 'spec');
    if (claimSpec.volumeMode === undefined) claimSpec.volumeMode = 'Filesystem';
    if (!isRecord(claim.status)) claim.status = { phase: 'Pending' };
  }
  const template = spec.template;
  if (isRecord(template) && isRecord(template.spec)) defaultPodSpec(template.spec, false);
}

/** apps/v1 SetDefaults_DaemonSet: RollingUpdate (maxUnavailable 1, maxSurge 0), 10 revisions kept. */
function defaultDaemonSet(spec: Obj): void {
  const strategy = ensure(spec, 'updateStrategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensure(strategy, 'rollingUpdate');
    if (rollingUpdate.maxUnavailable === undefined) rollingUpdate.maxUnavailable = 1;
    if (rollingUpdate.maxSurge === undefined) rollingUpdate.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  const template = spec.template;
  if (isRecord(template) && isRecord(template.spec)) defaultPodSpec(template.spec, false);
}

/**
 * SetDefaults_Secret (type Opaque) and the v1 conversion: `stringData` is merged into `data`
 * (base64 of its UTF-8), overwriting, and is never stored.
 */
function defaultSecret(o: Obj): void {
  if (!o.type) o.type = 'Opaque';
  if (!isRecord(o.stringData)) return;
  const data = isRecord(o.data) ? o.data : {};
  for (const [k, v] of Object.entries(o.stringData)) {
    if (typeof v === 'string') data[k] = base64OfText(v);
  }
  o.data = data;
  delete o.stringData;
}

function base64OfText(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** rbac/v1 SetDefaults_Subject: Users and Groups are of the RBAC group, ServiceAccounts of "". */
function defaultSubject(s: Obj): void {
  if (s.apiGroup !== undefined && s.apiGroup !== '') return;
  if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
}

/** SetDefaults_Namespace: the immutable `kubernetes.io/metadata.name` label, always the name. */
function defaultNamespace(metadata: Obj): void {
  if (typeof metadata.name !== 'string' || metadata.name === '') return;
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  metadata.labels = { ...labels, [NAMESPACE_NAME_LABEL]: metadata.name };
}

/**
 * A slice's ports get their defaults; its lists are kept as empty lists where Go keeps nil (the
 * API shows `null`), so readers of a slice written by hand always find both.
 */
function defaultEndpointSlice(o: Obj): void {
  if (!Array.isArray(o.endpoints)) o.endpoints = [];
  if (!Array.isArray(o.ports)) o.ports = [];
  for (const p of records(o.ports)) defaultEndpointPort(p, true);
}

/** An endpoint port's protocol is TCP unless set; a slice's port name is "" unless set. */
function defaultEndpointPort(port: Obj, slice: boolean): void {
  if (!port.protocol) port.protocol = 'TCP';
  if (slice && port.name === undefined) port.name = '';
}

/** ClusterIP, NodePort, LoadBalancer with externalIPs: reachable from outside the cluster. */
export function externallyAccessible(spec: Obj): boolean {
  const type = spec.type;
  const externalIPs = spec.externalIPs;
  return (
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0)
  );
}

function defaultService(spec: Obj): void {
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = isRecord(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = config && isRecord(config.clientIP) ? config.clientIP : undefined;
    if (clientIP?.timeoutSeconds === undefined) {
      spec.sessionAffinityConfig = {
        clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS },
      };
    }
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const port of records(spec.ports)) {
    if (!port.protocol) port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port ?? 0;
    }
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) {
    spec.externalTrafficPolicy = 'Cluster';
  }
  if (spec.internalTrafficPolicy === undefined && spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy = 'Cluster';
  }
  const clusterIPs = spec.clusterIPs;
  if (spec.clusterIP && (!Array.isArray(clusterIPs) || clusterIPs.length === 0)) {
    spec.clusterIPs = [spec.clusterIP];
  }
  defaultIPFamilies(spec);
}

/**
 * The registry's initIPFamilyFields on a single-stack IPv4 cluster: ExternalName gets no family;
 * a headless Service without selector is RequireDualStack with both families (the one exception
 * a single-stack cluster allows); any other is SingleStack (unless asked) with the family of its
 * cluster IP, or IPv4. An address of a family the cluster has not is left for validation to refuse.
 */
function defaultIPFamilies(spec: Obj): void {
  if (spec.type === 'ExternalName') return;
  const headlessWithoutSelector =
    spec.clusterIP === 'None' &&
    (!isRecord(spec.selector) || Object.keys(spec.selector).length === 0);
  if (spec.ipFamilyPolicy === undefined) {
    spec.ipFamilyPolicy = headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack';
  }
  const families: unknown[] = Array.isArray(spec.ipFamilies) ? [...spec.ipFamilies] : [];
  const clusterIPs: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  for (const [i, ip] of clusterIPs.entries()) {
    if (ip === 'None') break;
    if (i < families.length) continue;
    // Two addresses of one family, or one of a family the cluster has not: validation refuses.
    if (typeof ip !== 'string' || !isIPv4(ip) || families.includes('IPv4')) return;
    families.push('IPv4');
  }
  if (families.length === 0) families.push('IPv4');
  if (headlessWithoutSelector && families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') {
    families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  }
  spec.ipFamilies = families;
}

function defaultDeployment(spec: Obj): void {
  if (spec.replicas === undefined) spec.replicas = 1;
  const strategy = ensure(spec, 'strategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensure(strategy, 'rollingUpdate');
    if (rollingUpdate.maxUnavailable === undefined) rollingUpdate.maxUnavailable = '25%';
    if (rollingUpdate.maxSurge === undefined) rollingUpdate.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  const template = spec.template;
  if (isRecord(template) && isRecord(template.spec)) defaultPodSpec(template.spec, false);
}

/** apps/v1 SetDefaults_ReplicaSet: one replica unless set; the pod template's defaults. */
function defaultReplicaSet(spec: Obj): void {
  if (spec.replicas === undefined) spec.replicas = 1;
  const template = spec.template;
  if (isRecord(template) && isRecord(template.spec)) defaultPodSpec(template.spec, false);
}

function ensure(o: Obj, key: string): Obj {
  const existing = o[key];
  if (isRecord(existing)) return existing;
  const created: Obj = {};
  o[key] = created;
  return created;
}

function records(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
