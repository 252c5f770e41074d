// Measurements for `npm run bench:ui`, present only when the page is opened with ?bench=1.

export interface BenchHook {
  /** A dot was painted for the first time; `at` is its connection's server time (ms since epoch). */
  drawn(at: number): void;
}

interface BenchData {
  latencies: number[];
}

declare global {
  interface Window {
    __l4labBench?: BenchData;
  }
}

const LIMIT = 100_000;

function create(): BenchHook | undefined {
  if (typeof location === 'undefined' || !new URLSearchParams(location.search).has('bench')) {
    return undefined;
  }
  const data: BenchData = { latencies: [] };
  window.__l4labBench = data;
  return {
    drawn(at) {
      if (data.latencies.length < LIMIT) data.latencies.push(Date.now() - at);
    },
  };
}

export const benchHook = create();
