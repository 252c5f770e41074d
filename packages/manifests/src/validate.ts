// Which kinds l4lab serves, and the API server's path for one object: decode (types, unknown fields),
// default, validate. validateObject is the positionless core that checkManifests builds on.
import type { KubeObject } from '@l4lab/protocol';
import { decodeObject, isRecord } from './decode.ts';
import type { DecodeError } from './decode.ts';
import { defaultRecord } from './defaults.ts';
import { forbidden, invalid, notSupported, required } from './fieldError.ts';
import { isDNS1123Label, isDNS1123Subdomain } from './names.ts';
import { KIND_SCHEMAS } from './schema.ts';
import type { FieldError } from './types.ts';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateSecret,
  validateServiceAccount,
} from './validateAccess.ts';
import type {
  ClusterRoleBindingShape,
  ClusterRoleShape,
  SecretShape,
  ServiceAccountShape,
} from './validateAccess.ts';
import { validateConfigMap } from './validateConfigMap.ts';
import type { ConfigMapShape } from './validateConfigMap.ts';
import { validateDaemonSet } from './validateDaemonSet.ts';
import { validateJob } from './validateJob.ts';
import { validateStatefulSet } from './validateStatefulSet.ts';
import { validateNetworkPolicy } from './validateNetworkPolicy.ts';
import type { NetworkPolicyShape } from './validateNetworkPolicy.ts';
import { validatePodDisruptionBudget } from './validatePodDisruptionBudget.ts';
import type { PodDisruptionBudgetShape } from './validatePodDisruptionBudget.ts';
import type { StatefulSetShape } from './validateStatefulSet.ts';
import type { JobShape } from './validateJob.ts';
import type { DaemonSetShape } from './validateDaemonSet.ts';
import { validateDeployment } from './validateDeployment.ts';
import type { DeploymentShape } from './validateDeployment.ts';
import { validateEndpoints, validateEndpointSlice } from './validateEndpoints.ts';
import type { EndpointsShape, EndpointSliceShape } from './validateEndpoints.ts';
import { validateReplicaSet } from './validateReplicaSet.ts';
import type { ReplicaSetShape } from './validateReplicaSet.ts';
import { validateObjectMeta } from './validateMeta.ts';
import type { MetaShape } from './validateMeta.ts';
import { validatePodSpec } from './validatePod.ts';
import type { PodSpecShape } from './validatePod.ts';
import { validateService } from './validateService.ts';
import type { ServiceShape } from './validateService.ts';

/** The kinds a user may apply, with the apiVersion l4lab serves each in. */
export const SERVED_KINDS: Readonly<Record<string, string>> = {
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  ConfigMap: 'v1',
  DaemonSet: 'apps/v1',
  Deployment: 'apps/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Endpoints: 'v1',
  Job: 'batch/v1',
  Namespace: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  Pod: 'v1',
  PodDisruptionBudget: 'policy/v1',
  ReplicaSet: 'apps/v1',
  Secret: 'v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  StatefulSet: 'apps/v1',
};

/** Kinds l4lab has but only its controllers write. */
const READ_ONLY_KINDS: Readonly<Record<string, string>> = {
  Node: 'nodes are part of the l4lab cluster itself and cannot be created or changed',
};

const VALIDATORS: Readonly<Record<string, (o: Record<string, unknown>) => FieldError[]>> = {
  Namespace: (o) => validateObjectMeta(meta(o), false, isDNS1123Label),
  Pod: (o) => [
    ...validateObjectMeta(meta(o), true, isDNS1123Subdomain),
    ...validatePodSpec(isRecord(o.spec) ? (o.spec as PodSpecShape) : {}, 'spec', false),
  ],
  Deployment: (o) => validateDeployment(o as DeploymentShape),
  ReplicaSet: (o) => validateReplicaSet(o as ReplicaSetShape),
  Service: (o) => validateService(o as ServiceShape),
  EndpointSlice: (o) => validateEndpointSlice(o as EndpointSliceShape),
  Endpoints: (o) => validateEndpoints(o as EndpointsShape),
  DaemonSet: (o) => validateDaemonSet(o as DaemonSetShape),
  Job: (o) => validateJob(o as JobShape),
  StatefulSet: (o) => validateStatefulSet(o as StatefulSetShape),
  PodDisruptionBudget: (o) => validatePodDisruptionBudget(o as PodDisruptionBudgetShape),
  NetworkPolicy: (o) => validateNetworkPolicy(o as NetworkPolicyShape),
  ServiceAccount: (o) => validateServiceAccount(o as ServiceAccountShape),
  Secret: (o) => validateSecret(o as SecretShape),
  ConfigMap: (o) => validateConfigMap(o as ConfigMapShape),
  ClusterRole: (o) => validateClusterRole(o as ClusterRoleShape),
  ClusterRoleBinding: (o) => validateClusterRoleBinding(o as ClusterRoleBindingShape),
};

