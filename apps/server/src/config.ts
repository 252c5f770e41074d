import type { Server } from 'node:net';
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { RuntimeChoice } from '@l4lab/runtime';
import {
  DEFAULT_EVENTS_RATE_LIMIT,
  PROXY_MODES,
  defaultRelayProcesses,
  parseProxyMode,
} from '@l4lab/dataplane';

export interface LabConfig {
  port: number;
  host: string;
  runtime: RuntimeChoice;
  /** kube-proxy's backend; `auto` is resolved by main.ts (nftables where the probe passes). */
  dataplane: DataplaneChoice;
  /** iptables | ipvs[:rr|wrr|lc|wlc|sh|dh|sed|nq] | maglev */
  proxyMode: string;
  /** Processes that connections which stream are handed to (--relay-processes; 0: none). */
  relayProcesses?: number;
  /**
   * The kernel dataplane's events' rate limit (--events-rate-limit; new Service connections a
   * second, 0: none): over it the kernel counts connections instead of sending their events.
   */
  eventsRateLimit?: number;
  workspace: string;
  /** Forget the cluster and editor tabs saved in the workspace (--fresh). */
  fresh?: boolean;
  scenario: string;
  expose: boolean;
  /** Workshop mode: students join with their own namespace, token and kubeconfig (--workshop). */
  workshop?: boolean;
  /** Let exec tools and generators reach this machine's own addresses, not only the cluster's. */
  allowHostTargets: boolean;
  nodes: number;
  /** Address ranges (`--pod-cidr`, `--service-cidr`, `--node-ip`); defaults in ARCHITECTURE.md. */
  podCIDR: string;
  serviceCIDR: string;
  nodeIP: string;
  loadBalancerPool: string;
  /** `auto` (native when 127/8 routes and port 80 binds), or forced `native` / `mapped`. */
  addresses?: 'auto' | 'native' | 'mapped';
  /** Multiplies CrashLoopBackOff delays (--fast-backoff: 0.1). */
  backoffScale: number;
  /** How long pods stay on a stopped (NotReady) node before eviction, ms (--pod-eviction-timeout; default 10 s). */
  podEvictionTimeoutMs?: number;
  /** Where the built dashboard is (apps/web/dist). */
  webDist: string;
  /** Where the seed scenarios are (scenarios/). */
  scenariosDir: string;
  /** Where the workshop lessons are (lessons/; default: beside scenariosDir). */
  lessonsDir?: string;
  logLevel: string;
  /**
   * Remote mode (--kubeconfig, --context): show that cluster through its API server; no local
   * pods, kube-proxy, DNS or traffic generator.
   */
  remote?: {
    kubeconfig: string;
    context?: string;
    /**
     * --agent-url (repeatable) and --agent-token-file: agents reached directly (one run by hand
     * on a node, the tests) instead of through the API server's proxy to l4lab-system's pods.
     */
    agents?: { urls: string[]; tokenFile: string };
  };
  /**
   * Not a flag: with --dataplane nftables, the listener the launcher opened in the host's network
   * namespace and passed to this server (which runs inside the lab's namespace) to serve on.
   */
  listener?: Server;
}

export type DataplaneChoice = 'userspace' | 'nftables' | 'auto';

const ROOT = resolve(import.meta.dirname, '../../..');

