// ObjectMeta and the small types pods, volumes and workloads share.
// Generated once from the Kubernetes OpenAPI (the v1 models of @kubernetes/client-node, less what
// v1.32 does not have), with the Go names of named types (v1.Protocol, v1.ResourceList) that the
// API server's decoding errors print. Edit by hand from here on; descriptions: fieldDocs.ts, podFieldDocs.ts.
import {
  any,
  arr,
  bool,
  int64,
  map,
  named,
  obj,
  quantity,
  str,
  strings,
  time,
} from './schemaTypes.ts';

export const labelSelectorRequirement = obj('v1.LabelSelectorRequirement', {
  key: str,
  operator: named('v1.LabelSelectorOperator'),
  values: strings,
});

export const labelSelector = obj('v1.LabelSelector', {
  matchExpressions: arr(labelSelectorRequirement),
  matchLabels: map(str),
});

export const objectFieldSelector = obj('v1.ObjectFieldSelector', {
  apiVersion: str,
  fieldPath: str,
});

export const resourceFieldSelector = obj('v1.ResourceFieldSelector', {
  containerName: str,
  divisor: quantity,
  resource: str,
});

export const localObjectReference = obj('v1.LocalObjectReference', {
  name: str,
});

export const managedFieldsEntry = obj('v1.ManagedFieldsEntry', {
  apiVersion: str,
  fieldsType: str,
  fieldsV1: any,
  manager: str,
  operation: named('v1.ManagedFieldsOperationType'),
  subresource: str,
  time: time,
});

export const ownerReference = obj('v1.OwnerReference', {
  apiVersion: str,
  blockOwnerDeletion: bool,
  controller: bool,
  kind: str,
  name: str,
  uid: named('types.UID'),
});

export const objectMeta = obj('v1.ObjectMeta', {
  annotations: map(str),
  creationTimestamp: time,
  deletionGracePeriodSeconds: int64,
  deletionTimestamp: time,
  finalizers: strings,
  generateName: str,
  generation: int64,
  labels: map(str),
  managedFields: arr(managedFieldsEntry),
  name: str,
  namespace: str,
  ownerReferences: arr(ownerReference),
  resourceVersion: str,
  selfLink: str,
  uid: named('types.UID'),
});
