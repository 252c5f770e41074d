// detectServiceRouting against an in-memory API server (a KubeApi answering GETs from a table of
// paths; anything else 404s as kube-apiserver does for an unknown object or CRD), and once through
// KubeClient against a fake API server on 127.0.0.1 (plain HTTP, a port of the kernel's choosing).
// No addresses are dialled but 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeAnswer, type KubeApi } from './kubeClient.ts';
import { detectServiceRouting } from './serviceRouting.ts';

const DAEMONSET = '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy';
const PODS_K8S_APP =
  '/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-proxy&limit=1';
const PODS_COMPONENT =
  '/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-proxy&limit=1';
const KUBE_PROXY_CM = '/api/v1/namespaces/kube-system/configmaps/kube-proxy';
const EKS_CM = '/api/v1/namespaces/kube-system/configmaps/kube-proxy-config';
const CILIUM_CM = '/api/v1/namespaces/kube-system/configmaps/cilium-config';
const FELIX = '/apis/crd.projectcalico.org/v1/felixconfigurations/default';
const INSTALLATION = '/apis/operator.tigera.io/v1/installations/default';

const CILIUM_DETAIL =
  "Cilium's kube-proxy replacement routes Services in eBPF: conntrack does not see them as kube-proxy's rules make them; per-connection routing from the l4lab agent is not available on this cluster (Hubble's flow API would show it: not built)";

type Answer = { status: number; body: unknown } | Error;

const status = (code: number, reason: string, message: string) => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code },
});
const ok = (body: unknown) => ({ status: 200, body });
const forbidden = (resource: string, name: string, group = '') =>
  status(
    403,
    'Forbidden',
    `${resource}${group ? `.${group}` : ''} "${name}" is forbidden: User "viewer" cannot get resource "${resource}" in API group "${group}" in the namespace "kube-system"`,
  );

const daemonSet = (desired = 3) =>
  ok({
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    metadata: { name: 'kube-proxy', namespace: 'kube-system' },
    status: { desiredNumberScheduled: desired, numberReady: desired },
  });
const configMap = (name: string, data: Record<string, string>) =>
  ok({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace: 'kube-system' }, data });
/** kubeadm's layout: the KubeProxyConfiguration in config.conf. */
const kubeadmConfig = (mode: string) =>
  configMap('kube-proxy', {
    'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nipvs:\n  scheduler: ""\nmode: "${mode}"\n`,
    'kubeconfig.conf': 'apiVersion: v1\nkind: Config\n',
  });
const podList = (n: number) =>
  ok({
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '1' },
    items: Array.from({ length: n }, (_, i) => ({ metadata: { name: `kube-proxy-node-${i}` } })),
  });
const felix = (spec: Record<string, unknown>) =>
  ok({ apiVersion: 'crd.projectcalico.org/v1', kind: 'FelixConfiguration', spec });
const installation = (linuxDataplane: string) =>
  ok({
    apiVersion: 'operator.tigera.io/v1',
    kind: 'Installation',
    spec: { calicoNetwork: { linuxDataplane } },
  });

/** A KubeApi answering GETs from `table`; the rest 404 as kube-apiserver does. */
function fakeApi(table: Record<string, Answer>): KubeApi & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async request(method: string, path: string): Promise<KubeAnswer> {
      expect(method).toBe('GET');
      paths.push(path);
      const a = table[path];
      if (a instanceof Error) throw a;
      if (a) return { ...a, warnings: [] };
      const name = /\/([^/?]+)$/.exec(path)?.[1] ?? '';
      if (
        path.startsWith('/apis/crd.projectcalico.org') ||
        path.startsWith('/apis/operator.tigera.io')
      )
        return {
          ...status(404, 'NotFound', 'the server could not find the requested resource'),
          warnings: [],
        };
      if (path.includes('?')) return { ...podList(0), warnings: [] };
      const resource = path.includes('/daemonsets/') ? 'daemonsets.apps' : 'configmaps';
      return { ...status(404, 'NotFound', `${resource} "${name}" not found`), warnings: [] };
    },
  };
}

