// The fields of ServiceAccount, Secret (core v1), ClusterRole and ClusterRoleBinding
// (rbac.authorization.k8s.io/v1), from the Kubernetes API reference's v1.32 models, with their Go
// type names for the decoder's messages.
import { labelSelector, localObjectReference } from './metaSchema.ts';
import type { Schema } from './schemaTypes.ts';
import { arr, bool, map, obj, str, strings } from './schemaTypes.ts';

const objectReference = obj('v1.ObjectReference', {
  apiVersion: str,
  fieldPath: str,
  kind: str,
  name: str,
  namespace: str,
  resourceVersion: str,
  uid: str,
});

export const SERVICE_ACCOUNT_FIELDS: Record<string, Schema> = {
  automountServiceAccountToken: bool,
  imagePullSecrets: arr(localObjectReference),
  secrets: arr(objectReference),
};

/** `data` is `map[string][]byte` (base64 in JSON): its values are checked by validateSecret. */
export const SECRET_FIELDS: Record<string, Schema> = {
  data: map(str),
  stringData: map(str),
  type: str,
  immutable: bool,
};

export const CONFIG_MAP_FIELDS: Record<string, Schema> = {
  data: map(str),
  binaryData: map(str),
  immutable: bool,
};

const policyRule = obj('v1.PolicyRule', {
  apiGroups: strings,
  nonResourceURLs: strings,
  resourceNames: strings,
  resources: strings,
  verbs: strings,
});

export const CLUSTER_ROLE_FIELDS: Record<string, Schema> = {
  rules: arr(policyRule),
  aggregationRule: obj('v1.AggregationRule', { clusterRoleSelectors: arr(labelSelector) }),
};

export const CLUSTER_ROLE_BINDING_FIELDS: Record<string, Schema> = {
  roleRef: obj('v1.RoleRef', { apiGroup: str, kind: str, name: str }),
  subjects: arr(obj('v1.Subject', { apiGroup: str, kind: str, name: str, namespace: str })),
};
