// l4lab's per-node agent (issue 19): reads conntrack's NEW and DESTROY events on its node and
// streams them, with kube-proxy's mode on that node, to the l4lab server, which joins them with
// the watched objects (@l4lab/agent's ClusterJoiner) into the dashboard's ConnectionEvents.
//
// Who connects to whom: the l4lab server connects to each agent through the Kubernetes API
// server's proxy, `GET /api/v1/namespaces/l4lab-system/pods/<pod>:9641/proxy/events`; the agent
// never connects to l4lab. The laptop running l4lab need not be reachable from the cluster (NAT,
// a cloud cluster); l4lab already holds credentials for the API server, the agent holds none for
// l4lab; and RBAC on `pods/proxy` in l4lab-system decides who may read the events. The agent
// runs with hostNetwork (it must read the node's conntrack), so its port is on the node's
// address, reachable by anything that reaches the node: every /events request must therefore
// carry the shared token in `X-L4lab-Agent-Token` (compared in constant time; the API server's
// proxy forwards the header), read from `--token-file`, a file mounted from the Secret that
// `l4lab agent install` creates. Without it: 401 Unauthorized, as the API server words it.
//
// How it runs (the DaemonSet's container; its image recipe is a later step, not built here):
//   node --import tsx apps/agent/src/main.ts --token-file /var/run/l4lab/token
//   --listen HOST:PORT     default 0.0.0.0:9641 (hostNetwork: the node's addresses)
//   --token-file FILE      required; re-read at each /events request (a rotated Secret works)
//   --node NAME            default env NODE_NAME (downward API: fieldRef spec.nodeName)
//   --kube-proxy-url URL   default http://127.0.0.1:10249 (kube-proxy's metricsBindAddress)
//   --reader native|cli    default native (ctevents; `conntrack -E` where it cannot be built)
//   --netns PATH           read conntrack in another network namespace (/run/netns/NAME)
// `--netns`: for an agent that serves from outside the namespace it watches (a node whose pods'
// or a lab's network namespace is not the agent's, and the end-to-end test, which watches lab
// A's namespace from the host's): the conntrack reader and the sysctl reads run through
// `nsenter --net=PATH` (util-linux; entering a network namespace needs CAP_SYS_ADMIN), while
// /events and /healthz stay on the agent's own namespace's addresses.
// Needs: hostNetwork, capability NET_ADMIN (ctnetlink's event groups and look-ups, and
// SO_RCVBUFFORCE for the event socket's 32 MiB buffer), a C compiler where the native reader is
// built on first use (else `conntrack -E` from conntrack-tools runs instead, and says so).
// Serves: `GET /events` (token; application/x-ndjson, packages/agent/src/wire.ts: `hello`, then
// `conntrack` events as the kernel reported them, `lost`, `mode`, `stats` every 5 s) and
// `GET /healthz` (`ok`, no token). Logs: JSON lines on stderr.
// Reads: conntrack NEW/DESTROY (ctnetlink) in its network namespace (the node's); the sysctls
// nf_conntrack_acct and nf_conntrack_tcp_timeout_{time_wait,close} (reported in the hello);
// kube-proxy's `/proxyMode` (at start, then every 60 s; a change is a `mode` line).
// Streams: only flows conntrack shows translated (DNAT: kube-proxy's Service frontends, in every
// mode); `--all-flows` streams every TCP/UDP flow.
// Never: writes a sysctl (no nf_conntrack_acct, no timeouts: the node's are the node's), writes an
// nftables or iptables rule, deletes a conntrack entry, or dumps the whole table. The native
// reader's look-ups read single entries (an expired one is reaped on the way, as the kernel's
// garbage collector would a little later). It does not refuse the host's network namespace, as
// the lab's dataplane does: on a node, the host's namespace is the point.
import { Agent } from './agent.ts';
import { jsonLogger } from './logger.ts';
import { parseAgentArgs, USAGE } from './options.ts';

async function main(): Promise<number> {
  const parsed = parseAgentArgs(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    if ('help' in parsed) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`l4lab-agent: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const logger = jsonLogger();
  const agent = new Agent({ ...parsed.options, logger });
  try {
    await agent.start();
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'the agent cannot start');
    await agent.stop();
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'stopping');
  await agent.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
