import { z } from 'zod';
import type { KubeObject } from './kube.ts';
import { manifestErrorSchema } from './api.ts';
import { connectionEventSchema, endpointCountersSchema } from './events.ts';

/** Bumped on any incompatible change of the WebSocket messages. */
export const PROTOCOL_VERSION = 1;

const kubeObjectSchema = z.custom<KubeObject>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { kind?: unknown }).kind === 'string' &&
    typeof (v as { metadata?: { name?: unknown } }).metadata?.name === 'string',
  { message: 'not a Kubernetes object' },
);

const applyResultSchema = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  action: z.enum(['created', 'configured', 'unchanged']),
});

export const serverInfoSchema = z.object({
  version: z.string(),
  runtime: z.string(),
  runtimeReason: z.string(),
  dataplane: z.string(),
  proxyMode: z.string(),
  /** "native": every address is real (127.x.y.z:port); "mapped": 127.0.0.1 with mapped ports. */
  addressMode: z.enum(['native', 'mapped']),
  /**
   * Remote mode (`--kubeconfig`): the cluster shown, through its API server. Absent for the
   * embedded lab. `connections` says where connection events come from (`agents: 2 of 3 nodes`)
   * or why none come (no agent installed, its token unreadable); `agents`: each agent read, its
   * node, kube-proxy's mode there, the events it lost (its `lost` lines) and the connections
   * whose start or end the join did not see.
   */
  cluster: z
    .object({
      server: z.string(),
      context: z.string(),
      connections: z.string().optional(),
      agents: z
        .array(
          z.object({
            /** `l4lab-system/<pod>`, or the --agent-url. */
            name: z.string(),
            node: z.string(),
            connected: z.boolean(),
            lost: z.number(),
            missed: z.number(),
            mode: z.string().optional(),
            error: z.string().optional(),
          }),
        )
        .optional(),
      /**
       * How the cluster routes Services (apps/server/src/remote/serviceRouting.ts): kube-proxy,
       * or something that bypasses netfilter (Cilium's kube-proxy replacement, Calico eBPF), on
       * which conntrack does not see Services as kube-proxy's rules make them. Absent until read.
       */
      serviceRouting: z
        .object({
          kind: z.enum(['kube-proxy', 'cilium-kube-proxy-replacement', 'calico-ebpf', 'unknown']),
          mode: z.string().optional(),
          detail: z.string(),
        })
        .optional(),
    })
    .optional(),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** A virtual address reachable on the host at another address (mapped mode only). */
export const portMappingSchema = z.object({
  ip: z.string(),
  port: z.number(),
  protocol: z.enum(['TCP', 'UDP']),
  hostIp: z.string(),
  hostPort: z.number(),
});
export type PortMapping = z.infer<typeof portMappingSchema>;

export const trafficStatusSchema = z.object({
  id: z.string(),
  target: z.string(),
  resolved: z.string(),
  from: z.string(),
  protocol: z.enum(['http', 'tcp', 'udp']),
  rate: z.number(),
  state: z.enum(['running', 'stopped', 'finished']),
  startedAt: z.number(),
  sent: z.number(),
  ok: z.number(),
  errors: z.number(),
  byPod: z.record(z.string(), z.number()),
  latencyMs: z.object({ p50: z.number(), p90: z.number(), p99: z.number() }),
  lastError: z.string().optional(),
  /** Connections opened (with keep-alive, fewer than requests). */
  connections: z.number().optional(),
  /** The address the requests leave from (a pod's IP), when from a pod. */
  source: z.string().optional(),
});
export type TrafficStatus = z.infer<typeof trafficStatusSchema>;

export const watchEventSchema = z.object({
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED']),
  object: kubeObjectSchema,
});
export type WatchEvent = z.infer<typeof watchEventSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocolVersion: z.number(), server: serverInfoSchema }),
  z.object({
    type: z.literal('cluster_snapshot'),
    resourceVersion: z.string(),
    objects: z.array(kubeObjectSchema),
    mappings: z.array(portMappingSchema),
    traffic: z.array(trafficStatusSchema),
    /** Cumulative counters per Service port per endpoint, as in `connection_events`. */
    counters: z.array(endpointCountersSchema),
  }),
  z.object({
    type: z.literal('object_changes'),
    /**
     * The resourceVersion this frame starts from: the previous frame's `resourceVersion`, or the
     * snapshot's for a viewer's first frame. A viewer whose mirror is at another resourceVersion
     * missed changes and must not apply the frame: it resyncs from a fresh snapshot instead.
     * Optional so that a frame without it (an older server) is still read, as before.
     */
    fromResourceVersion: z.string().optional(),
    /** The cluster's resourceVersion once this frame's changes are applied. */
    resourceVersion: z.string(),
    changes: z.array(watchEventSchema),
  }),
  z.object({
    type: z.literal('connection_events'),
    /** Individual events, up to a cap per frame. */
    events: z.array(connectionEventSchema),
    /** Events that happened in this frame but were not sent individually (counted below). */
    sampled: z.number(),
    /** The counter rows that changed in this frame (cumulative values; merge by service+endpoint). */
    counters: z.array(endpointCountersSchema),
  }),
  z.object({ type: z.literal('traffic_status'), generators: z.array(trafficStatusSchema) }),
  z.object({ type: z.literal('port_mappings'), mappings: z.array(portMappingSchema) }),
  /** The answer to a client's `apply` (same status and body as POST /api/apply). */
  z.object({
    type: z.literal('apply_result'),
    id: z.string(),
    status: z.number(),
    results: z.array(applyResultSchema).optional(),
    warnings: z.array(manifestErrorSchema).optional(),
    errors: z.array(manifestErrorSchema).optional(),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage['type'];

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number() }),
  /** Live mode: the editor streams a valid text; the server applies it like POST /api/apply. */
  z.object({ type: z.literal('apply'), id: z.string().max(64), yaml: z.string().max(1_000_000) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Parses a frame from the server; returns undefined (never throws) when it is not a known message. */
export function parseServerMessage(data: string): ServerMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const r = serverMessageSchema.safeParse(json);
  return r.success ? r.data : undefined;
}

export function parseClientMessage(data: string): ClientMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const r = clientMessageSchema.safeParse(json);
  return r.success ? r.data : undefined;
}
