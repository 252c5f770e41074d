// What each role may do, decided as the API server's RBAC authorizer would answer it, with its
// `Forbidden` wording, so the real kubectl prints what it prints on a cluster:
//   Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in
//   API group "" in the namespace "default"
// - instructor: everything;
// - viewer (the projector): get, list and watch of everything (pods' logs too), no write;
// - student: everything inside their own namespace; get, list and watch of Nodes and of their own
//   Namespace (so `kubectl get nodes -o wide` shows where a NodePort listens); nothing else.
import type { WorkshopUser } from '@l4lab/protocol';

/** The attributes of one request, as the API server's authorizer sees them. */
export interface RequestAttributes {
  verb: string;
  /** `pods`, `deployments` (plural). */
  resource: string;
  /** `''` for the core group. */
  group: string;
  subresource?: string;
  /** Undefined: cluster scope (a cluster-scoped resource, or a list across namespaces). */
  namespace?: string;
  name?: string;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** undefined when allowed; else the Forbidden message. */
export function forbiddenReason(user: WorkshopUser, a: RequestAttributes): string | undefined {
  if (allowed(user, a)) return undefined;
  return forbiddenMessage(user, a);
}

function allowed(user: WorkshopUser, a: RequestAttributes): boolean {
  if (user.role === 'instructor') return true;
  // The view role's reads include subresources (pods/log, deployments/scale); exec is a create.
  if (user.role === 'viewer') return READ_VERBS.has(a.verb);
  const reading = READ_VERBS.has(a.verb) && a.subresource === undefined;
  const own = ownedNamespaces(user);
  if (own.length === 0) return false;
  if (a.resource === 'nodes' && a.group === '') return reading;
  if (a.resource === 'namespaces' && a.group === '') {
    // Their own namespace is read; the ones lessons make for them are theirs to create and delete.
    if (a.name === user.namespace) return reading;
    return a.name !== undefined && own.includes(a.name) && a.subresource === undefined;
  }
  return a.namespace !== undefined && own.includes(a.namespace);
}

/** The namespaces a student owns (theirs and their lessons'); none for other roles. */
export function ownedNamespaces(user: WorkshopUser): string[] {
  if (user.role !== 'student') return [];
  return user.namespaces ?? (user.namespace ? [user.namespace] : []);
}

/** `pods "x" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"` */
export function forbiddenMessage(user: WorkshopUser, a: RequestAttributes): string {
  // RBAC authorizes a create before the object exists: its message names no object.
  const what =
    a.name !== undefined && a.verb !== 'create' ? `${a.resource} "${a.name}"` : a.resource;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope =
    a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return (
    `${what} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" ` +
    `in API group "${a.group}" ${scope}`
  );
}

/**
 * The user as the API server's authenticator names them (`kubectl auth whoami`): the name the
 * Forbidden messages use, the group of their role, and every authenticated user's group.
 */
export function kubernetesUser(user: WorkshopUser): { username: string; groups: string[] } {
  return { username: user.name, groups: [`l4lab:${user.role}`, 'system:authenticated'] };
}

/** One RBAC PolicyRule, as a SelfSubjectRulesReview lists it. */
export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

export interface UserRules {
  resourceRules: ResourceRule[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
}

const READ = ['get', 'list', 'watch'];
/** system:basic-user's: everyone may ask who they are and what they may do. */
const BASIC_USER: ResourceRule[] = [
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];
/**
 * system:discovery's and system:public-info-viewer's: the paths every client reads before anything
 * else, and the health checks.
 */
const DISCOVERY = {
  verbs: ['get'],
  nonResourceURLs: [
    '/api',
    '/api/*',
    '/apis',
    '/apis/*',
    '/healthz',
    '/livez',
    '/openapi',
    '/openapi/*',
    '/readyz',
    '/version',
    '/version/',
  ],
};

/**
 * What `user` may do in `namespace`, as RBAC rules (`kubectl auth can-i --list`): the same
 * decisions as `allowed` above, written as the rules a cluster would hold for the role.
 */
export function rulesOf(user: WorkshopUser, namespace: string): UserRules {
  if (user.role === 'instructor') {
    return {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...BASIC_USER],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    };
  }
  if (user.role === 'viewer') {
    return {
      resourceRules: [{ verbs: READ, apiGroups: ['*'], resources: ['*'] }, ...BASIC_USER],
      nonResourceRules: [DISCOVERY],
    };
  }
  const own = ownedNamespaces(user);
  const rules: ResourceRule[] = [];
  if (own.includes(namespace)) rules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  if (own.length > 0) {
    rules.push({ verbs: READ, apiGroups: [''], resources: ['nodes'] });
    if (user.namespace)
      rules.push({
        verbs: READ,
        apiGroups: [''],
        resources: ['namespaces'],
        resourceNames: [user.namespace],
      });
    const lessons = own.filter((n) => n !== user.namespace);
    if (lessons.length)
      rules.push({
        verbs: ['*'],
        apiGroups: [''],
        resources: ['namespaces'],
        resourceNames: lessons,
      });
  }
  return { resourceRules: [...rules, ...BASIC_USER], nonResourceRules: [DISCOVERY] };
}

/** Whether `rules` allow a request in `namespace`, as RBAC matches them (for the tests' cross-check). */
export function rulesAllow(rules: UserRules, a: RequestAttributes): boolean {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return rules.resourceRules.some(
    (r) =>
      (r.verbs.includes('*') || r.verbs.includes(a.verb)) &&
      (r.apiGroups.includes('*') || r.apiGroups.includes(a.group)) &&
      (r.resources.includes('*') || r.resources.includes(resource)) &&
      (!r.resourceNames || (a.name !== undefined && r.resourceNames.includes(a.name))),
  );
}
