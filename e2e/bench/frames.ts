// What the UI benches share: waiting, quantiles, a page's frames per second, and their workload.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

export const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};

/** Counts animation frames in the page; returns per-second frame counts when stopped. */
export async function countFrames(page: Page, seconds: number, during?: () => Promise<void>) {
  await page.evaluate(`
    window.__frames = [];
    window.__counting = true;
    requestAnimationFrame(function tick(t) {
      window.__frames.push(t);
      if (window.__counting) requestAnimationFrame(tick);
    });
  `);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (during) await during();
    else await pause(250);
  }
  const frames = (await page.evaluate('window.__counting = false; window.__frames')) as number[];
  const perSecond: number[] = [];
  for (let s = frames[0] ?? 0; s + 1000 <= (frames.at(-1) ?? 0); s += 1000) {
    perSecond.push(frames.filter((t) => t >= s && t < s + 1000).length);
  }
  return perSecond;
}

/** A Deployment of `replicas` nginx pods and a ClusterIP Service of the same name, on port 80. */
export function nginxWorkload(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: nginx, image: nginx, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec: { selector: { app: ${name} }, ports: [{ port: 80, targetPort: 80 }] }
`;
}

/** /proc/PID/stat's fields after the command name (state is [0], ppid [1], utime [11], stime [12]). */
function statOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
  } catch {
    return undefined; // gone since the listing
  }
}

/**
 * The CPU seconds so far of this process's Chromium processes (Linux /proc; its descendants whose
 * command line names chromium): the browser, renderer, GPU and utility processes together.
 */
export function chromiumCpuSeconds(): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(statOf(Number(name))?.[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  let ticks = 0;
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      const stat = statOf(child);
      if (stat && /chrom/i.test(cmd)) ticks += Number(stat[11]) + Number(stat[12]);
      visit(child);
    }
  };
  visit(process.pid);
  return ticks / 100; // USER_HZ
}

/** Chromium's CPU over `seconds`, in cores (1.0: one core busy the whole time). */
export async function chromiumCores(seconds: number): Promise<number> {
  const before = chromiumCpuSeconds();
  await pause(seconds * 1000);
  return (chromiumCpuSeconds() - before) / seconds;
}
