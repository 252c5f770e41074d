import { z } from 'zod';

export const FRONTEND_KINDS = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalIP'] as const;
export const OUTCOMES = ['open', 'ok', 'refused', 'dropped', 'reset', 'timeout'] as const;

export const connectionEventSchema = z.object({
  id: z.string(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  protocol: z.enum(['TCP', 'UDP']),
  client: z.object({
    ip: z.string(),
    port: z.number(),
    /** "ns/name" when a pod connected. */
    pod: z.string().optional(),
    /** The address the endpoint saw instead of the client's (SNAT to the node, externalTrafficPolicy Cluster). */
    snatIP: z.string().optional(),
  }),
  frontend: z.object({
    kind: z.enum(FRONTEND_KINDS),
    ip: z.string(),
    port: z.number(),
    node: z.string().optional(),
  }),
  service: z.object({
    namespace: z.string(),
    name: z.string(),
    port: z.union([z.string(), z.number()]),
  }),
  endpoint: z
    .object({
      pod: z.string(),
      namespace: z.string(),
      ip: z.string(),
      port: z.number(),
      node: z.string(),
    })
    .optional(),
  mode: z.string(),
  reason: z.string(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  durationMs: z.number().optional(),
  outcome: z.enum(OUTCOMES),
});

/** One connection (TCP) or flow (UDP) through a Service frontend, with the reason for its routing. */
export type ConnectionEvent = z.infer<typeof connectionEventSchema>;
export type ConnectionOutcome = ConnectionEvent['outcome'];
export type FrontendKind = ConnectionEvent['frontend']['kind'];

/** Counters per Service port per endpoint ("" = no endpoint: refused/dropped). */
export const endpointCountersSchema = z.object({
  service: z.string(), // "ns/name:port"
  endpoint: z.string(), // "ns/pod" or ""
  connections: z.number(),
  active: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  refused: z.number(),
  dropped: z.number(),
  reset: z.number(),
  /**
   * Of `connections`, those the kernel counted without events (over the events' rate limit of
   * the kernel dataplane): no bytes, no duration, no dot.
   */
  unreported: z.number().optional(),
});
export type EndpointCounters = z.infer<typeof endpointCountersSchema>;
