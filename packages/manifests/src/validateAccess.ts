// ServiceAccount and Secret (pkg/apis/core/validation), ClusterRole and ClusterRoleBinding
// (pkg/apis/rbac/validation) validation, with Kubernetes' messages.
import { child, index, invalid, notSupported, required } from './fieldError.ts';
import { isDNS1123Subdomain, maxLenError, regexError } from './names.ts';
import type { FieldError } from './types.ts';
import { validateObjectMeta } from './validateMeta.ts';
import type { MetaShape } from './validateMeta.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** path.IsValidPathSegmentName: the names RBAC objects may have. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';

/** validation.IsConfigMapKey: a Secret's (or ConfigMap's) data key. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLenError(253));
  if (!new RegExp(`^${CONFIG_MAP_KEY_FMT}$`).test(key)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_MAP_KEY_FMT,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

export interface ServiceAccountShape {
  metadata?: MetaShape;
}

export function validateServiceAccount(sa: ServiceAccountShape): FieldError[] {
  return validateObjectMeta(sa.metadata ?? {}, true, isDNS1123Subdomain);
}

export interface SecretShape {
  metadata?: MetaShape;
  type?: string;
  data?: Record<string, string>;
}

/** core.MaxSecretSize: 1 MiB of decoded data. */
const MAX_SECRET_SIZE = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*$/;

/**
 * Where Go's base64.StdEncoding stops reading a value (`illegal base64 data at input byte N`),
 * or undefined when it decodes; the decoded length otherwise.
 */
export function base64Problem(value: string): { at: number } | { bytes: number } {
  const body = value.replace(/=+$/, '');
  const bad = [...body].findIndex((c) => !BASE64.test(c));
  if (bad >= 0) return { at: bad };
  const padding = value.length - body.length;
  if (value.length % 4 !== 0 || padding > 2 || body.length % 4 === 1)
    return { at: Math.max(0, value.length - (value.length % 4 || 4)) };
  return { bytes: Math.floor((body.length * 3) / 4) };
}

const REDACTED = '<secret contents redacted>';

/**
 * A map of []byte (a Secret's data, a ConfigMap's binaryData): each key a config key, each value
 * base64 (shown as `shown` gives it in the error). Returns the decoded bytes in all.
 */
export function validateBytesMap(
  field: string,
  map: Record<string, string>,
  shown: (value: string) => unknown,
  errs: FieldError[],
): number {
  let total = 0;
  for (const [key, value] of Object.entries(map)) {
    const path = `${field}[${key}]`;
    for (const msg of isConfigMapKey(key)) errs.push(invalid(path, key, msg));
    // JSON carries []byte as base64: the API server's decoder refuses anything else.
    const decoded = base64Problem(String(value));
    if ('at' in decoded)
      errs.push(invalid(path, shown(value), `illegal base64 data at input byte ${decoded.at}`));
    else total += decoded.bytes;
  }
  return total;
}

/** ValidateSecret: metadata, the keys and size of data, and what each well-known type requires. */
export function validateSecret(s: SecretShape): FieldError[] {
  const errs = validateObjectMeta(s.metadata ?? {}, true, isDNS1123Subdomain);
  const data = s.data ?? {};
  const total = validateBytesMap('data', data, () => REDACTED, errs);
  if (total > MAX_SECRET_SIZE) {
    errs.push({
      type: 'Too long',
      path: 'data',
      detail: `must have at most ${MAX_SECRET_SIZE} bytes`,
    });
  }
  const has = (key: string) => Object.hasOwn(data, key);
  const needs = (...keys: string[]) =>
    keys.filter((k) => !has(k)).forEach((k) => errs.push(required(`data[${k}]`)));
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name'])
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      needs('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      needs('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) needs('username', 'password');
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      needs('tls.crt', 'tls.key');
      break;
    default:
  }
  return errs;
}

export interface PolicyRuleShape {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface ClusterRoleShape {
  metadata?: MetaShape;
  rules?: PolicyRuleShape[];
  aggregationRule?: { clusterRoleSelectors?: unknown[] };
}

export function validateClusterRole(role: ClusterRoleShape): FieldError[] {
  const errs = validateObjectMeta(role.metadata ?? {}, false, isValidPathSegmentName);
  (role.rules ?? []).forEach((rule, i) => errs.push(...validatePolicyRule(rule, `rules[${i}]`)));
  if (role.aggregationRule && (role.aggregationRule.clusterRoleSelectors ?? []).length === 0) {
    errs.push(
      required(
        'aggregationRule.clusterRoleSelectors',
        'at least one clusterRoleSelector required if aggregationRule is non-nil',
      ),
    );
  }
  return errs;
}

/** ValidatePolicyRule of a cluster-scoped role. */
function validatePolicyRule(rule: PolicyRuleShape, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const count = (l: string[] | undefined) => (l ?? []).length;
  if (count(rule.verbs) === 0)
    errs.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
  if (count(rule.nonResourceURLs) > 0) {
    if (count(rule.apiGroups) + count(rule.resources) + count(rule.resourceNames) > 0) {
      errs.push(
        invalid(
          child(path, 'nonResourceURLs'),
          rule.nonResourceURLs,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return errs;
  }
  if (count(rule.apiGroups) === 0)
    errs.push(
      required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'),
    );
  if (count(rule.resources) === 0)
    errs.push(
      required(child(path, 'resources'), 'resource rules must supply at least one resource'),
    );
  return errs;
}

export interface ClusterRoleBindingShape {
  metadata?: MetaShape;
  roleRef?: { apiGroup?: string; kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string; apiGroup?: string }[];
}

export function validateClusterRoleBinding(b: ClusterRoleBindingShape): FieldError[] {
  const errs = validateObjectMeta(b.metadata ?? {}, false, isValidPathSegmentName);
  const ref = b.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP)
    errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (ref.kind !== 'ClusterRole')
    errs.push(notSupported('roleRef.kind', ref.kind ?? '', ['ClusterRole']));
  if (!ref.name) errs.push(required('roleRef.name'));
  else
    for (const msg of isValidPathSegmentName(ref.name))
      errs.push(invalid('roleRef.name', ref.name, msg));
  (b.subjects ?? []).forEach((s, i) => {
    const path = index('subjects', i);
    if (!s.name) errs.push(required(child(path, 'name')));
    switch (s.kind) {
      case 'ServiceAccount':
        for (const msg of s.name ? isDNS1123Subdomain(s.name) : [])
          errs.push(invalid(child(path, 'name'), s.name, msg));
        if (s.apiGroup) errs.push(notSupported(child(path, 'apiGroup'), s.apiGroup, ['']));
        if (!s.namespace) errs.push(required(child(path, 'namespace')));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP)
          errs.push(notSupported(child(path, 'apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        errs.push(
          notSupported(child(path, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']),
        );
    }
  });
  return errs;
}
