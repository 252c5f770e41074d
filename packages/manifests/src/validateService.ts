// Service validation (pkg/apis/core/validation ValidateService) on a defaulted Service, plus the
// NodePort range check the API server's allocator makes (l4lab's range is fixed: 30000-32767).
import { LAB_LIMITS } from '@l4lab/protocol';
import { externallyAccessible } from './defaults.ts';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  notSupported,
  required,
  tooMany,
} from './fieldError.ts';
import { goServicePortKey } from './goLiteral.ts';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './names.ts';
import type { FieldError } from './types.ts';
import { validateLabels, validateObjectMeta } from './validateMeta.ts';
import type { MetaShape } from './validateMeta.ts';
import { PROTOCOLS } from './validatePod.ts';
import { ipFamilyAllocationErrors } from './validateIPFamilies.ts';
import { validatePortNumOrName, validateServiceIPs } from './validateServiceFields.ts';

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];
const MAX_AFFINITY_SECONDS = 86400;
const KUBELET_PORT = 10250;

export interface ServicePortShape {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceShape {
  metadata?: MetaShape;
  spec?: {
    type?: string;
    ports?: ServicePortShape[];
    selector?: Record<string, string>;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    externalIPs?: string[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    loadBalancerSourceRanges?: string[];
    allocateLoadBalancerNodePorts?: boolean;
    trafficDistribution?: string;
    ipFamilies?: string[];
    ipFamilyPolicy?: string;
  };
}

export function validateService(svc: ServiceShape): FieldError[] {
  const spec = svc.spec ?? {};
  // The registry allocates (and checks the IP families) before it validates the rest.
  const allocation = ipFamilyAllocationErrors(spec);
  if (allocation.length > 0) return allocation;
  const errs = validateObjectMeta(svc.metadata ?? {}, true, isDNS1035Label);
  const ports = spec.ports ?? [];
  const type = spec.type ?? '';
  const headless = spec.clusterIPs?.[0] === 'None';

  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((type === 'NodePort' || type === 'LoadBalancer') && headless) {
    errs.push(
      invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`),
    );
  }
  if (type === 'LoadBalancer') {
    ports.forEach((p, i) => {
      if (p.port === KUBELET_PORT) {
        errs.push(
          invalid(
            `spec.ports[${i}]`,
            p.port,
            `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`,
          ),
        );
      }
    });
  }
  if (type === 'ExternalName') errs.push(...validateExternalName(spec));

  if (ports.length > LAB_LIMITS.portsPerService) {
    // Each port is a listening frontend (several for a NodePort): the lab's file descriptors are
    // shared by every Service. One error, not one per port.
    errs.push(tooMany('spec.ports', ports.length, LAB_LIMITS.portsPerService));
    return errs;
  }
  const names = new Set<string>();
  ports.forEach((p, i) =>
    errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))),
  );
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateServiceIPs(spec));

  if (!type) errs.push(required('spec.type'));
  else if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  errs.push(...validateNodePorts(type, ports));

  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port ?? 0}`;
    if (seen.has(key))
      errs.push(duplicate(`spec.ports[${i}]`, goServicePortKey(p.protocol ?? '', p.port ?? 0)));
    seen.add(key);
  });

  if ((spec.loadBalancerSourceRanges ?? []).length > 0 && type !== 'LoadBalancer') {
    errs.push(
      forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"),
    );
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(
      forbidden(
        'spec.allocateLoadBalancerNodePorts',
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateExternalName(spec: NonNullable<ServiceShape['spec']>): FieldError[] {
  const errs: FieldError[] = [];
  if ((spec.clusterIPs ?? []).length > 0) {
    errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  }
  if ((spec.ipFamilies ?? []).length > 0) {
    errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
  }
  if (spec.ipFamilyPolicy !== undefined) {
    errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
  }
  // The value (a CNAME) may have a trailing dot to denote it as fully qualified.
  const cname = (spec.externalName ?? '').replace(/\.$/, '');
  if (!cname) errs.push(required('spec.externalName'));
  else
    for (const msg of isDNS1123Subdomain(cname))
      errs.push(invalid('spec.externalName', cname, msg));
  return errs;
}

function validateServicePort(
  p: ServicePortShape,
  requireName: boolean,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) {
    errs.push(required(child(path, 'name')));
  } else if (p.name) {
    for (const msg of isDNS1123Label(p.name)) errs.push(invalid(child(path, 'name'), p.name, msg));
    if (names.has(p.name)) errs.push(duplicate(child(path, 'name'), p.name));
    else names.add(p.name);
  }
  const port = p.port ?? 0;
  for (const msg of isValidPortNum(port)) errs.push(invalid(child(path, 'port'), port, msg));
  if (!p.protocol) errs.push(required(child(path, 'protocol')));
  else if (!(PROTOCOLS as readonly string[]).includes(p.protocol)) {
    errs.push(notSupported(child(path, 'protocol'), p.protocol, PROTOCOLS));
  }
  errs.push(...validatePortNumOrName(p.targetPort ?? 0, child(path, 'targetPort')));
  return errs;
}

function validateSessionAffinity(spec: NonNullable<ServiceShape['spec']>): FieldError[] {
  const affinity = spec.sessionAffinity ?? '';
  const path = 'spec.sessionAffinityConfig';
  if (!affinity) return [required('spec.sessionAffinity')];
  if (!AFFINITIES.includes(affinity))
    return [notSupported('spec.sessionAffinity', affinity, AFFINITIES)];
  if (affinity === 'None') {
    return spec.sessionAffinityConfig
      ? [forbidden(path, 'must not be set when session affinity is None')]
      : [];
  }
  const when = 'when session affinity type is ClientIP';
  const config = spec.sessionAffinityConfig;
  if (!config) return [required(path, when)];
  if (!config.clientIP) return [required(`${path}.clientIP`, when)];
  const timeout = config.clientIP.timeoutSeconds;
  const timeoutPath = `${path}.clientIP.timeoutSeconds`;
  if (timeout === undefined) return [required(timeoutPath, when)];
  if (timeout <= 0 || timeout > MAX_AFFINITY_SECONDS) {
    return [
      invalid(timeoutPath, timeout, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`),
    ];
  }
  return [];
}

function validateNodePorts(type: string, ports: ServicePortShape[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const nodePort = p.nodePort ?? 0;
    if (nodePort === 0) return;
    const path = `spec.ports[${i}].nodePort`;
    if (type === 'ClusterIP')
      errs.push(forbidden(path, "may not be used when `type` is 'ClusterIP'"));
    const key = `${p.protocol ?? ''}/${nodePort}`;
    if (seen.has(key)) errs.push(duplicate(path, nodePort));
    seen.add(key);
    const allocated = type === 'NodePort' || type === 'LoadBalancer';
    if (allocated && (nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max)) {
      errs.push(
        invalid(
          path,
          nodePort,
          'provided port is not in the valid range. The range of valid ports is ' +
            `${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
        ),
      );
    }
  });
  return errs;
}

function validateTrafficPolicies(spec: NonNullable<ServiceShape['spec']>): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp) {
      errs.push(
        invalid(
          'spec.externalTrafficPolicy',
          etp,
          'may only be set for externally-accessible services',
        ),
      );
    }
  } else if (!etp) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(etp)) {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, TRAFFIC_POLICIES));
  }
  const hc = spec.healthCheckNodePort ?? 0;
  if (hc !== 0) {
    if (spec.type !== 'LoadBalancer' || etp !== 'Local') {
      errs.push(
        invalid(
          'spec.healthCheckNodePort',
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    } else {
      for (const msg of isValidPortNum(hc)) errs.push(invalid('spec.healthCheckNodePort', hc, msg));
    }
  }
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type ?? '')) {
    errs.push(
      required(
        'spec.internalTrafficPolicy',
        "must be specified when `type` is set to 'NodePort', 'LoadBalancer' or 'ClusterIP'",
      ),
    );
  } else if (itp !== undefined && !TRAFFIC_POLICIES.includes(itp)) {
    errs.push(notSupported('spec.internalTrafficPolicy', itp, TRAFFIC_POLICIES));
  }
  const td = spec.trafficDistribution;
  if (td !== undefined && !TRAFFIC_DISTRIBUTIONS.includes(td)) {
    errs.push(notSupported('spec.trafficDistribution', td, TRAFFIC_DISTRIBUTIONS));
  }
  return errs;
}