describe('kube-proxy', () => {
  it("reads the mode from kubeadm's ConfigMap; an empty mode is iptables", async () => {
    const api = fakeApi({ [DAEMONSET]: daemonSet(), [KUBE_PROXY_CM]: kubeadmConfig('') });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'kube-proxy',
      mode: 'iptables',
      detail: 'kube-proxy (iptables mode)',
    });
    expect(api.paths).toEqual(
      expect.arrayContaining([DAEMONSET, KUBE_PROXY_CM, CILIUM_CM, FELIX, INSTALLATION]),
    );
  });

  it('names ipvs and nftables modes', async () => {
    for (const mode of ['ipvs', 'nftables']) {
      const api = fakeApi({ [DAEMONSET]: daemonSet(), [KUBE_PROXY_CM]: kubeadmConfig(mode) });
      expect(await detectServiceRouting(api)).toEqual({
        kind: 'kube-proxy',
        mode,
        detail: `kube-proxy (${mode} mode)`,
      });
    }
  });

  it("reads EKS's kube-proxy-config when kube-proxy's ConfigMap holds only a kubeconfig", async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: configMap('kube-proxy', { kubeconfig: 'apiVersion: v1\nkind: Config\n' }),
      [EKS_CM]: configMap('kube-proxy-config', {
        config:
          'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "ipvs"\n',
      }),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'kube-proxy',
      mode: 'ipvs',
      detail: 'kube-proxy (ipvs mode)',
    });
  });

  it("finds static pods (GKE's component=kube-proxy) and says when the mode was not read", async () => {
    const api = fakeApi({ [PODS_COMPONENT]: podList(2) });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'kube-proxy',
      detail:
        'kube-proxy (mode not read: configmaps "kube-proxy" not found; configmaps "kube-proxy-config" not found)',
    });
    expect(api.paths).toContain(PODS_K8S_APP);
  });

  it('finds pods labelled k8s-app=kube-proxy without the DaemonSet', async () => {
    const api = fakeApi({ [PODS_K8S_APP]: podList(1), [KUBE_PROXY_CM]: kubeadmConfig('ipvs') });
    expect(await detectServiceRouting(api)).toMatchObject({ kind: 'kube-proxy', mode: 'ipvs' });
    expect(api.paths).not.toContain(PODS_COMPONENT);
  });

  it("says when kube-proxy's config.conf is not YAML", async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: configMap('kube-proxy', { 'config.conf': 'mode: [' }),
    });
    expect((await detectServiceRouting(api)).detail).toBe(
      `kube-proxy (mode not read: configmaps "kube-proxy"'s config.conf is not YAML it can read; configmaps "kube-proxy-config" not found)`,
    );
  });
});

describe("Cilium's kube-proxy replacement", () => {
  it('"true" without kube-proxy: Services are routed in eBPF', async () => {
    const api = fakeApi({
      [CILIUM_CM]: configMap('cilium-config', {
        'kube-proxy-replacement': 'true',
        'bpf-lb-sock': 'false',
      }),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'cilium-kube-proxy-replacement',
      mode: 'true',
      detail: CILIUM_DETAIL,
    });
  });

  it('"strict" with kube-proxy still running: says both', async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig('iptables'),
      [CILIUM_CM]: configMap('cilium-config', { 'kube-proxy-replacement': 'strict' }),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'cilium-kube-proxy-replacement',
      mode: 'strict',
      detail:
        "Cilium's kube-proxy replacement routes Services in eBPF (kube-proxy runs too, iptables mode, but Cilium translates Services before its rules see them): conntrack does not see them as kube-proxy's rules make them; per-connection routing from the l4lab agent is not available on this cluster (Hubble's flow API would show it: not built)",
    });
  });

  it('"false" (or "disabled") with kube-proxy: kube-proxy routes Services', async () => {
    for (const value of ['false', 'disabled']) {
      const api = fakeApi({
        [DAEMONSET]: daemonSet(),
        [KUBE_PROXY_CM]: kubeadmConfig(''),
        [CILIUM_CM]: configMap('cilium-config', {
          'kube-proxy-replacement': value,
          'bpf-lb-sock': 'false',
        }),
      });
      expect(await detectServiceRouting(api)).toEqual({
        kind: 'kube-proxy',
        mode: 'iptables',
        detail: `kube-proxy (iptables mode); Cilium's kube-proxy replacement is "${value}"`,
      });
    }
  });

  it('"false" but socket LB on: ClusterIP connections bypass netfilter', async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig(''),
      [CILIUM_CM]: configMap('cilium-config', {
        'kube-proxy-replacement': 'false',
        'bpf-lb-sock': 'true',
      }),
    });
    const r = await detectServiceRouting(api);
    expect(r.kind).toBe('cilium-kube-proxy-replacement');
    expect(r.mode).toBe('false');
    expect(r.detail).toContain('ClusterIP connections at connect() (bpf-lb-sock) in eBPF');
    expect(r.detail).toContain("the l4lab agent's events would be wrong or missing");
  });

  it('"partial" (before Cilium 1.14) names the options it routes in eBPF', async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig(''),
      [CILIUM_CM]: configMap('cilium-config', {
        'kube-proxy-replacement': 'partial',
        'enable-node-port': 'true',
        'enable-host-reachable-services': 'false',
      }),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'cilium-kube-proxy-replacement',
      mode: 'partial',
      detail:
        `Cilium's kube-proxy replacement is "partial"; cilium-config has it route NodePort and LoadBalancer Services (enable-node-port) in eBPF` +
        ` (kube-proxy runs too, iptables mode, but Cilium translates Services before its rules see them);` +
        ` for those, conntrack does not see them as kube-proxy's rules make them, and the l4lab agent's events would be wrong or missing`,
    });
  });

  it('"partial" with no option on leaves Services to kube-proxy', async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig('ipvs'),
      [CILIUM_CM]: configMap('cilium-config', { 'kube-proxy-replacement': 'partial' }),
    });
    expect(await detectServiceRouting(api)).toMatchObject({ kind: 'kube-proxy', mode: 'ipvs' });
  });

  it('"probe" routes what each kernel supports in eBPF', async () => {
    const api = fakeApi({
      [CILIUM_CM]: configMap('cilium-config', { 'kube-proxy-replacement': 'probe' }),
    });
    const r = await detectServiceRouting(api);
    expect(r).toMatchObject({ kind: 'cilium-kube-proxy-replacement', mode: 'probe' });
    expect(r.detail).toContain('each node routes in eBPF the Services its kernel supports');
  });
});

