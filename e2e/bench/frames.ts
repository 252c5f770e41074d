// What the UI benches share: waiting, quantiles, a page's frames per second, and their workload.
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
