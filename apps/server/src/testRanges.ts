import { join, resolve } from 'node:path';
import type { LabConfig } from './config.ts';

/**
 * Address ranges for one test run: a pod /16 in 127.150-199.0.0, a service /16 in 127.100-149.0.0,
 * nodes in 127.19.x.0 and a LoadBalancer pool 127.201.x.0/24, picked at random, so tests (and
 * parallel runs) never collide with a lab running on the default ranges or with each other.
 */
export function testRanges(): {
  podCIDR: string;
  serviceCIDR: string;
  nodeIP: string;
  loadBalancerPool: string;
  flags: string[];
} {
  const r = Math.floor(Math.random() * 50);
  const s = Math.floor(Math.random() * 50);
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
    dataplane: 'userspace',
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
