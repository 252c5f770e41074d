// How a remote cluster routes Services, read through its API server: kube-proxy (netfilter, which
// the l4lab agent's conntrack events follow), or a data plane that translates Services before
// netfilter sees them (Cilium's kube-proxy replacement, Calico's eBPF dataplane), where conntrack
// shows no Service translation as kube-proxy's rules make it and the agent's events would be
// wrong or missing. Each object read is a plain GET; 404 (no such object, or no such CRD) means
// "not this one", any other failure "could not tell" with the API server's own message.
import { parseManifests } from '@l4lab/manifests';
import { failureMessage, type KubeAnswer, type KubeApi } from './kubeClient.ts';

export type ServiceRoutingKind =
  'kube-proxy' | 'cilium-kube-proxy-replacement' | 'calico-ebpf' | 'unknown';

export interface ServiceRouting {
  kind: ServiceRoutingKind;
  /**
   * kube-proxy's mode (iptables, ipvs, nftables), Cilium's `kube-proxy-replacement` value, or
   * Calico's dataplane (BPF; VPP, which is `unknown` to the agent too).
   */
  mode?: string;
  /** For the header: what routes Services, and what that means for the agent's events. */
  detail: string;
}

const NOT_SEEN = "conntrack does not see them as kube-proxy's rules make them";
const NOT_AVAILABLE = `${NOT_SEEN}; per-connection routing from the l4lab agent is not available on this cluster`;

/** Cilium options that route some Services in eBPF even when kube-proxy-replacement is off. */
const CILIUM_SERVICE_OPTIONS: [key: string, what: string][] = [
  ['bpf-lb-sock', 'ClusterIP connections at connect() (bpf-lb-sock)'],
  [
    'enable-host-reachable-services',
    'ClusterIP connections at connect() (enable-host-reachable-services)',
  ],
  ['enable-node-port', 'NodePort and LoadBalancer Services (enable-node-port)'],
  ['enable-external-ips', 'externalIPs (enable-external-ips)'],
];

type Lookup =
  | { state: 'found'; body: unknown }
  | { state: 'absent'; why: string }
  | { state: 'unreadable'; why: string };

/** GET one object; `what` names it as kubectl does (`configmaps "cilium-config"`). */
async function lookup(api: KubeApi, path: string, what: string): Promise<Lookup> {
  let answer: KubeAnswer;
  try {
    answer = await api.request('GET', path, { timeoutMs: 10_000 });
  } catch (err) {
    return { state: 'unreadable', why: `${what}: ${(err as Error).message}` };
  }
  const message = failureMessage(answer);
  const why = message.includes(what) ? message : `${what}: ${message}`;
  if (answer.status === 200 && typeof answer.body === 'object' && answer.body !== null)
    return { state: 'found', body: answer.body };
  if (answer.status === 200) return { state: 'unreadable', why: `${what}: the answer is not JSON` };
  return answer.status === 404 ? { state: 'absent', why } : { state: 'unreadable', why };
}

