import { z } from 'zod';

/** One problem found in a manifest, with its place in the submitted text. */
export const manifestErrorSchema = z.object({
  message: z.string(),
  /** Field path like `spec.ports[0].nodePort`, empty for syntax errors. */
  path: z.string(),
  /** 1-based line and column in the submitted text. */
  line: z.number(),
  column: z.number(),
  /** 0-based index of the YAML document. */
  document: z.number(),
  severity: z.enum(['error', 'warning']),
  /** Stable code, e.g. `L4_E_YAML_SYNTAX`, `L4_E_INVALID`. */
  code: z.string(),
});

/** The type follows from the schema, so the shape checked on the wire is the one the code uses. */
export type ManifestError = z.infer<typeof manifestErrorSchema>;

export interface ApplyResult {
  kind: string;
  namespace?: string;
  name: string;
  action: 'created' | 'configured' | 'unchanged';
}

export interface ApplyResponse {
  results: ApplyResult[];
  warnings?: ManifestError[];
}

export interface ApplyErrorResponse {
  errors: ManifestError[];
}

/** Most requests (or datagrams) per second one generator sends. */
export const MAX_TRAFFIC_RATE = 500;
/** Most requests one generator sends in all. */
export const MAX_TRAFFIC_COUNT = 100_000;

export const trafficRequestSchema = z.object({
  target: z.string().min(1),
  /** "external" (clients 127.30.0.1..N) or "pod:<namespace>/<name>" (from the pod's own IP). */
  from: z
    .string()
    .regex(
      /^(external|pod:[a-z0-9-]+\/[a-z0-9.-]+)$/,
      'expected "external" or "pod:<namespace>/<name>"',
    )
    .default('external'),
  protocol: z.enum(['http', 'tcp', 'udp']).default('http'),
  /** New connections (or requests) per second. */
  rate: z
    .number()
    .positive()
    .max(MAX_TRAFFIC_RATE, `rate is limited to ${MAX_TRAFFIC_RATE} per second`)
    .default(20),
  /** Seconds; 0 = until stopped (bounded by the server's maximum). */
  duration: z.number().min(0).max(3600, 'duration is limited to 3600 s').default(0),
  /** Stop after this many requests (at most MAX_TRAFFIC_COUNT). */
  count: z
    .number()
    .int()
    .min(1)
    .max(MAX_TRAFFIC_COUNT, `count is limited to ${MAX_TRAFFIC_COUNT} requests`)
    .optional(),
  /** Most requests in flight at once (default 64). */
  concurrency: z.number().int().min(1).max(256, 'concurrency is limited to 256').optional(),
  keepAlive: z.boolean().default(false),
  /** With keepAlive: requests carried by one connection before it is closed (default: no limit). */
  requestsPerConnection: z
    .number()
    .int()
    .min(1)
    .max(10_000, 'requestsPerConnection is limited to 10000')
    .optional(),
  /** Number of distinct external client addresses (127.30.0.1..N). */
  clients: z.number().int().min(1).max(32).default(4),
});
export type TrafficRequest = z.infer<typeof trafficRequestSchema>;
export type TrafficRequestInput = z.input<typeof trafficRequestSchema>;

/** `POST /api/pods/{ns}/{name}/exec` */
export const execRequestSchema = z.object({
  command: z.string().min(1).max(4096, 'command is limited to 4096 characters'),
  /** `kubectl exec -c`: the container it runs in; the pod's first without it. */
  container: z.string().min(1).max(253).optional(),
});
export type ExecRequest = z.infer<typeof execRequestSchema>;

/** One step of an exec the UI can show: a DNS query, a name from /etc/hosts, a connection. */
export type ExecTraceEntry =
  | {
      kind: 'dns';
      /** The name queried (after the search path) and the record type. */
      name: string;
      type: string;
      /** The nameserver as the pod sees it (`127.96.0.10:53`), and from which address. */
      server: string;
      from: string;
      transport: 'udp' | 'tcp';
      rcode: string;
      /** `CNAME nginx-svc.nginx-ns.svc.cluster.local`, `A 127.96.0.15` */
      answers: string[];
      /** What failed before (`udp: ECONNREFUSED`), when it fell back to TCP. */
      attempts?: string[];
    }
  | { kind: 'hosts'; name: string; address: string }
  | {
      kind: 'connect';
      protocol: 'TCP' | 'UDP';
      host: string;
      /** `ip:port` as the pod sees them. */
      from: string;
      to: string;
      outcome: 'ok' | 'refused' | 'timeout' | 'error';
      /** Why the pods' network dropped it (a NetworkPolicy), when it did. */
      reason?: string;
    };

export interface ExecResponse {
  stdout: string;
  stderr: string;
  exitCode: number;
  trace: ExecTraceEntry[];
  /**
   * The order the command wrote in: runs of stdout (1) and stderr (2), each its length in
   * `stdout` / `stderr` (`curl -v`'s lines around its page, as a terminal shows them).
   */
  segments?: [1 | 2, number][];
  /** Output beyond the limit was dropped, or the command ran out of time. */
  truncated?: boolean;
  timedOut?: boolean;
}

export interface HealthzResponse {
  ok: true;
  version: string;
  runtime: string;
  dataplane: string;
}

export interface ErrorResponse {
  error: { code: string; message: string };
}

/** A walkthrough the editor can load (`GET /api/scenarios`). */
export interface Scenario {
  /** File stem, e.g. `01-clusterip`. */
  id: string;
  title: string;
  yaml: string;
}

export interface ScenarioList {
  /** The id preloaded in the editor (`--scenario`). */
  default: string;
  items: Scenario[];
}

/**
 * A file of the tutorial the seeds come from (`pod_test.yaml`, `service_test.yaml`, ...), one
 * document of a seed under the name the tutorial gives it (`GET /api/tutorial`).
 */
export interface TutorialFile {
  name: string;
  text: string;
}

export interface TutorialFileList {
  items: TutorialFile[];
}