function meta(o: Record<string, unknown>): MetaShape {
  return isRecord(o.metadata) ? (o.metadata as MetaShape) : {};
}

export interface KindProblem {
  error: FieldError;
  /** What kubectl would print, for checkManifests. */
  message: string;
  code: string;
}

/** A table's own entry: `constructor` or `__proto__` is a kind like any other, not a property. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Why l4lab cannot take an object of this apiVersion and kind, or undefined when it can. */
export function resolveKind(apiVersion: string, kind: string): KindProblem | undefined {
  const served = own(SERVED_KINDS, kind);
  const servedList = Object.entries(SERVED_KINDS)
    .map(([k, v]) => `${k} (${v})`)
    .join(', ');
  if (served === apiVersion) return undefined;
  const noMatch = `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`;
  if (served !== undefined) {
    return {
      error: notSupported('apiVersion', apiVersion, [served]),
      message: `${noMatch}: l4lab serves ${kind} in ${JSON.stringify(served)}`,
      code: 'L4_E_UNSUPPORTED_KIND',
    };
  }
  const readOnly = own(READ_ONLY_KINDS, kind);
  if (readOnly !== undefined) {
    return {
      error: forbidden('kind', readOnly),
      message: `${kind} objects are read-only in l4lab: ${readOnly}`,
      code: 'L4_E_READ_ONLY_KIND',
    };
  }
  const kinds = Object.keys(SERVED_KINDS);
  return {
    error: {
      ...notSupported('kind', kind, kinds),
      detail: `l4lab does not serve this kind; supported values: ${kinds.map((k) => JSON.stringify(k)).join(', ')}`,
    },
    message: `${noMatch}: l4lab does not serve this kind; it serves ${servedList}`,
    code: 'L4_E_UNSUPPORTED_KIND',
  };
}

export interface Inspection {
  /** The decoded, defaulted object (status dropped, as the API server resets it on create). */
  object?: KubeObject;
  errors: FieldError[];
  unknownFields: string[];
  kindProblem?: KindProblem;
  /** A value the API server cannot decode: it answers 400 and validates nothing. */
  decodeError?: DecodeError;
}

/** Decode, default and validate one object whose apiVersion and kind are strings. */
export function inspectObject(
  obj: Record<string, unknown>,
  apiVersion: string,
  kind: string,
): Inspection {
  const kindProblem = resolveKind(apiVersion, kind);
  const schema = KIND_SCHEMAS[kind];
  const validator = own(VALIDATORS, kind);
  if (kindProblem || !schema || !validator) {
    return { errors: kindProblem ? [kindProblem.error] : [], unknownFields: [], kindProblem };
  }
  const decoded = decodeObject(obj, schema);
  if (decoded.error) {
    const { path, value, message } = decoded.error;
    return {
      errors: [invalid(path, value, message)],
      unknownFields: decoded.unknownFields,
      decodeError: decoded.error,
    };
  }
  delete decoded.value.status;
  const defaulted = defaultRecord(decoded.value);
  const errors = validator(defaulted);
  // Decoded against the kind's schema, so it has the KubeObject shape (validity is in `errors`).
  const object = defaulted as unknown as KubeObject;
  return { object, errors, unknownFields: decoded.unknownFields };
}

/** Kubernetes validation of one object (after decoding and defaulting, as the API server does). */
export function validateObject(obj: unknown): FieldError[] {
  if (!isRecord(obj)) return [required('apiVersion'), required('kind')];
  const { apiVersion, kind } = obj;
  const missing: FieldError[] = [];
  if (typeof apiVersion !== 'string' || !apiVersion) missing.push(required('apiVersion'));
  if (typeof kind !== 'string' || !kind) missing.push(required('kind'));
  if (missing.length > 0 || typeof apiVersion !== 'string' || typeof kind !== 'string')
    return missing;
  return inspectObject(obj, apiVersion, kind).errors;
}
