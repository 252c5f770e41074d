// Kubernetes defaulting (pkg/apis/*/v1/defaults.go) plus what kubectl and the API server's create
// strategy fill in (namespace `default`, clusterIPs from clusterIP). Never mutates its input.
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import type { KubeKind, KubeObject } from '@l4lab/protocol';
import { isRecord } from './decode.ts';

type Obj = Record<string, unknown>;

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

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
  if (kind === 'Pod') defaultPodSpec(ensure(o, 'spec'));
  if (kind === 'Deployment') defaultDeployment(ensure(o, 'spec'));
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
  const template = spec.template;
  if (isRecord(template) && isRecord(template.spec)) defaultPodSpec(template.spec);
}

function defaultPodSpec(spec: Obj): void {
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  for (const container of [...records(spec.initContainers), ...records(spec.containers)]) {
    if (!container.imagePullPolicy) {
      const image = typeof container.image === 'string' ? container.image : '';
      container.imagePullPolicy = imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
    }
    for (const port of records(container.ports)) {
      if (!port.protocol) port.protocol = 'TCP';
    }
  }
}

/** The tag of an image reference; `latest` when it has neither tag nor digest (docker's rule). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
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
