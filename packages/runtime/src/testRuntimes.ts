// Test helpers (not exported from index.ts): which runtimes exist on this machine, and a cluster +
// kubelet on a random pod /16 in 127.150-199.0.0 (like apps/server's testRanges), services in
// 127.100-149.0.0/16, nodes at 127.19.<r>.2-4.
import { waitFor as pollUntil } from '@l4lab/cluster/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, DEFAULT_ADDRESS_PLAN, PortMapper } from '@l4lab/cluster';
import { BuiltinRuntime } from './builtinRuntime.ts';
import { detectDocker } from './docker/detect.ts';
import { DockerRuntime } from './docker/dockerRuntime.ts';
import { detectAddressMode } from './hostAddress.ts';
import { Kubelet } from './kubelet.ts';
import { NginxRuntime, findNginx } from './nginxRuntime.ts';
import type { ContainerRuntime } from './types.ts';

export type RuntimeName = ContainerRuntime['name'];

/**
 * The runtimes to test here: builtin always, nginx when installed, docker when an engine answers
 * and nginx:latest exists. Where docker is required (CI, or L4LAB_REQUIRE_DOCKER=1), a missing
 * engine is an error, not a skip.
 */
export async function availableRuntimes(): Promise<RuntimeName[]> {
  const out: RuntimeName[] = ['builtin'];
  if (findNginx()) out.push('nginx');
  const d = await detectDocker();
  if (d.engine && d.hasNginxImage) out.push('docker');
  else if (process.env.CI || process.env.L4LAB_REQUIRE_DOCKER === '1') {
    const why = d.engine ? 'nginx:latest is missing (npm run image:build)' : d.reason;
    throw new Error(`docker tests are required here (CI or L4LAB_REQUIRE_DOCKER) but: ${why}`);
  }
  return out;
}

export interface TestNode {
  cluster: Cluster;
  kubelet: Kubelet;
  runtime: ContainerRuntime;
  mapper: PortMapper;
  workspace: string;
  stop(): Promise<void>;
}

export async function startTestKubelet(
  name: RuntimeName,
  opts: { podEvictionTimeoutMs?: number; defaultProbePeriodMs?: number } = {},
): Promise<TestNode> {
  const r = Math.floor(Math.random() * 50);
  const s = Math.floor(Math.random() * 50);
  const workspace = await mkdtemp(join(tmpdir(), `l4lab-rt-${name}-`));
  const mapper = new PortMapper((await detectAddressMode(`127.${100 + s}.255.254`)).mode);
  let runtime: ContainerRuntime;
  if (name === 'nginx') runtime = new NginxRuntime({ binary: findNginx()!, workspace, mapper });
  else if (name === 'builtin') runtime = new BuiltinRuntime({ mapper });
  else {
    const d = await detectDocker();
    if (!d.engine) throw new Error(d.reason);
    runtime = new DockerRuntime({ engine: d.engine, workspace, mapper });
  }
  const cluster = new Cluster({
    plan: {
      ...DEFAULT_ADDRESS_PLAN,
      nodeBase: `127.19.${r}.2`,
      podCIDR: `127.${150 + r}.0.0/16`,
      serviceCIDR: `127.${100 + s}.0.0/16`,
      dnsServiceIP: `127.${100 + s}.0.10`,
    },
    ...(opts.podEvictionTimeoutMs !== undefined
      ? { podEvictionTimeoutMs: opts.podEvictionTimeoutMs }
      : {}),
  });
  const silent = { info: () => {}, warn: () => {} };
  const kubelet = new Kubelet({
    cluster,
    runtime,
    mapper,
    logger: silent,
    backoffScale: 0.01,
    ...(opts.defaultProbePeriodMs ? { defaultProbePeriodMs: opts.defaultProbePeriodMs } : {}),
  });
  kubelet.start();
  return {
    cluster,
    kubelet,
    runtime,
    mapper,
    workspace,
    async stop() {
      await kubelet.stopAll(0);
      await runtime.cleanupOrphans();
      await runtime.close?.();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

/** Polls until a value comes (25 ms steps, 20 s at most). */
export function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  return pollUntil(what, fn, ms, 25);
}
