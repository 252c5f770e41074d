// Pod spec defaulting (pkg/apis/core/v1/defaults.go): SetDefaults_PodSpec for a Pod and for a pod
// template; SetDefaults_Pod only for a Pod (enableServiceLinks, requests from limits, host ports
// of a host-network pod), so a Deployment's template stays as the user wrote it there.
import { isRecord } from './decode.ts';

type Obj = Record<string, unknown>;

/** The volume sources a volume may name (the first one set is the volume's source). */
const DEFAULT_MODE_SOURCES = ['secret', 'configMap', 'projected', 'downwardAPI'];
/** 0644, the mode of the files of secret, configMap, projected and downwardAPI volumes. */
const DEFAULT_FILE_MODE = 0o644;
const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

export function defaultPodSpec(spec: Obj, pod: boolean): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (spec.securityContext === undefined) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  // v1's deprecated `serviceAccount` is an alias: read when the name is unset, written back always.
  if (!spec.serviceAccountName && typeof spec.serviceAccount === 'string' && spec.serviceAccount)
    spec.serviceAccountName = spec.serviceAccount;
  // The ServiceAccount admission plugin: a pod names none, it runs as `default`.
  if (pod && !spec.serviceAccountName) spec.serviceAccountName = 'default';
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const containers = [
    ...records(spec.initContainers),
    ...records(spec.containers),
    ...records(spec.ephemeralContainers),
  ];
  for (const c of containers) defaultContainer(c);
  for (const v of records(spec.volumes)) defaultVolume(v);
  if (!pod) return;
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  for (const c of [...records(spec.initContainers), ...records(spec.containers)]) {
    defaultRequestsToLimits(c);
    if (spec.hostNetwork === true) defaultHostPorts(c);
  }
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) {
    const image = typeof c.image === 'string' ? c.image : '';
    c.imagePullPolicy = imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of records(c.ports)) if (!port.protocol) port.protocol = 'TCP';
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (isRecord(c[probe])) defaultProbe(c[probe]);
  }
  if (isRecord(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const handler = c.lifecycle[hook];
      if (isRecord(handler) && isRecord(handler.httpGet)) defaultHTTPGet(handler.httpGet);
    }
  }
  for (const env of records(c.env)) {
    const from = env.valueFrom;
    if (isRecord(from)) defaultFieldRefs(from);
  }
}

function defaultProbe(p: Obj): void {
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  if (isRecord(p.httpGet)) defaultHTTPGet(p.httpGet);
}

function defaultHTTPGet(h: Obj): void {
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

/** An env var's or a downwardAPI file's fieldRef / resourceFieldRef. */
function defaultFieldRefs(source: Obj): void {
  if (isRecord(source.fieldRef) && !source.fieldRef.apiVersion) source.fieldRef.apiVersion = 'v1';
  // A Quantity is a struct in Go: an unset divisor is stored (and shown) as "0".
  const resource = source.resourceFieldRef;
  if (isRecord(resource) && resource.divisor === undefined) resource.divisor = '0';
}

/** A volume without a source is an emptyDir; file modes and token lifetimes get their defaults. */
function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined);
  if (sources.length === 0) v.emptyDir = {};
  for (const source of DEFAULT_MODE_SOURCES) {
    const s = v[source];
    if (isRecord(s) && s.defaultMode === undefined) s.defaultMode = DEFAULT_FILE_MODE;
  }
  if (isRecord(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isRecord(v.downwardAPI))
    for (const item of records(v.downwardAPI.items)) defaultFieldRefs(item);
  if (isRecord(v.projected)) {
    for (const p of records(v.projected.sources)) {
      const token = p.serviceAccountToken;
      if (isRecord(token) && token.expirationSeconds === undefined) {
        token.expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS;
      }
      if (isRecord(p.downwardAPI))
        for (const item of records(p.downwardAPI.items)) defaultFieldRefs(item);
    }
  }
}

/** A limit without a request is also the request (a Pod's containers only). */
function defaultRequestsToLimits(c: Obj): void {
  const resources = c.resources;
  if (!isRecord(resources) || !isRecord(resources.limits)) return;
  const requests = isRecord(resources.requests) ? resources.requests : {};
  for (const [name, value] of Object.entries(resources.limits)) {
    if (!(name in requests)) requests[name] = value;
  }
  resources.requests = requests;
}

/** On the host's network a container port is also a host port. */
function defaultHostPorts(c: Obj): void {
  for (const port of records(c.ports)) {
    if (port.hostPort === undefined || port.hostPort === 0) port.hostPort = port.containerPort;
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

function records(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
