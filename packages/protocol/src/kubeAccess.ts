// Identity and access objects (core v1 ServiceAccount and Secret, rbac.authorization.k8s.io/v1
// ClusterRole and ClusterRoleBinding), as l4lab's API stores and serves them for manifests like
// the agent's. The lab itself authorizes nothing by them: it stores them, validates them and
// serves them (kubectl apply, get, describe, delete); no token is minted for a ServiceAccount.
import type { ObjectMeta } from './kube.ts';

export interface ServiceAccount {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: ObjectMeta;
  secrets?: { name?: string; namespace?: string }[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  /** `Opaque` unless set; `kubernetes.io/service-account-token`, `kubernetes.io/tls`, ... */
  type?: string;
  /** Base64 values, by key; `stringData` is merged into it on write, as the API server does. */
  data?: Record<string, string>;
  immutable?: boolean;
}

/**
 * Configuration a pod reads (core v1 ConfigMap): its containers' variables (`configMapKeyRef`,
 * `envFrom`) and the files of a `configMap` volume.
 */
export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  /** UTF-8 values, by key. */
  data?: Record<string, string>;
  /** Base64 values, by key; no key in both maps. */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** One rule of a role: verbs on resources of API groups, or on non-resource URLs. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface ClusterRole {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRole';
  metadata: ObjectMeta;
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] };
}

export interface RbacSubject {
  kind: 'ServiceAccount' | 'User' | 'Group';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface ClusterRoleBinding {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRoleBinding';
  metadata: ObjectMeta;
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects?: RbacSubject[];
}
