// The agent's command line (main.ts's header says how the DaemonSet runs it).

export interface AgentOptions {
  /** Where GET /events and /healthz listen (on a node: its own addresses, hostNetwork). */
  host: string;
  port: number;
  /** The shared token (the mounted Secret's file), required of every /events client. */
  tokenFile: string;
  /** This node's name (the downward API's spec.nodeName, as NODE_NAME). */
  node: string;
  /** kube-proxy's metrics server, which answers `/proxyMode`. */
  kubeProxyUrl: string;
  /** `native` (ctevents, built on first use; `conntrack -E` when it cannot be) or `cli`. */
  reader: 'native' | 'cli';
  /**
   * Read conntrack in this network namespace (a path like /run/netns/NAME) instead of the
   * agent's own: the reader runs through `nsenter --net=PATH`, the HTTP server stays here.
   */
  netns?: string;
  /**
   * Stream every TCP/UDP flow, not only those conntrack shows translated (DNAT: what kube-proxy
   * does to a Service's ClusterIP, NodePort, LoadBalancer and external IPs, in iptables,
   * nftables and IPVS modes alike).
   */
  allFlows?: boolean;
}

export const DEFAULT_LISTEN = '0.0.0.0:9641';
export const DEFAULT_KUBE_PROXY_URL = 'http://127.0.0.1:10249';

export const USAGE = `usage: l4lab-agent --token-file FILE [--node NAME] [--listen HOST:PORT]
                   [--kube-proxy-url URL] [--reader native|cli] [--netns PATH] [--all-flows]
  --token-file FILE     the token /events requires in X-L4lab-Agent-Token (required)
  --node NAME           this node's name (default: env NODE_NAME, from the downward API)
  --listen HOST:PORT    where /events and /healthz listen (default ${DEFAULT_LISTEN})
  --kube-proxy-url URL  kube-proxy's metrics server (default ${DEFAULT_KUBE_PROXY_URL})
  --reader native|cli   conntrack's event reader: native (default; conntrack -E where it
                        cannot be built) or cli (conntrack -E)
  --netns PATH          read conntrack (and its sysctls) in this network namespace, e.g.
                        /run/netns/NAME, through nsenter; /events is still served from here
  --all-flows           stream every flow; by default only those conntrack shows translated
                        (DNAT: kube-proxy's Service frontends), so pod-to-pod traffic stays home
`;

export type ParsedArgs =
  { ok: true; options: AgentOptions } | { ok: false; error: string } | { ok: false; help: true };

const FLAGS = new Set([
  '--listen',
  '--token-file',
  '--node',
  '--kube-proxy-url',
  '--reader',
  '--netns',
]);

export function parseAgentArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedArgs {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { ok: false, help: true };
    if (arg === '--all-flows') {
      given.set(arg, 'true');
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!FLAGS.has(flag)) return { ok: false, error: `unknown flag: ${arg}` };
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return { ok: false, error: `${flag} needs a value` };
    given.set(flag, value);
  }
  const listen = parseListen(given.get('--listen') ?? DEFAULT_LISTEN);
  if (typeof listen === 'string') return { ok: false, error: listen };
  const tokenFile = given.get('--token-file');
  if (!tokenFile) return { ok: false, error: '--token-file is required' };
  const node = given.get('--node') ?? env.NODE_NAME ?? '';
  if (!node)
    return {
      ok: false,
      error: '--node or env NODE_NAME is required (fieldRef spec.nodeName in the DaemonSet)',
    };
  const kubeProxyUrl = given.get('--kube-proxy-url') ?? DEFAULT_KUBE_PROXY_URL;
  if (!/^https?:$/.test(urlProtocol(kubeProxyUrl)))
    return { ok: false, error: `--kube-proxy-url: not an http(s) URL: ${kubeProxyUrl}` };
  const reader = given.get('--reader') ?? 'native';
  if (reader !== 'native' && reader !== 'cli')
    return { ok: false, error: `--reader: native or cli, not ${reader}` };
  const netns = given.get('--netns');
  if (netns !== undefined && !netns.startsWith('/'))
    return { ok: false, error: `--netns: an absolute path like /run/netns/NAME, not ${netns}` };
  return {
    ok: true,
    options: {
      ...listen,
      tokenFile,
      node,
      kubeProxyUrl,
      reader,
      ...(netns ? { netns } : {}),
      ...(given.has('--all-flows') ? { allFlows: true } : {}),
    },
  };
}

/** `HOST:PORT`, `[IPv6]:PORT`; a message when it is neither. */
function parseListen(s: string): { host: string; port: number } | string {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535)
    return `--listen: expected HOST:PORT (like ${DEFAULT_LISTEN}), got ${s}`;
  return { host: m[1] ?? m[2]!, port };
}

function urlProtocol(s: string): string {
  try {
    return new URL(s).protocol;
  } catch {
    return '';
  }
}
