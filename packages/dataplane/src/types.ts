import type { ConnectionEvent } from '@l4lab/protocol';

/** `namespace/name:portName` (portName '' for an unnamed port), as kube-proxy's ServicePortName. */
export type ServicePortName = string;

export function servicePortName(namespace: string, name: string, port: string): ServicePortName {
  return `${namespace}/${name}:${port}`;
}

/** One Service port as the data plane needs it (kube-proxy's ServicePort). */
export interface ServicePortInfo {
  name: ServicePortName;
  namespace: string;
  service: string;
  /** The ServicePort's name, or its number when unnamed (for events). */
  portName: string | number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress IPs. */
  loadBalancerIPs: string[];
  /** Parsed loadBalancerSourceRanges ([] = everyone). */
  loadBalancerSourceRanges: { base: number; mask: number; text: string }[];
  /** ClientIP affinity timeout in seconds, or 0 for sessionAffinity None. */
  affinityTimeoutSeconds: number;
  externalTrafficPolicy: 'Cluster' | 'Local';
  internalTrafficPolicy: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  /** l4lab.dev/proxy-mode annotation, when set. */
  proxyMode?: string;
  /**
   * What the Service asks of topology, as its reasons say it: `trafficDistribution PreferClose`,
   * `topology-mode Auto`; unset when it asks nothing (hints written by hand still count).
   */
  topology?: string;
}

/** A virtual node as kube-proxy on it knows itself. */
export interface NodeInfo {
  name: string;
  ip: string;
  /** Pod CIDR as [base, size] (to tell which node a pod client lives on). */
  podCIDR: { base: number; size: number };
  ready: boolean;
  /** Its `topology.kubernetes.io/zone` label (kube-proxy's topologyLabels). */
  zone?: string;
}

/** One endpoint of a Service port (kube-proxy's Endpoint). */
export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName: string;
  pod: string;
  namespace: string;
  /** The zones and nodes its slice hints it for (empty: no hint). */
  zoneHints?: readonly string[];
  nodeHints?: readonly string[];
}

/** What every data plane backend implements (userspace first, nftables later). */
export interface Provider {
  readonly name: string;
  /** Applies pending Service / EndpointSlice changes (kube-proxy's syncProxyRules). */
  syncProxyRules(): Promise<void> | void;
  /** Closes every listener; established connections are left to finish unless `force`. */
  shutdown(force?: boolean): Promise<void>;
}

export type ConnectionEventSink = (event: ConnectionEvent) => void;
