import type { EndpointCounters, Pod, Service, TrafficStatus } from '@l4lab/protocol';
import type { AppState } from './createAppStore.ts';
import type { RateSample } from './trafficSlice.ts';

// Module-level selectors: components pass them to `useAppStore` (shallow-compared).

export const selectHeader = (s: AppState) => ({
  server: s.server,
  link: s.link,
  protocolVersionMismatch: s.protocolVersionMismatch,
});

/** What the header's rates are computed from (with the clock: see connectionRate). */
export const selectRates = (s: AppState) => ({
  rateSamples: s.rateSamples,
  generators: s.generators,
  sampled: s.sampledTotal,
});

/** The header's window: 0 conn/s at most 1.5 s after the last new connection. */
export const CONNECTION_RATE_WINDOW_MS = 1500;

/**
 * New connections per second over the `windowMs` before `now`, from the cumulative counter samples.
 * A sample arrives only with a frame that has events, so the rate is taken against the clock: when
 * connections stop, no sample comes, and the rate falls to 0 once the last one leaves the window.
 */
export function connectionRate(
  samples: readonly RateSample[],
  now: number,
  windowMs = CONNECTION_RATE_WINDOW_MS,
): number {
  const last = samples.at(-1);
  if (!last) return 0;
  // From the last sample at or before the window's start (or the first one the page has, when it
  // has not seen that far back): connections since then, over the time since then.
  let base = samples[0]!;
  for (const r of samples) if (r.t <= now - windowMs) base = r;
  const span = now - base.t;
  if (span < 200) return 0;
  return Math.max(0, ((last.total - base.total) * 1000) / span);
}

/**
 * HTTP requests per second the running generators send, while one of them keeps its connections
 * alive (far fewer connections than requests): then conn/s alone says little. Undefined otherwise.
 */
export function keepAliveRequestRate(generators: Iterable<TrafficStatus>): number | undefined {
  const http = [...generators].filter((g) => g.state === 'running' && g.protocol === 'http');
  const reused = http.some(
    (g) => g.connections !== undefined && g.sent >= 4 && g.connections * 2 <= g.sent,
  );
  return reused ? http.reduce((sum, g) => sum + g.rate, 0) : undefined;
}

function byNamespaceThenName(a: { metadata: { namespace?: string; name: string } }, b: typeof a) {
  return (
    (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}

export const selectPods = (s: AppState): Pod[] =>
  [...s.cluster.pods.values()].sort(byNamespaceThenName);
export const selectServices = (s: AppState): Service[] =>
  [...s.cluster.services.values()].sort(byNamespaceThenName);

export const selectAddressing = (s: AppState) => ({
  mapped: s.server?.addressMode === 'mapped',
  mappings: s.mappings,
});

export const selectCounters = (s: AppState): EndpointCounters[] => [...s.counters.values()];

export const selectGenerators = (s: AppState) =>
  [...s.generators.values()].sort((a, b) => b.startedAt - a.startedAt);

export const selectProblems = (s: AppState) => ({
  client: s.clientProblems,
  server: s.serverProblems,
});

export const selectApply = (s: AppState) => ({ apply: s.apply });
