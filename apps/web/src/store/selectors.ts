import type { EndpointCounters, Pod, Service } from '@l4lab/protocol';
import type { AppState } from './createAppStore.ts';
import { RATE_WINDOW_MS } from './trafficSlice.ts';

// Module-level selectors: components pass them to `useAppStore` (shallow-compared).

export const selectHeader = (s: AppState) => ({
  server: s.server,
  link: s.link,
  protocolVersionMismatch: s.protocolVersionMismatch,
});

/** New connections per second over the last ~2 s, from the cumulative counters. */
export const selectConnectionRate = (s: AppState): number => {
  const last = s.rateSamples.at(-1);
  if (!last) return 0;
  const first =
    s.rateSamples.find((r) => last.t - r.t <= RATE_WINDOW_MS) ?? s.rateSamples[0] ?? last;
  const dt = last.t - first.t;
  if (dt < 200) return 0;
  return Math.max(0, ((last.total - first.total) * 1000) / dt);
};

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
