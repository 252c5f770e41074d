// What a pod's shells (kubectl exec's, and a stand-in container's) say of the network tools l4lab
// does not run, with what does the same here: a class types `ping my-nginx` first.

const PING =
  "l4lab's pods send TCP and UDP, not ICMP: nc -zv HOST PORT tries a port (a Service's ClusterIP answers on the Service's ports only, and on a cluster in iptables mode never answers ping)";
const DNS = 'nslookup HOST asks the cluster DNS';
const ADDRESS = "hostname -i prints the pod's IP";

const HINTS: Record<string, string> = {
  ping: PING,
  traceroute: PING,
  tracepath: PING,
  dig: DNS,
  host: DNS,
  ip: ADDRESS,
  ifconfig: ADDRESS,
};

/** Why l4lab does not run this network tool and what to use instead; undefined for any other. */
export function missingToolHint(name: string): string | undefined {
  return Object.hasOwn(HINTS, name) ? HINTS[name] : undefined;
}
