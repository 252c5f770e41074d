import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { RuntimeChoice } from '@l4lab/runtime';

export interface LabConfig {
  port: number;
  host: string;
  runtime: RuntimeChoice;
  dataplane: 'userspace';
  proxyMode: 'iptables';
  workspace: string;
  scenario: string;
  expose: boolean;
  nodes: number;
  /** Address ranges (`--pod-cidr`, `--service-cidr`, `--node-ip`); defaults in ARCHITECTURE.md. */
  podCIDR: string;
  serviceCIDR: string;
  nodeIP: string;
  /** Multiplies CrashLoopBackOff delays (--fast-backoff: 0.1). */
  backoffScale: number;
  /** Where the built dashboard is (apps/web/dist). */
  webDist: string;
  /** Where the seed scenarios are (scenarios/). */
  scenariosDir: string;
  logLevel: string;
}

const ROOT = resolve(import.meta.dirname, '../../..');

export const USAGE = `Usage: l4lab [flags]   (each flag is also an env var L4LAB_<NAME>, e.g. L4LAB_PORT=7070)

  --port 7070              HTTP port of the dashboard and API
  --host 127.0.0.1         address to serve on
  --runtime auto           pod runtime: auto | nginx | builtin (auto: nginx if installed, else builtin)
  --dataplane userspace    kube-proxy backend
  --proxy-mode iptables    endpoint choice: iptables (uniform random per connection)
  --workspace .l4lab       where pods' configs, logs and pid files live
  --scenario FILE          YAML preloaded in the editor (default: scenarios/01-clusterip.yaml)
  --nodes 3                number of virtual nodes (node-1..N at 127.18.0.2...)
  --node-ip 127.18.0.2     address of node-1 (node-2 is the next one, ...)
  --pod-cidr 127.244.0.0/16      pod addresses, a /24 per node
  --service-cidr 127.96.0.0/16   ClusterIPs (the .0.10 address is kube-dns')
  --fast-backoff           CrashLoopBackOff 10x faster, for demos
  --log-level info         trace | debug | info | warn | error
  --help                   this text
`;

export class ConfigError extends Error {
  readonly code = 'L4_E_BAD_FLAG';
}

export function parseConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): LabConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      runtime: { type: 'string' },
      dataplane: { type: 'string' },
      'proxy-mode': { type: 'string' },
      workspace: { type: 'string' },
      scenario: { type: 'string' },
      expose: { type: 'boolean' },
      nodes: { type: 'string' },
      'node-ip': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'service-cidr': { type: 'string' },
      'fast-backoff': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const get = (name: keyof typeof values, def: string): string => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const e = env[`L4LAB_${name.toUpperCase().replaceAll('-', '_')}`];
    return e ?? def;
  };
  const flag = (name: keyof typeof values): boolean => {
    const v = values[name];
    if (typeof v === 'boolean') return v;
    const e = env[`L4LAB_${name.toUpperCase().replaceAll('-', '_')}`];
    return e === '1' || e === 'true';
  };
  const port = Number(get('port', '7070'));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port ${get('port', '')}: not a port`);
  const runtime = get('runtime', 'auto');
  if (!['auto', 'nginx', 'docker', 'builtin'].includes(runtime)) {
    throw new ConfigError(`--runtime ${runtime}: expected auto, nginx, docker or builtin`);
  }
  const dataplane = get('dataplane', 'userspace');
  if (dataplane !== 'userspace')
    throw new ConfigError(`--dataplane ${dataplane}: only "userspace" exists yet`);
  const proxyMode = get('proxy-mode', 'iptables');
  if (proxyMode !== 'iptables')
    throw new ConfigError(`--proxy-mode ${proxyMode}: only "iptables" exists yet`);
  const nodes = Number(get('nodes', '3'));
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 50)
    throw new ConfigError(`--nodes ${nodes}: expected 1..50`);
  return {
    port,
    host: get('host', '127.0.0.1'),
    runtime: runtime as RuntimeChoice,
    dataplane: 'userspace',
    proxyMode: 'iptables',
    workspace: resolve(get('workspace', resolve(ROOT, '.l4lab'))),
    scenario: resolve(get('scenario', resolve(ROOT, 'scenarios/01-clusterip.yaml'))),
    expose: flag('expose'),
    nodes,
    nodeIP: get('node-ip', '127.18.0.2'),
    podCIDR: get('pod-cidr', '127.244.0.0/16'),
    serviceCIDR: get('service-cidr', '127.96.0.0/16'),
    backoffScale: flag('fast-backoff') ? 0.1 : 1,
    webDist: resolve(ROOT, 'apps/web/dist'),
    scenariosDir: resolve(ROOT, 'scenarios'),
    logLevel: get('log-level', 'info'),
  };
}
