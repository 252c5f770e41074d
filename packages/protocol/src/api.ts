import { z } from 'zod';

/** One problem found in a manifest, with its place in the submitted text. */
export interface ManifestError {
  message: string;
  /** Field path like `spec.ports[0].nodePort`, empty for syntax errors. */
  path: string;
  /** 1-based line and column in the submitted text. */
  line: number;
  column: number;
  /** 0-based index of the YAML document. */
  document: number;
  severity: 'error' | 'warning';
  /** Stable code, e.g. `L4_E_YAML_SYNTAX`, `L4_E_INVALID`. */
  code: string;
}

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

export const trafficRequestSchema = z.object({
  target: z.string().min(1),
  from: z.string().default('external'),
  protocol: z.enum(['http', 'tcp', 'udp']).default('http'),
  /** New connections (or requests) per second. */
  rate: z.number().positive().max(500).default(20),
  /** Seconds; 0 = until stopped (bounded by the server's maximum). */
  duration: z.number().min(0).max(3600).default(0),
  keepAlive: z.boolean().default(false),
  /** Number of distinct external client addresses (127.30.0.1..N). */
  clients: z.number().int().min(1).max(32).default(4),
});
export type TrafficRequest = z.infer<typeof trafficRequestSchema>;
export type TrafficRequestInput = z.input<typeof trafficRequestSchema>;

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
