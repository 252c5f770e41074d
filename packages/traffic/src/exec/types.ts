import type { ExecResponse, ExecTraceEntry, Pod } from '@l4lab/protocol';

/** One answer record of a DNS reply, data as text. */
export interface DnsAnswerRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

/** A stub resolver's transport to the cluster's nameserver (`@l4lab/dns`'s DnsClient is one). */
export interface DnsTransport {
  /** The nameserver's address as the pod sees it (the kube-dns ClusterIP). */
  readonly server: string;
  query(
    name: string,
    type: string,
    signal?: AbortSignal,
  ): Promise<{
    rcode: string;
    answers: DnsAnswerRecord[];
    transport: 'udp' | 'tcp';
    attempts: string[];
  }>;
}

/** How a pod reaches the network: from its own IP, through l4lab's address plan. */
export interface PodNetwork {
  /** Where a virtual address really listens on this host (itself in native mode). */
  route(ip: string, port: number, protocol: 'TCP' | 'UDP'): { ip: string; port: number };
  /** The source address of the pod's connections (its IP in native mode; none when mapped). */
  localAddress: string | undefined;
  /** Whether the pod may reach `ip` (cluster addresses; any with --allow-host-targets). */
  reaches(ip: string): boolean;
  /**
   * Why the pods' network drops a new connection from this pod straight to `ip` (a NetworkPolicy);
   * undefined when it does not. Connections to a Service's address are kube-proxy's to route and
   * decided there.
   */
  drops?(ip: string, port: number, protocol: 'TCP' | 'UDP'): string | undefined;
}

/** What the built-in tools see of the pod they run in. */
export interface PodContext {
  namespace: string;
  name: string;
  ip: string;
  hostname: string;
  /** /etc/resolv.conf */
  nameserver: string;
  searches: string[];
  ndots: number;
  env: Record<string, string>;
  dns: DnsTransport;
  /** A transport to another nameserver (`nslookup name 127.96.0.10`). */
  dnsAt?: (server: string) => DnsTransport;
  net: PodNetwork;
  /** The pod's writable files (wget's downloads), kept in memory, bounded. */
  files: Map<string, string>;
  /** The files the kubelet wrote for the pod (/etc/resolv.conf, /etc/hosts), read-only. */
  mounted?: Readonly<Record<string, string>>;
  /** Where its volumes are mounted (read-only: ConfigMaps and Secrets). */
  mountPoints?: readonly string[];
  /**
   * Its image's busybox is older than 1.29 (`busybox:1.28`, `radial/busyboxplus`): nslookup asks
   * through the resolver and prints `Address 1: ip name`, as busybox did then.
   */
  oldNslookup?: boolean;
}

/**
 * What the kubelet gave a pod's container: its environment (service links included), its
 * kubelet-managed files and the resolver settings of its /etc/resolv.conf.
 */
export interface ContainerView {
  env: Record<string, string>;
  files: Readonly<Record<string, string>>;
  dns: { nameserver: string; searches: string[]; ndots: number };
  /** The container's volume mountPaths. */
  mountPoints?: readonly string[];
  /** Its image's busybox is older than 1.29: nslookup prints busybox's first format. */
  oldNslookup?: boolean;
}

/** The streams and limits of one running command. */
export interface CommandIO {
  stdin: string;
  out(s: string): void;
  err(s: string): void;
  trace(e: ExecTraceEntry): void;
  signal: AbortSignal;
  /** Milliseconds left before the exec's deadline. */
  remainingMs(): number;
}

export type Command = (args: string[], pod: PodContext, io: CommandIO) => Promise<number>;

export interface ExecOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** What the command reads on stdin (a stand-in's `printf ... | nc host 80`). */
  stdin?: string;
  /** The container it runs in (`kubectl exec -c`): its environment and files; the first without. */
  container?: string;
}

/**
 * Runs a command line in a pod. The built-in shell is the first implementation; a runtime with real
 * containers (docker) can provide its own (`docker exec`) for pods whose image has a shell.
 */
export interface PodExecutor {
  exec(pod: Pod, command: string, opts?: ExecOptions): Promise<ExecResponse>;
}