describe("Calico's eBPF dataplane", () => {
  const CALICO_TAIL =
    "conntrack does not see them as kube-proxy's rules make them; per-connection routing from the l4lab agent is not available on this cluster";

  it('FelixConfiguration default: spec.bpfEnabled', async () => {
    const api = fakeApi({ [FELIX]: felix({ bpfEnabled: true, logSeverityScreen: 'Info' }) });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'calico-ebpf',
      mode: 'BPF',
      detail: `Calico's eBPF dataplane routes Services in eBPF (FelixConfiguration default: spec.bpfEnabled true): ${CALICO_TAIL}`,
    });
  });

  it("the operator's Installation default: linuxDataplane BPF, kube-proxy's DaemonSet scheduled nowhere", async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(0),
      [KUBE_PROXY_CM]: kubeadmConfig(''),
      [FELIX]: felix({ bpfEnabled: false }),
      [INSTALLATION]: installation('BPF'),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'calico-ebpf',
      mode: 'BPF',
      detail: `Calico's eBPF dataplane routes Services in eBPF (Installation default: spec.calicoNetwork.linuxDataplane BPF): ${CALICO_TAIL}`,
    });
  });

  it('eBPF with kube-proxy still running: says both', async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig('iptables'),
      [FELIX]: felix({ bpfEnabled: true }),
    });
    expect((await detectServiceRouting(api)).detail).toContain(
      '(kube-proxy runs too, iptables mode, but Calico translates Services before its rules see them)',
    );
  });

  it('Calico on iptables leaves Services to kube-proxy', async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig(''),
      [FELIX]: felix({}),
      [INSTALLATION]: installation('Iptables'),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'kube-proxy',
      mode: 'iptables',
      detail: 'kube-proxy (iptables mode)',
    });
  });

  it("Calico's VPP dataplane is named, not taken for kube-proxy", async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig(''),
      [INSTALLATION]: installation('VPP'),
    });
    const r = await detectServiceRouting(api);
    expect(r).toMatchObject({ kind: 'unknown', mode: 'VPP' });
    expect(r.detail).toContain("Calico's VPP dataplane routes Services in VPP");
  });
});

