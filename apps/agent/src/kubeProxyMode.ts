// kube-proxy's mode on this node, from its metrics server's `/proxyMode` (kube-proxy answers
// `iptables`, `nftables` or `ipvs`, on 127.0.0.1:10249 by default: `metricsBindAddress`). The
// agent shares the node's network namespace (hostNetwork), so that loopback address is the
// node's. IPVS's scheduler is not in that answer: the server reads kube-proxy's ConfigMap for it.
import { parseNodeProxyMode, type AgentMode } from '@l4lab/agent';
import type { LineProcessOptions } from '@l4lab/dataplane';

type TimerHandle = ReturnType<LineProcessOptions['clock']['setTimeout']>;

export type KubeProxyModeReport = Pick<AgentMode, 'kubeProxyMode' | 'kubeProxyModeReason'>;

export const MODE_TIMEOUT_MS = 1000;

/** What an answer of kube-proxy's says (status and body). */
export function kubeProxyModeFrom(url: string, status: number, body: string): KubeProxyModeReport {
  if (status !== 200)
    return { kubeProxyMode: 'unknown', kubeProxyModeReason: `${url} answered HTTP ${status}` };
  const mode = parseNodeProxyMode(body);
  if (mode.kind !== 'unknown') return { kubeProxyMode: mode.kind };
  const said = JSON.stringify(body.trim().slice(0, 40));
  return {
    kubeProxyMode: 'unknown',
    kubeProxyModeReason: `${url} answered ${said}, not iptables, nftables or ipvs`,
  };
}

export function proxyModeUrl(kubeProxyUrl: string): string {
  return `${kubeProxyUrl.replace(/\/+$/, '')}/proxyMode`;
}

/** Asks kube-proxy (at most `timeoutMs`); `unknown` with the reason when it cannot say. */
export async function readKubeProxyMode(
  kubeProxyUrl: string,
  timeoutMs = MODE_TIMEOUT_MS,
): Promise<KubeProxyModeReport> {
  const url = proxyModeUrl(kubeProxyUrl);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return kubeProxyModeFrom(url, res.status, await res.text());
  } catch (err) {
    return { kubeProxyMode: 'unknown', kubeProxyModeReason: unreachable(url, err, timeoutMs) };
  }
}

function unreachable(url: string, err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `kube-proxy did not answer ${url} within ${timeoutMs} ms`;
  const why = e.cause?.code ?? e.cause?.message ?? e.message;
  return `cannot reach kube-proxy at ${url} (${why}): is kube-proxy's metricsBindAddress elsewhere, or does this cluster run without kube-proxy?`;
}

export function sameMode(a: KubeProxyModeReport, b: KubeProxyModeReport): boolean {
  return a.kubeProxyMode === b.kubeProxyMode && a.kubeProxyModeReason === b.kubeProxyModeReason;
}

export interface ModeWatchOptions {
  read: () => Promise<KubeProxyModeReport>;
  clock: LineProcessOptions['clock'];
  intervalMs: number;
  /** A mode other than the last one read (the first read is not a change). */
  onChange: (mode: KubeProxyModeReport) => void;
}

/** kube-proxy's mode, read at start and every `intervalMs` after (a read never overlaps). */
export class KubeProxyModeWatch {
  readonly #o: ModeWatchOptions;
  #mode: KubeProxyModeReport | undefined;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(opts: ModeWatchOptions) {
    this.#o = opts;
  }

  /** The mode as last read (unknown until the first read is done). */
  get mode(): KubeProxyModeReport {
    return this.#mode ?? { kubeProxyMode: 'unknown', kubeProxyModeReason: 'not read yet' };
  }

  /** The first read; resolves once it is done (kube-proxy answers within a second, or not). */
  async start(): Promise<void> {
    await this.#read();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  async #read(): Promise<void> {
    const mode = await this.#o.read();
    if (this.#stopped) return;
    const before = this.#mode;
    this.#mode = mode;
    if (before && !sameMode(before, mode)) this.#o.onChange(mode);
    this.#timer = this.#o.clock.setTimeout(() => void this.#read(), this.#o.intervalMs);
  }
}
