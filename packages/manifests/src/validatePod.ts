// PodSpec validation (pkg/apis/core/validation), for Pods and for a Deployment's pod template.
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  notSupported,
  required,
} from './fieldError.ts';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
} from './names.ts';
import type { FieldError } from './types.ts';
import { validateLabels } from './validateMeta.ts';
import {
  validateEnvFrom,
  validateEnvValueFrom,
  validateVolumeMounts,
  validateVolumes,
  type EnvFromShape,
  type EnvShape,
  type VolumeMountShape,
  type VolumeShape,
} from './validateVolumes.ts';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;

export interface ContainerShape {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: { name?: string; containerPort?: number; hostPort?: number; protocol?: string }[];
  env?: EnvShape[];
  envFrom?: EnvFromShape[];
  volumeMounts?: VolumeMountShape[];
}

export interface PodSpecShape {
  containers?: ContainerShape[];
  initContainers?: ContainerShape[];
  restartPolicy?: string;
  dnsPolicy?: string;
  nodeSelector?: Record<string, string>;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  activeDeadlineSeconds?: number;
  volumes?: VolumeShape[];
  topologySpreadConstraints?: {
    maxSkew?: number;
    topologyKey?: string;
    whenUnsatisfiable?: string;
    minDomains?: number;
    nodeAffinityPolicy?: string;
    nodeTaintsPolicy?: string;
  }[];
}

const UNSATISFIABLE_ACTIONS = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_INCLUSION_POLICIES = ['Honor', 'Ignore'];

/**
 * validateTopologySpreadConstraints: Kubernetes' checks, order and words for each constraint (a
 * repeated {topologyKey, whenUnsatisfiable} is reported at its first occurrence).
 */
