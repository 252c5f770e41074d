import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The suites that run on both dataplanes (userspace in `integration`, nftables in `kernel`). */
const KERNEL_SUITES = [
  'apps/server/src/dataplane.integration.test.ts',
  'apps/server/src/kubeProxyPods.integration.test.ts',
];

/**
 * The integration files that take longest (seconds in a whole run on the 2-core machine, servers
 * started from their bundle, 2026-12-07), started first: two workers share the files, and the
 * longest one started last (vitest's order without a cache is by file size; CI has no cache) ran
 * alone for its whole 70 s at the end. Longest first, the two workers end together.
 */
const LONGEST_FIRST = [
  'apps/server/src/fuzz/fuzz.integration.test.ts', // 52 s
  'packages/dataplane/src/conntrack/conntrackEvents.integration.test.ts', // 50 s
  'apps/server/src/kubectlWorkloads.integration.test.ts', // 41 s
  'apps/server/src/kubectl.integration.test.ts', // 32 s
  'packages/runtime/src/kubelet.integration.test.ts', // 25 s
  'apps/agent/src/agent.integration.test.ts', // 22 s
  'apps/server/src/netnsLauncher.integration.test.ts', // 22 s
  'apps/server/src/docsCorpus.integration.test.ts', // 21 s
  'apps/server/src/dataplane.integration.test.ts', // 18 s
  'apps/server/src/crash.integration.test.ts', // 15 s
];

for (const f of LONGEST_FIRST)
  if (!existsSync(join(import.meta.dirname, f)))
    throw new Error(`vitest.config.ts: LONGEST_FIRST names ${f}, which is gone`);

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(import.meta.dirname, f.moduleId));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    // Stable: the rest keep vitest's own order (projects apart, failed first, then by size).
    const sorted = await super.sort(files);
    const projects = [...new Set(sorted.map((f) => f.project.name))];
    const key = (f: TestSpecification) => projects.indexOf(f.project.name) * 1000 + rank(f);
    return sorted.sort((a, b) => key(a) - key(b));
  }
}

// unit: pure logic, fake clock, no processes. integration: real nginx, real sockets on loopback.
export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
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
          // Servers started as processes run the server's bundle, as `npm start` does: built first.
          globalSetup: ['scripts/build-server.mjs'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two files at a time: they wait on processes and sockets far more than they compute.
          // Each worker's labs take their own address ranges (testRanges.ts).
          maxWorkers: 2,
          // Each worker imports the server's modules once, not once per file: 360 s where a fresh
          // fork per file took 418 s (2026-12-07, 85 s of it importing). A file that changes what
          // a module holds for the process puts it back after itself (netTcp.integration.test.ts).
          isolate: false,
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
