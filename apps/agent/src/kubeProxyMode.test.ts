import { describe, expect, it } from 'vitest';
import {
  KubeProxyModeWatch,
  kubeProxyModeFrom,
  proxyModeUrl,
  sameMode,
  type KubeProxyModeReport,
} from './kubeProxyMode.ts';

const URL = 'http://127.0.0.1:10249/proxyMode';

describe("kube-proxy's /proxyMode", () => {
  it('reads the three modes kube-proxy answers', () => {
    for (const mode of ['iptables', 'nftables', 'ipvs'] as const)
      expect(kubeProxyModeFrom(URL, 200, mode)).toEqual({ kubeProxyMode: mode });
    expect(kubeProxyModeFrom(URL, 200, 'IPVS\n')).toEqual({ kubeProxyMode: 'ipvs' });
  });

  it('says unknown, and why, for anything else', () => {
    expect(kubeProxyModeFrom(URL, 200, 'kernelspace')).toEqual({
      kubeProxyMode: 'unknown',
      kubeProxyModeReason: `${URL} answered "kernelspace", not iptables, nftables or ipvs`,
    });
    expect(kubeProxyModeFrom(URL, 404, '404 page not found')).toEqual({
      kubeProxyMode: 'unknown',
      kubeProxyModeReason: `${URL} answered HTTP 404`,
    });
  });

  it('builds the URL from the flag, with or without a trailing slash', () => {
    expect(proxyModeUrl('http://127.0.0.1:10249')).toBe(URL);
    expect(proxyModeUrl('http://127.0.0.1:10249/')).toBe(URL);
  });

  it('sees a change of mode or of its reason', () => {
    expect(sameMode({ kubeProxyMode: 'ipvs' }, { kubeProxyMode: 'ipvs' })).toBe(true);
    expect(sameMode({ kubeProxyMode: 'ipvs' }, { kubeProxyMode: 'nftables' })).toBe(false);
    expect(
      sameMode(
        { kubeProxyMode: 'unknown', kubeProxyModeReason: 'a' },
        { kubeProxyMode: 'unknown', kubeProxyModeReason: 'b' },
      ),
    ).toBe(false);
  });
});

/** Timers that run only when the test says (`advance`). */
function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const t = { at: now + ms, fn };
      timers.push(t);
      return { cancel: () => void (timers = timers.filter((x) => x !== t)) };
    },
    async advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
      await new Promise((r) => setTimeout(r, 0)); // the read's promise
    },
    pending: () => timers.length,
  };
}

describe('KubeProxyModeWatch', () => {
  it('reads at start, again every interval, and reports only a change', async () => {
    const answers: KubeProxyModeReport[] = [
      { kubeProxyMode: 'iptables' },
      { kubeProxyMode: 'iptables' },
      { kubeProxyMode: 'unknown', kubeProxyModeReason: 'cannot reach kube-proxy' },
      { kubeProxyMode: 'nftables' },
    ];
    let reads = 0;
    const clock = fakeClock();
    const changes: KubeProxyModeReport[] = [];
    const w = new KubeProxyModeWatch({
      read: async () => answers[Math.min(reads++, answers.length - 1)]!,
      clock,
      intervalMs: 60_000,
      onChange: (m) => changes.push(m),
    });
    expect(w.mode).toEqual({ kubeProxyMode: 'unknown', kubeProxyModeReason: 'not read yet' });
    await w.start();
    expect(w.mode).toEqual({ kubeProxyMode: 'iptables' });
    await clock.advance(59_999);
    expect(reads).toBe(1);
    for (let i = 0; i < 3; i++) await clock.advance(60_000);
    expect(reads).toBe(4);
    expect(changes).toEqual(answers.slice(2));
    w.stop();
    expect(clock.pending()).toBe(0);
  });
});