describe('when nothing answers', () => {
  it('404 everywhere: unknown, with what was tried', async () => {
    const r = await detectServiceRouting(fakeApi({}));
    expect(r).toEqual({
      kind: 'unknown',
      detail:
        'no kube-proxy, Cilium kube-proxy replacement or Calico eBPF dataplane found: ' +
        'daemonsets.apps "kube-proxy" not found; ' +
        'no pods with label k8s-app=kube-proxy in kube-system; ' +
        'no pods with label component=kube-proxy in kube-system; ' +
        'configmaps "cilium-config" not found; ' +
        'felixconfigurations.crd.projectcalico.org "default": the server could not find the requested resource; ' +
        'installations.operator.tigera.io "default": the server could not find the requested resource',
    });
  });

  it("403 on cilium-config with kube-proxy running: kube-proxy, and the API server's message", async () => {
    const api = fakeApi({
      [DAEMONSET]: daemonSet(),
      [KUBE_PROXY_CM]: kubeadmConfig(''),
      [CILIUM_CM]: forbidden('configmaps', 'cilium-config'),
    });
    expect(await detectServiceRouting(api)).toEqual({
      kind: 'kube-proxy',
      mode: 'iptables',
      detail:
        'kube-proxy (iptables mode); could not tell whether Cilium or Calico route Services instead: ' +
        'configmaps "cilium-config" is forbidden: User "viewer" cannot get resource "configmaps" in API group "" in the namespace "kube-system"',
    });
  });

  it('403 on everything: could not tell, with the messages; never a crash', async () => {
    const api = fakeApi({
      [DAEMONSET]: forbidden('daemonsets', 'kube-proxy', 'apps'),
      [PODS_K8S_APP]: status(
        403,
        'Forbidden',
        'pods is forbidden: User "viewer" cannot list resource "pods"',
      ),
      [PODS_COMPONENT]: status(
        403,
        'Forbidden',
        'pods is forbidden: User "viewer" cannot list resource "pods"',
      ),
      [CILIUM_CM]: forbidden('configmaps', 'cilium-config'),
      [FELIX]: status(
        403,
        'Forbidden',
        'felixconfigurations.crd.projectcalico.org "default" is forbidden',
      ),
      [INSTALLATION]: status(
        403,
        'Forbidden',
        'installations.operator.tigera.io "default" is forbidden',
      ),
    });
    const r = await detectServiceRouting(api);
    expect(r.kind).toBe('unknown');
    expect(r.mode).toBeUndefined();
    expect(r.detail).toMatch(/^could not tell how this cluster routes Services: /);
    expect(r.detail).toContain('daemonsets.apps "kube-proxy" is forbidden');
    expect(r.detail).toContain('pods with label k8s-app=kube-proxy: pods is forbidden');
    expect(r.detail).toContain('configmaps "cilium-config" is forbidden');
    expect(r.detail).toContain('installations.operator.tigera.io "default" is forbidden');
  });

  it('a request that fails (connection refused) is "could not tell", not a throw', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), {
      code: 'ECONNREFUSED',
    });
    const api = fakeApi({
      [DAEMONSET]: refused,
      [PODS_K8S_APP]: refused,
      [PODS_COMPONENT]: refused,
      [CILIUM_CM]: refused,
      [FELIX]: refused,
      [INSTALLATION]: refused,
    });
    const r = await detectServiceRouting(api);
    expect(r.kind).toBe('unknown');
    expect(r.detail).toContain('configmaps "cilium-config": connect ECONNREFUSED 127.0.0.1:6443');
  });
});

describe('through KubeClient, against a fake API server on 127.0.0.1', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  it("sends GETs with the kubeconfig's token and reads Cilium's replacement and a 403", async () => {
    const seen: { method: string; path: string; auth: string }[] = [];
    const table: Record<string, Answer> = {
      [CILIUM_CM]: configMap('cilium-config', { 'kube-proxy-replacement': 'true' }),
      [DAEMONSET]: forbidden('daemonsets', 'kube-proxy', 'apps'),
    };
    const answers = fakeApi(table);
    server = createServer(function serve(req: IncomingMessage, res) {
      const path = req.url ?? '';
      seen.push({ method: req.method ?? '', path, auth: req.headers.authorization ?? '' });
      answers.request('GET', path).then(
        (a) =>
          res
            .writeHead(a.status, { 'Content-Type': 'application/json' })
            .end(JSON.stringify(a.body)),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'fake',
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'tester', token: 'routing-token-for-tests' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
      currentContext: 'fake',
    });
    expect(await detectServiceRouting(new KubeClient(kc))).toEqual({
      kind: 'cilium-kube-proxy-replacement',
      mode: 'true',
      detail: CILIUM_DETAIL,
    });
    expect(seen.map((s) => s.path)).toEqual(
      expect.arrayContaining([DAEMONSET, PODS_K8S_APP, CILIUM_CM, FELIX, INSTALLATION]),
    );
    for (const s of seen) {
      expect(s.method).toBe('GET');
      expect(s.auth).toBe('Bearer routing-token-for-tests');
    }
  });
});