export const USAGE = `Usage: l4lab [flags]   (each flag is also an env var L4LAB_<NAME>, e.g. L4LAB_PORT=7070)

  --port 7070              HTTP port of the dashboard and API
  --host 127.0.0.1         address to serve on
  --runtime auto           pod runtime: auto | docker | nginx | builtin (auto: docker if an engine
                           answers and has nginx:latest, else nginx if installed, else builtin)
  --dataplane userspace    kube-proxy backend: userspace (l4lab's L4 proxy), nftables (kube-proxy's
                           nftables mode in the kernel, in a network namespace of the lab's own;
                           Linux, root or unprivileged user namespaces), auto (nftables where it
                           works); npm run shell opens a shell in that namespace
  --proxy-mode iptables    endpoint choice: iptables (uniform random per connection), ipvs (= ipvs:rr),
                           ipvs:rr|wrr|lc|wlc|sh|dh|sed|nq, maglev (Cilium-style consistent hashing);
                           a Service overrides it with the annotation l4lab.dev/proxy-mode
  --relay-processes N      processes a connection that streams (a download, an upload) is handed to,
                           so bulk traffic uses every CPU (default: one per CPU, at most 4; 0: none)
  --events-rate-limit 2000 with --dataplane nftables: over this many new Service connections a
                           second the kernel sends no conntrack events for the rest and counts them
                           per endpoint (counted, not drawn: the browser is sent 2,000 a second at
                           most); 0: every connection's events
  --expose                 also serve NodePorts and LoadBalancer ports on this machine's interfaces
  --workshop               workshop mode: students join from their laptops (a join page with a QR
                           code), each with a namespace, a token and a kubeconfig of their own; a
                           projector URL that only watches. Implies --host 0.0.0.0 and --expose
                           (unless --host names a loopback address)
  --allow-host-targets     let exec tools and traffic reach this machine's own services too
  --workspace .l4lab       where pods' configs, logs and pid files live, and the saved cluster
                           and editor tabs (state/), restored at the next start
  --fresh                  start with an empty cluster: forget the saved cluster and editor tabs
  --scenario FILE          YAML preloaded in the editor (default: scenarios/01-clusterip.yaml)
  --nodes 3                number of virtual nodes (node-1..N at 127.18.0.2...)
  --node-ip 127.18.0.2     address of node-1 (node-2 is the next one, ...)
  --pod-cidr 127.244.0.0/16      pod addresses, a /24 per node
  --service-cidr 127.96.0.0/16   ClusterIPs (the .0.10 address is kube-dns')
  --lb-pool 127.200.0.0/24       LoadBalancer external IPs
  --addresses auto         native (every address real) | mapped (127.0.0.1 + mapped ports, as on
                           macOS or without root) | auto
  --fast-backoff           CrashLoopBackOff 10x faster, for demos
  --pod-eviction-timeout 10  seconds a stopped node keeps its pods before they are evicted and
                           recreated elsewhere (Kubernetes: 300)
  --kubeconfig PATH        remote mode: show the cluster this kubeconfig reaches instead of running
                           a lab (its API server, its own credentials; apply is server-side apply
                           with field manager l4lab); no local pods, proxy or DNS
  --context NAME           the kubeconfig's context to use (default: its current-context)
  --agent-url URL          remote mode: read this l4lab agent directly (repeatable; one run by hand
                           on a node) instead of l4lab-system's agent pods through the API server
  --agent-token-file FILE  the token --agent-url's agents require (X-L4lab-Agent-Token)
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
      'relay-processes': { type: 'string' },
      'events-rate-limit': { type: 'string' },
      workspace: { type: 'string' },
      fresh: { type: 'boolean' },
      scenario: { type: 'string' },
      expose: { type: 'boolean' },
      workshop: { type: 'boolean' },
      'allow-host-targets': { type: 'boolean' },
      nodes: { type: 'string' },
      'node-ip': { type: 'string' },
      'pod-cidr': { type: 'string' },
      'service-cidr': { type: 'string' },
      'lb-pool': { type: 'string' },
      addresses: { type: 'string' },
      'fast-backoff': { type: 'boolean' },
      'pod-eviction-timeout': { type: 'string' },
      'log-level': { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'agent-url': { type: 'string', multiple: true },
      'agent-token-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const get = (name: Exclude<keyof typeof values, 'agent-url'>, def: string): string => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const e = env[`L4LAB_${name.toUpperCase().replaceAll('-', '_')}`];
    return e ?? def;
  };
  const flag = (name: Exclude<keyof typeof values, 'agent-url'>): boolean => {
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
  const dataplane = dataplaneFlag(get('dataplane', 'userspace'));
  const proxyMode = get('proxy-mode', 'iptables');
  if (!parseProxyMode(proxyMode)) {
    throw new ConfigError(`--proxy-mode ${proxyMode}: expected one of ${PROXY_MODES.join(', ')}`);
  }
  const relays = Number(get('relay-processes', String(defaultRelayProcesses())));
  if (!Number.isInteger(relays) || relays < 0 || relays > 16)
    throw new ConfigError(`--relay-processes ${get('relay-processes', '')}: expected 0..16`);
  const eventsRateLimit = Number(get('events-rate-limit', String(DEFAULT_EVENTS_RATE_LIMIT)));
  if (!Number.isInteger(eventsRateLimit) || eventsRateLimit < 0 || eventsRateLimit > 10_000_000)
    throw new ConfigError(
      `--events-rate-limit ${get('events-rate-limit', '')}: expected new connections a second (0: no limit)`,
    );
  const eviction = Number(get('pod-eviction-timeout', '10'));
  if (!Number.isFinite(eviction) || eviction < 0 || eviction > 3600)
    throw new ConfigError(`--pod-eviction-timeout ${eviction}: expected 0..3600 seconds`);
  const nodes = Number(get('nodes', '3'));
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 50)
    throw new ConfigError(`--nodes ${nodes}: expected 1..50`);
  const workshop = flag('workshop');
  // A workshop is reached from the room's laptops: every interface, NodePorts on them too.
  const host = get('host', workshop ? '0.0.0.0' : '127.0.0.1');
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  const config: LabConfig = {
    port,
    host,
    workshop,
    runtime: runtime as RuntimeChoice,
    dataplane,
    proxyMode: parseProxyMode(proxyMode)!.name,
    relayProcesses: relays,
    eventsRateLimit,
    workspace: resolve(get('workspace', resolve(ROOT, '.l4lab'))),
    fresh: flag('fresh'),
    scenario: resolve(get('scenario', resolve(ROOT, 'scenarios/01-clusterip.yaml'))),
    expose: flag('expose') || (workshop && !loopback),
    allowHostTargets: flag('allow-host-targets'),
    nodes,
    nodeIP: get('node-ip', '127.18.0.2'),
    podCIDR: get('pod-cidr', '127.244.0.0/16'),
    serviceCIDR: get('service-cidr', '127.96.0.0/16'),
    loadBalancerPool: get('lb-pool', '127.200.0.0/24'),
    addresses: addressesFlag(get('addresses', 'auto')),
    backoffScale: flag('fast-backoff') ? 0.1 : 1,
    podEvictionTimeoutMs: eviction * 1000,
    // Development aid (CONTRIBUTING): a dashboard built elsewhere (`vite build --outDir DIR`).
    webDist: resolve(env.L4LAB_WEB_DIST ?? resolve(ROOT, 'apps/web/dist')),
    scenariosDir: resolve(ROOT, 'scenarios'),
    lessonsDir: resolve(ROOT, 'lessons'),
    logLevel: get('log-level', 'info'),
  };
  const kubeconfig = get('kubeconfig', '');
  const context = get('context', '');
  if (context && !kubeconfig)
    throw new ConfigError('--context names a context of --kubeconfig: pass both');
  if (kubeconfig) {
    // Nothing of the lab runs in remote mode: flags that shape it are refused, not ignored.
    if (workshop)
      throw new ConfigError('--workshop is not built yet in remote mode (--kubeconfig)');
    const local = LOCAL_LAB_FLAGS.filter((f) => values[f] !== undefined);
    if (local.length > 0)
      throw new ConfigError(
        `--${local[0]} shapes the local lab, which remote mode (--kubeconfig) does not run: drop it`,
      );
    const agents = agentsFlags(values['agent-url'], get('agent-token-file', ''));
    config.remote = {
      kubeconfig: resolve(kubeconfig.replace(/^~(?=\/)/, homedir())),
      ...(context ? { context } : {}),
      ...(agents ? { agents } : {}),
    };
    return config;
  }
  if (values['agent-url'] || values['agent-token-file'])
    throw new ConfigError(
      '--agent-url and --agent-token-file are for remote mode: add --kubeconfig',
    );
  const conflict = dataplane === 'nftables' ? nftablesConflict(config) : undefined;
  if (conflict)
    throw new ConfigError(
      `--dataplane nftables cannot serve ${conflict} yet: the cluster lives in a network ` +
        `namespace of its own; use --dataplane userspace`,
    );
  return config;
}

/** Flags of the embedded lab that mean nothing in remote mode (refused there, not ignored). */
const LOCAL_LAB_FLAGS = [
  'runtime',
  'dataplane',
  'proxy-mode',
  'relay-processes',
  'events-rate-limit',
  'fresh',
  'expose',
  'allow-host-targets',
  'nodes',
  'node-ip',
  'pod-cidr',
  'service-cidr',
  'lb-pool',
  'addresses',
  'fast-backoff',
  'pod-eviction-timeout',
] as const;

/** --agent-url URL (repeatable, http or https) with the --agent-token-file they all take. */
function agentsFlags(
  urls: string[] | undefined,
  tokenFile: string,
): { urls: string[]; tokenFile: string } | undefined {
  if (!urls?.length) {
    if (tokenFile)
      throw new ConfigError('--agent-token-file is the token of --agent-url: pass both');
    return undefined;
  }
  for (const u of urls) {
    let protocol = '';
    try {
      protocol = new URL(u).protocol;
    } catch {
      // not a URL: said below
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new ConfigError(`--agent-url ${u}: expected an http(s) URL like http://10.0.0.5:9641`);
  }
  if (!tokenFile)
    throw new ConfigError('--agent-url needs --agent-token-file (the token its agent requires)');
  return { urls, tokenFile: resolve(tokenFile.replace(/^~(?=\/)/, homedir())) };
}

function dataplaneFlag(v: string): DataplaneChoice {
  if (v === 'userspace' || v === 'nftables' || v === 'auto') return v;
  throw new ConfigError(`--dataplane ${v}: expected userspace, nftables or auto`);
}

/**
 * Why the kernel dataplane cannot serve this configuration (undefined: it can). The lab's
 * namespace holds every cluster address; the host's interfaces (--expose, --workshop) and
 * Docker's containers are outside it.
 */
export function nftablesConflict(config: LabConfig): string | undefined {
  if (config.workshop) return "--workshop (students reach the host's interfaces)";
  if (config.expose) return "--expose (NodePorts on the host's interfaces)";
  if (config.runtime === 'docker') return "--runtime docker (containers are in Docker's network)";
  return undefined;
}

function addressesFlag(v: string): 'auto' | 'native' | 'mapped' {
  if (v === 'auto' || v === 'native' || v === 'mapped') return v;
  throw new ConfigError(`--addresses ${v}: expected auto, native or mapped`);
}
