// Where bench:dataplane's load comes from: a client pod. Inside the bench's namespace (the
// node's), wrk runs in a network namespace of its own behind a veth, as a pod on a real node sits
// behind its veth. Both paths then cross the same interface, and the only difference between
// "direct to the pod" and "through the ClusterIP" is kube-proxy's DNAT, which happens in
// prerouting, before the routing decision, as it does for a pod's traffic on a node.
//
// From the node's own namespace (BENCH_CLIENT=node, and always when the bench runs in the
// host's), a connection to a ClusterIP is DNATed in output, after its route was chosen, and the
// kernel routes every packet again (ip_route_me_harder, ~2.6 % of the busy CPU at the bench's
// rates): what a node's own process (hostNetwork) pays, not a pod.
//
// Addresses: 198.18.0.1/30 on the node's side, 198.18.0.2/30 in the pod (RFC 2544's benchmarking
// range), inside namespaces the bench made. The pod's loopback stays down, so it has no local
// 127.0.0.0/8 route: the bench's 127.x targets are routed out of its veth, which route_localnet
// lets carry them (on both ends). Nothing else is routed: the pod's only route is the veth.
import { type ChildProcess, spawn } from 'node:child_process';
import { namespaceInode, requireTool, run } from '@l4lab/netns';

const NODE_SIDE = 'l4lab-client';
const NODE_IP = '198.18.0.1';
const POD_IP = '198.18.0.2';

export interface ClientPod {
  /** The command prefix that runs a program in the pod (`nsenter --net=...`). */
  prefix: string[];
  /** Its address, as the events and `conntrack -L` show it. */
  ip: string;
  stop(): void;
}

/** The pod's namespace, its veth and its routes; throws with what failed. */
export async function startClientPod(): Promise<ClientPod> {
  // The holder: `cat` reading a pipe from this process, so it ends when the bench does.
  const holder: ChildProcess = spawn(requireTool('unshare'), ['--net', '--', 'cat'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const stop = () => {
    holder.stdin?.destroy();
    holder.kill('SIGKILL');
  };
  try {
    const pid = holder.pid;
    if (pid === undefined) throw new Error('unshare --net did not start');
    await untilOwnNamespace(pid);
    const netns = `/proc/${pid}/ns/net`;
    const ip = requireTool('ip');
    const nsenter = requireTool('nsenter');
    const prefix = [nsenter, `--net=${netns}`];
    const steps: [string, string[]][] = [
      [ip, ['link', 'add', NODE_SIDE, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', `${pid}`]],
      [ip, ['addr', 'add', `${NODE_IP}/30`, 'dev', NODE_SIDE]],
      [ip, ['link', 'set', NODE_SIDE, 'up']],
      ['sh', ['-c', `echo 1 > /proc/sys/net/ipv4/conf/${NODE_SIDE}/route_localnet`]],
      [nsenter, [`--net=${netns}`, ip, 'addr', 'add', `${POD_IP}/30`, 'dev', 'eth0']],
      [nsenter, [`--net=${netns}`, ip, 'link', 'set', 'eth0', 'up']],
      [nsenter, [`--net=${netns}`, ip, 'route', 'add', 'default', 'via', NODE_IP]],
      [
        nsenter,
        [`--net=${netns}`, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet'],
      ],
    ];
    for (const [file, args] of steps) {
      const r = await run(file, args);
      if (r.code !== 0)
        throw new Error(`${[file, ...args].join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
    return { prefix, ip: POD_IP, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/** unshare switches namespaces just after the spawn: waits until the holder is in its own. */
async function untilOwnNamespace(pid: number): Promise<void> {
  const own = namespaceInode('self');
  for (const end = Date.now() + 3000; Date.now() < end;) {
    const net = namespaceInode(pid);
    if (net !== undefined && net !== own) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('unshare --net: no namespace of its own in 3 s');
}
