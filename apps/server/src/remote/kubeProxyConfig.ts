// IPVS's scheduler on a real cluster: kube-proxy's `ipvs.scheduler`, from the ConfigMap
// kube-system/kube-proxy's `config.conf` (kubeadm's layout) when it can be read; else rr, the
// kernel's default and kube-proxy's when the field is empty, and the reason says it was assumed.
import { parseManifests } from '@l4lab/manifests';
import { failureMessage, type KubeApi } from './kubeClient.ts';

export const KUBE_PROXY_CONFIGMAP = '/api/v1/namespaces/kube-system/configmaps/kube-proxy';

export interface IpvsScheduler {
  scheduler: string;
  /** Set when the scheduler was not read: why rr is assumed. */
  assumed?: string;
}

export async function readIpvsScheduler(client: KubeApi): Promise<IpvsScheduler> {
  const assume = (why: string): IpvsScheduler => ({
    scheduler: 'rr',
    assumed: `IPVS scheduler rr assumed (the kernel's default): ${why}`,
  });
  let answer;
  try {
    answer = await client.request('GET', KUBE_PROXY_CONFIGMAP, { timeoutMs: 10_000 });
  } catch (err) {
    return assume(`configmaps "kube-proxy" unreadable: ${(err as Error).message}`);
  }
  if (answer.status !== 200) return assume(failureMessage(answer));
  const conf = (answer.body as { data?: Record<string, string> }).data?.['config.conf'];
  if (conf === undefined) return assume('configmaps "kube-proxy" has no config.conf');
  const parsed = parseManifests(conf);
  const doc = parsed.errors.length === 0 ? parsed.documents[0]?.value : undefined;
  const ipvs = (doc as { ipvs?: { scheduler?: unknown } } | undefined)?.ipvs;
  if (doc === undefined) return assume("kube-proxy's config.conf is not YAML it can read");
  const scheduler = typeof ipvs?.scheduler === 'string' ? ipvs.scheduler.trim() : '';
  if (!scheduler) return { scheduler: 'rr' }; // kube-proxy leaves it to the kernel: rr
  return { scheduler: scheduler.toLowerCase() };
}