function validateTopologySpread(
  list: NonNullable<PodSpecShape['topologySpreadConstraints']>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const pairOf = (c: (typeof list)[number]) =>
    `{${c.topologyKey ?? ''}, ${c.whenUnsatisfiable ?? ''}}`;
  list.forEach((c, i) => {
    const at = index(path, i);
    const maxSkew = c.maxSkew ?? 0;
    if (maxSkew <= 0)
      errs.push(invalid(child(at, 'maxSkew'), maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(child(at, 'topologyKey'), 'can not be empty'));
    const action = c.whenUnsatisfiable ?? '';
    if (!UNSATISFIABLE_ACTIONS.includes(action))
      errs.push(notSupported(child(at, 'whenUnsatisfiable'), action, UNSATISFIABLE_ACTIONS));
    if (list.slice(i + 1).some((d) => pairOf(d) === pairOf(c)))
      errs.push(duplicate(child(at, '{topologyKey, whenUnsatisfiable}'), pairOf(c)));
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0)
        errs.push(invalid(child(at, 'minDomains'), c.minDomains, 'must be greater than zero'));
      else if (action !== 'DoNotSchedule')
        errs.push(
          invalid(
            child(at, 'minDomains'),
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`,
          ),
        );
    }
    for (const key of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[key];
      if (v !== undefined && !NODE_INCLUSION_POLICIES.includes(v))
        errs.push(notSupported(child(at, key), v, NODE_INCLUSION_POLICIES));
    }
  });
  return errs;
}

/** `template` = a Deployment's pod template: restartPolicy must be Always, no activeDeadlineSeconds. */
export function validatePodSpec(spec: PodSpecShape, path: string, template: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const volumes = spec.volumes ?? [];
  errs.push(...validateVolumes(volumes, child(path, 'volumes')));
  const volumeNames = new Set(volumes.flatMap((v) => (v.name ? [v.name] : [])));
  (spec.initContainers ?? []).forEach((c, i) => {
    errs.push(...validateContainer(c, index(child(path, 'initContainers'), i), names, volumeNames));
  });
  const containers = spec.containers ?? [];
  if (containers.length === 0) errs.push(required(child(path, 'containers')));
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, index(child(path, 'containers'), i), names, volumeNames));
  });

  const restartPolicy = spec.restartPolicy;
  if (restartPolicy !== undefined && !RESTART_POLICIES.includes(restartPolicy)) {
    errs.push(notSupported(child(path, 'restartPolicy'), restartPolicy, RESTART_POLICIES));
  }
  if (template && restartPolicy !== undefined && restartPolicy !== 'Always') {
    errs.push(notSupported(child(path, 'restartPolicy'), restartPolicy, ['Always']));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(notSupported(child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  }
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(
    ...validateTopologySpread(
      spec.topologySpreadConstraints ?? [],
      child(path, 'topologySpreadConstraints'),
    ),
  );
  if (spec.nodeName) {
    for (const msg of isDNS1123Subdomain(spec.nodeName)) {
      errs.push(invalid(child(path, 'nodeName'), spec.nodeName, msg));
    }
  }
  for (const key of ['hostname', 'subdomain'] as const) {
    const value = spec[key];
    if (value)
      for (const msg of isDNS1123Label(value)) errs.push(invalid(child(path, key), value, msg));
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined) {
    if (template) {
      errs.push(
        forbidden(
          child(path, 'activeDeadlineSeconds'),
          'activeDeadlineSeconds in ReplicaSet is not Supported',
        ),
      );
    } else if (deadline < 1 || deadline > MAX_INT32) {
      errs.push(
        invalid(child(path, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32)),
      );
    }
  }
  return errs;
}

function validateContainer(
  c: ContainerShape,
  path: string,
  names: Set<string>,
  volumes: ReadonlySet<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  if (!c.name) {
    errs.push(required(namePath));
  } else {
    for (const msg of isDNS1123Label(c.name)) errs.push(invalid(namePath, c.name, msg));
    if (names.has(c.name)) errs.push(duplicate(namePath, c.name));
    names.add(c.name);
  }
  if (!c.image) errs.push(required(child(path, 'image')));
  const policy = c.imagePullPolicy;
  if (policy === '') errs.push(required(child(path, 'imagePullPolicy')));
  else if (policy !== undefined && !PULL_POLICIES.includes(policy)) {
    errs.push(notSupported(child(path, 'imagePullPolicy'), policy, PULL_POLICIES));
  }
  errs.push(...validateContainerPorts(c.ports ?? [], child(path, 'ports')));
  (c.env ?? []).forEach((e, i) => {
    const at = index(child(path, 'env'), i);
    if (!e.name) errs.push(required(child(at, 'name')));
    errs.push(...validateEnvValueFrom(e, at));
  });
  errs.push(...validateEnvFrom(c.envFrom ?? [], child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts ?? [], volumes, child(path, 'volumeMounts')));
  return errs;
}

function validateContainerPorts(
  ports: NonNullable<ContainerShape['ports']>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pPath = index(path, i);
    if (p.name) {
      const msgs = isValidPortName(p.name);
      for (const msg of msgs) errs.push(invalid(child(pPath, 'name'), p.name, msg));
      if (msgs.length === 0 && names.has(p.name))
        errs.push(duplicate(child(pPath, 'name'), p.name));
      names.add(p.name);
    }
    const containerPort = p.containerPort ?? 0;
    if (containerPort === 0) errs.push(required(child(pPath, 'containerPort')));
    else
      for (const msg of isValidPortNum(containerPort)) {
        errs.push(invalid(child(pPath, 'containerPort'), containerPort, msg));
      }
    if (p.hostPort) {
      for (const msg of isValidPortNum(p.hostPort))
        errs.push(invalid(child(pPath, 'hostPort'), p.hostPort, msg));
    }
    if (p.protocol === '' || p.protocol === undefined)
      errs.push(required(child(pPath, 'protocol')));
    else if (!(PROTOCOLS as readonly string[]).includes(p.protocol)) {
      errs.push(notSupported(child(pPath, 'protocol'), p.protocol, PROTOCOLS));
    }
  });
  return errs;
}
