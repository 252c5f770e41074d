import { defineConfig } from 'vitest/config';

/** The suites that run on both dataplanes (userspace in `integration`, nftables in `kernel`). */
const KERNEL_SUITES = [
  'apps/server/src/dataplane.integration.test.ts',
  'apps/server/src/kubeProxyPods.integration.test.ts',
];

// unit: pure logic, fake clock, no processes. integration: real nginx, real sockets on loopback.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'apps/*/bench/**/*.test.ts',
          ],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'node',
          // Pure logic: threads sharing one module graph (no re-import per file) take ~25 s where
          // an isolated fork per file took ~105 s. The files keep no state between them (every
          // stubbed global is unstubbed after each test); shuffled runs (--sequence.shuffle) pass.
          pool: 'threads',
          isolate: false,
          // A guard against hangs, not a speed check: property tests of a few hundred runs take
          // ~2 s alone and over 5 s (the default) on a busy 2-core machine (a CI run failed so).
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/src/**/*.integration.test.ts',
            'apps/*/src/**/*.integration.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two files at a time: they wait on processes and sockets far more than they compute.
          // Each worker's labs take their own address ranges (testRanges.ts).
          maxWorkers: 2,
        },
      },
      {
        // The dataplane suites again on the kernel dataplane (kube-proxy's nftables mode): run
        // inside a network namespace of their own (scripts/test.mjs's `kernel` stage does that).
        test: {
          name: 'kernel',
          include: KERNEL_SUITES,
          environment: 'node',
          env: { L4LAB_TEST_DATAPLANE: 'nftables' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