function field(o: unknown, ...path: string[]): unknown {
  for (const k of path)
    o = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
  return o;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

interface KubeProxy {
  /** true: runs; false: not found; undefined: could not tell. */
  present: boolean | undefined;
  mode?: string;
  /** `iptables mode`, or why the mode was not read. */
  modeWords: string;
  tried: string[];
  unreadable: string[];
}

async function readKubeProxy(api: KubeApi): Promise<KubeProxy> {
  const tried: string[] = [];
  const unreadable: string[] = [];
  const ds = await lookup(
    api,
    '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy',
    'daemonsets.apps "kube-proxy"',
  );
  let present: boolean | undefined;
  if (ds.state === 'found') {
    // Calico's eBPF migration (and some Cilium ones) keep the DaemonSet with a nodeSelector no
    // node has: it runs nowhere.
    present = field(ds.body, 'status', 'desiredNumberScheduled') !== 0;
    if (!present)
      tried.push('daemonsets.apps "kube-proxy" schedules no pods (desiredNumberScheduled 0)');
  } else {
    (ds.state === 'absent' ? tried : unreadable).push(ds.why);
    // Or pods without the DaemonSet: k8s-app=kube-proxy (kubeadm's label), component=kube-proxy
    // (GKE's static pods).
    for (const label of ['k8s-app=kube-proxy', 'component=kube-proxy']) {
      const pods = await lookup(
        api,
        `/api/v1/namespaces/kube-system/pods?labelSelector=${encodeURIComponent(label)}&limit=1`,
        `pods with label ${label}`,
      );
      const items = field(pods.state === 'found' ? pods.body : undefined, 'items');
      if (Array.isArray(items) && items.length > 0) {
        present = true;
        break;
      }
      if (pods.state === 'unreadable') unreadable.push(pods.why);
      else tried.push(`no pods with label ${label} in kube-system`);
    }
    if (present === undefined && unreadable.length === 0) present = false;
  }
  if (!present) return { present, modeWords: '', tried, unreadable };
  return { present, tried, unreadable, ...(await readMode(api)) };
}

/** kube-proxy's mode from its KubeProxyConfiguration: kubeadm's ConfigMap, else EKS's. */
async function readMode(api: KubeApi): Promise<{ mode?: string; modeWords: string }> {
  const why: string[] = [];
  for (const [name, key] of [
    ['kube-proxy', 'config.conf'],
    ['kube-proxy-config', 'config'],
  ] as const) {
    const cm = await lookup(
      api,
      `/api/v1/namespaces/kube-system/configmaps/${name}`,
      `configmaps "${name}"`,
    );
    if (cm.state !== 'found') {
      why.push(cm.why);
      continue;
    }
    const conf = field(cm.body, 'data', key);
    if (typeof conf !== 'string') {
      why.push(`configmaps "${name}" has no ${key}`);
      continue;
    }
    const parsed = parseManifests(conf);
    const doc = parsed.errors.length === 0 ? parsed.documents[0]?.value : undefined;
    if (typeof doc !== 'object' || doc === null) {
      why.push(`configmaps "${name}"'s ${key} is not YAML it can read`);
      continue;
    }
    // An empty mode is iptables on Linux (kernelspace on Windows nodes).
    const mode = text(field(doc, 'mode')).toLowerCase() || 'iptables';
    return { mode, modeWords: `${mode} mode` };
  }
  return { modeWords: `mode not read: ${why.join('; ')}` };
}

interface Cilium {
  state: Lookup['state'];
  why: string;
  /** `kube-proxy-replacement`, lower case ('' when unset). */
  replacement: string;
  /** What cilium-config routes in eBPF besides a full replacement. */
  services: string[];
}

async function readCilium(api: KubeApi): Promise<Cilium> {
  const cm = await lookup(
    api,
    '/api/v1/namespaces/kube-system/configmaps/cilium-config',
    'configmaps "cilium-config"',
  );
  if (cm.state !== 'found') return { state: cm.state, why: cm.why, replacement: '', services: [] };
  const data = field(cm.body, 'data');
  const value = (k: string) => text(field(data, k)).toLowerCase();
  const services = CILIUM_SERVICE_OPTIONS.filter(([k]) => value(k) === 'true').map(
    ([, what]) => what,
  );
  return { state: 'found', why: '', replacement: value('kube-proxy-replacement'), services };
}

interface Calico {
  /** Where eBPF (or VPP) is switched on, when it is. */
  dataplane?: { mode: 'BPF' | 'VPP'; source: string };
  tried: string[];
  unreadable: string[];
}

async function readCalico(api: KubeApi): Promise<Calico> {
  const [felix, installation] = await Promise.all([
    lookup(
      api,
      '/apis/crd.projectcalico.org/v1/felixconfigurations/default',
      'felixconfigurations.crd.projectcalico.org "default"',
    ),
    lookup(
      api,
      '/apis/operator.tigera.io/v1/installations/default',
      'installations.operator.tigera.io "default"',
    ),
  ]);
  const tried: string[] = [];
  const unreadable: string[] = [];
  for (const l of [felix, installation])
    if (l.state !== 'found') (l.state === 'absent' ? tried : unreadable).push(l.why);
  const linux =
    installation.state === 'found'
      ? text(field(installation.body, 'spec', 'calicoNetwork', 'linuxDataplane'))
      : '';
  if (linux === 'BPF' || linux === 'VPP')
    return {
      dataplane: {
        mode: linux,
        source: `Installation default: spec.calicoNetwork.linuxDataplane ${linux}`,
      },
      tried,
      unreadable,
    };
  if (felix.state === 'found' && field(felix.body, 'spec', 'bpfEnabled') === true)
    return {
      dataplane: { mode: 'BPF', source: 'FelixConfiguration default: spec.bpfEnabled true' },
      tried,
      unreadable,
    };
  if (felix.state === 'found')
    tried.push('FelixConfiguration default: spec.bpfEnabled is not true');
  if (installation.state === 'found')
    tried.push(`Installation default: spec.calicoNetwork.linuxDataplane ${linux || 'unset'}`);
  return { tried, unreadable };
}

/** Which data plane routes the cluster's Services, from what the API server shows. */
export async function detectServiceRouting(api: KubeApi): Promise<ServiceRouting> {
  const [kp, cilium, calico] = await Promise.all([
    readKubeProxy(api),
    readCilium(api),
    readCalico(api),
  ]);
  return decide(kp, cilium, calico);
}

function decide(kp: KubeProxy, cilium: Cilium, calico: Calico): ServiceRouting {
  const alongside = (who: string) =>
    kp.present
      ? ` (kube-proxy runs too, ${kp.modeWords}, but ${who} translates Services before its rules see them)`
      : '';
  const r = cilium.replacement;
  if (r === 'true' || r === 'strict')
    return {
      kind: 'cilium-kube-proxy-replacement',
      mode: r,
      detail: `Cilium's kube-proxy replacement routes Services in eBPF${alongside('Cilium')}: ${NOT_AVAILABLE} (Hubble's flow API would show it: not built)`,
    };
  if (calico.dataplane?.mode === 'BPF')
    return {
      kind: 'calico-ebpf',
      mode: 'BPF',
      detail: `Calico's eBPF dataplane routes Services in eBPF${alongside('Calico')} (${calico.dataplane.source}): ${NOT_AVAILABLE}`,
    };
  if (calico.dataplane?.mode === 'VPP')
    return {
      kind: 'unknown',
      mode: 'VPP',
      detail: `Calico's VPP dataplane routes Services in VPP, outside the kernel's netfilter (${calico.dataplane.source}): ${NOT_AVAILABLE}`,
    };
  const partial = ciliumPartial(cilium, alongside('Cilium'));
  if (partial) return partial;
  const ciliumOff =
    cilium.state === 'found'
      ? `; Cilium's kube-proxy replacement is ${r ? `"${r}"` : 'not set'}`
      : '';
  const unreadable = [
    ...kp.unreadable,
    ...(cilium.state === 'unreadable' ? [cilium.why] : []),
    ...calico.unreadable,
  ];
  if (kp.present) {
    const others = [...(cilium.state === 'unreadable' ? [cilium.why] : []), ...calico.unreadable];
    const unsure = others.length
      ? `; could not tell whether Cilium or Calico route Services instead: ${others.join('; ')}`
      : '';
    return {
      kind: 'kube-proxy',
      ...(kp.mode ? { mode: kp.mode } : {}),
      detail: `kube-proxy (${kp.modeWords})${ciliumOff}${unsure}`,
    };
  }
  const tried = [...kp.tried, ...(cilium.state === 'absent' ? [cilium.why] : []), ...calico.tried];
  if (cilium.state === 'found')
    tried.push(`Cilium's kube-proxy replacement is ${r ? `"${r}"` : 'not set'}`);
  return {
    kind: 'unknown',
    detail: unreadable.length
      ? `could not tell how this cluster routes Services: ${unreadable.join('; ')} (also tried: ${tried.join('; ')})`
      : `no kube-proxy, Cilium kube-proxy replacement or Calico eBPF dataplane found: ${tried.join('; ')}`,
  };
}

/** Cilium before 1.14 ("partial", "probe"), or options that route some Services in eBPF. */
function ciliumPartial(cilium: Cilium, alongside: string): ServiceRouting | undefined {
  if (cilium.state !== 'found') return undefined;
  const r = cilium.replacement;
  if (r === 'probe' && cilium.services.length === 0)
    return {
      kind: 'cilium-kube-proxy-replacement',
      mode: r,
      detail: `Cilium's kube-proxy replacement is "probe": each node routes in eBPF the Services its kernel supports${alongside}; for those, ${NOT_SEEN}, and the l4lab agent's events would be wrong or missing`,
    };
  if (cilium.services.length === 0) return undefined; // "partial" with no option on: kube-proxy's
  return {
    kind: 'cilium-kube-proxy-replacement',
    mode: r || 'unset',
    detail: `Cilium's kube-proxy replacement is ${r ? `"${r}"` : 'not set'}; cilium-config has it route ${cilium.services.join(', ')} in eBPF${alongside}; for those, ${NOT_SEEN}, and the l4lab agent's events would be wrong or missing`,
  };
}
