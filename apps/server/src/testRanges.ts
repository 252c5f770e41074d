import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabConfig } from './config.ts';

/**
 * The second octets of 127.x addresses something on this machine listens on, and the third octets
 * of 127.19.y and 127.201.y ones (Linux: /proc/net/tcp and udp; none known elsewhere). Another
 * lab (a developer's `npm start`, a helper's, another test's) holds its ranges this way.
 */
function loopbackInUse(listening = false): {
  second: Set<number>;
  node: Set<number>;
  lb: Set<number>;
} {
  const out = { second: new Set<number>(), node: new Set<number>(), lb: new Set<number>() };
  for (const file of ['/proc/net/tcp', '/proc/net/udp']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local) continue;
      // `listening`: TCP in LISTEN (0A) and every UDP socket; not a closed connection's TIME_WAIT.
      if (listening && file.endsWith('tcp') && state !== '0A') continue;
      // Little-endian hex: 0100007F is 127.0.0.1.
      const hex = local.split(':')[0]!;
      const b = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
      if (b[0] !== 127) continue;
      out.second.add(b[1]!);
      if (b[1] === 19) out.node.add(b[2]!);
      if (b[1] === 201) out.lb.add(b[2]!);
    }
  }
  return out;
}

/**
 * Address ranges for one test run: a pod /16 in 127.150-199.0.0, a service /16 in 127.100-149.0.0,
 * nodes in 127.19.x.0 and a LoadBalancer pool 127.201.x.0/24, picked at random among those nothing
 * on this machine listens in, so tests never collide with a lab already running (on the default
 * ranges or any other) or with each other.
 */
export function testRanges(): {
  podCIDR: string;
  serviceCIDR: string;
  nodeIP: string;
  loadBalancerPool: string;
  flags: string[];
} {
  // Random, and clear of every range something on this machine already listens in.
  const used = loopbackInUse();
  // Integration files run two at a time, and so do the browser tests: each vitest worker
  // (VITEST_POOL_ID 1, 2, ...) or Playwright worker (TEST_PARALLEL_INDEX 0, 1, ...) draws from its
  // own quarter of the ranges, so two labs starting at the same moment never pick alike.
  const parallel = process.env.TEST_PARALLEL_INDEX;
  const pool = Number(process.env.VITEST_POOL_ID ?? (parallel ? Number(parallel) + 1 : NaN));
  const mine = (x: number) => !(pool > 0) || x % 4 === (pool - 1) % 4;
  const free = (n: number, taken: (x: number) => boolean) => {
    const options = Array.from({ length: n }, (_, i) => i).filter((x) => mine(x) && !taken(x));
    const from = options.length > 0 ? options : Array.from({ length: n }, (_, i) => i);
    return from[Math.floor(Math.random() * from.length)]!;
  };
  const r = free(50, (x) => used.second.has(150 + x) || used.node.has(x) || used.lb.has(x));
  const s = free(50, (x) => used.second.has(100 + x));
  const podCIDR = `127.${150 + r}.0.0/16`;
  const serviceCIDR = `127.${100 + s}.0.0/16`;
  const nodeIP = `127.19.${r}.2`;
  const loadBalancerPool = `127.201.${r}.0/24`;
  return {
    podCIDR,
    serviceCIDR,
    nodeIP,
    loadBalancerPool,
    flags: [
      '--pod-cidr',
      podCIDR,
      '--service-cidr',
      serviceCIDR,
      '--node-ip',
      nodeIP,
      '--lb-pool',
      loadBalancerPool,
    ],
  };
}

/** A complete LabConfig for a test: random ranges, port 0, quiet logs, fast back-off. */
export function testLabConfig(workspace: string, over: Partial<LabConfig> = {}): LabConfig {
  const root = resolve(import.meta.dirname, '../../..');
  const r = testRanges();
  return {
    port: 0,
    host: '127.0.0.1',
    runtime: 'auto',
    // The `kernel` test project runs the same suites inside a network namespace on nftables.
    dataplane: process.env.L4LAB_TEST_DATAPLANE === 'nftables' ? 'nftables' : 'userspace',
    proxyMode: 'iptables',
    workspace,
    scenario: join(root, 'scenarios/01-clusterip.yaml'),
    expose: false,
    allowHostTargets: false,
    nodes: 3,
    podCIDR: r.podCIDR,
    serviceCIDR: r.serviceCIDR,
    nodeIP: r.nodeIP,
    loadBalancerPool: r.loadBalancerPool,
    backoffScale: 0.1,
    webDist: join(root, 'apps/web/dist'),
    scenariosDir: join(root, 'scenarios'),
    logLevel: 'silent',
    ...over,
  };
}

/**
 * The lab's default ranges (`npm start`'s: pods 127.244, Services 127.96, nodes 127.18.0.x, the
 * LoadBalancer pool 127.200.0.x), with no flags, when nothing on this machine listens in them; else
 * undefined. The README's screenshots are taken on them, so they show the addresses the text names.
 */
export function defaultRanges(): ReturnType<typeof testRanges> | undefined {
  const used = loopbackInUse(true);
  if ([244, 96, 18, 200].some((second) => used.second.has(second))) return undefined;
  return {
    podCIDR: '127.244.0.0/16',
    serviceCIDR: '127.96.0.0/16',
    nodeIP: '127.18.0.2',
    loadBalancerPool: '127.200.0.0/24',
    flags: [],
  };
}

// `node --import tsx apps/server/src/testRanges.ts [--defaults]`: one pick as JSON, for the e2e
// configuration and scripts (the e2e project compiles on its own and cannot import this file).
// `--defaults`: the default ranges if they are free, else a random pick as always.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pick = (process.argv.includes('--defaults') && defaultRanges()) || testRanges();
  process.stdout.write(`${JSON.stringify(pick)}\n`);
}
