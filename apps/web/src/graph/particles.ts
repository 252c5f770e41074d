import type { ConnectionEvent, ConnectionOutcome } from '@l4lab/protocol';
import type { Box, GraphLayout } from './layout.ts';
import { endpointPodId, serviceId } from './graphModel.ts';

// One dot per connection the server reported, drawn on a canvas over the SVG graph.

export const OUTCOME_COLOURS: Record<ConnectionOutcome, string> = {
  open: '#5eead4',
  ok: '#4ade80',
  refused: '#f87171',
  dropped: '#fb923c',
  reset: '#f472b6',
  timeout: '#facc15',
};

const TRAVEL_MS = 800;
const FADE_MS = 250;
const SEEN_LIMIT = 5000;

interface Particle {
  client: string;
  service: string;
  pod: string | undefined;
  outcome: ConnectionOutcome;
  start: number;
}

export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

export interface Particles {
  add(events: readonly ConnectionEvent[]): void;
  draw(layout: GraphLayout | undefined, transform: ViewTransform, now: number): boolean;
  clear(): void;
}

const right = (b: Box) => ({ x: b.x + b.w, y: b.y + b.h / 2 });
const left = (b: Box) => ({ x: b.x, y: b.y + b.h / 2 });

function pointAlong(points: { x: number; y: number }[], t: number) {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i]!.x, p.y - points[i]!.y));
  let d = t * lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    if (d <= len || i === lengths.length - 1) {
      const a = points[i]!;
      const b = points[i + 1]!;
      const f = len === 0 ? 1 : Math.min(1, d / len);
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    d -= len;
  }
  return points[0]!;
}

/** The dots' state; `draw` paints one frame and says whether any dot is still moving. */
export function createParticles(ctx: CanvasRenderingContext2D): Particles {
  const live = new Map<string, Particle>();
  const seen = new Set<string>();

  function remember(id: string) {
    seen.add(id);
    if (seen.size > SEEN_LIMIT) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
  }

  function path(p: Particle, layout: GraphLayout) {
    const client = layout.byId.client.get(p.client);
    const service = layout.byId.service.get(p.service);
    if (!client || !service) return undefined;
    const from = right(client);
    const into = left(service);
    if (p.outcome === 'refused') return [from, into, from];
    if (p.outcome === 'dropped' || p.outcome === 'timeout') return [from, into];
    const pod = p.pod ? layout.byId.pod.get(p.pod) : undefined;
    return pod ? [from, into, right(service), left(pod)] : [from, into];
  }

  return {
    add(events) {
      const now = performance.now();
      for (const e of events) {
        const existing = live.get(e.id);
        if (existing) {
          // The final event of a connection already in flight: recolour, never a second dot.
          existing.outcome = e.outcome;
          if (e.endpoint) existing.pod = endpointPodId(e);
          continue;
        }
        if (seen.has(e.id)) continue;
        remember(e.id);
        live.set(e.id, {
          client: e.client.ip,
          service: serviceId(e),
          pod: endpointPodId(e),
          outcome: e.outcome,
          start: now,
        });
      }
    },
    draw(layout, transform, now) {
      const { canvas } = ctx;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (!layout) return live.size > 0;
      ctx.setTransform(
        dpr * transform.k,
        0,
        0,
        dpr * transform.k,
        dpr * transform.x,
        dpr * transform.y,
      );
      for (const [id, p] of live) {
        const age = now - p.start;
        if (age > TRAVEL_MS + FADE_MS) {
          live.delete(id);
          continue;
        }
        const points = path(p, layout);
        if (!points) continue;
        const t = Math.min(1, age / TRAVEL_MS);
        const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
        const { x, y } = pointAlong(points, eased);
        // Inside the Service box the connection is being load-balanced: keep its text readable.
        const svc = layout.byId.service.get(p.service);
        if (svc && x > svc.x + 4 && x < svc.x + svc.w - 4) continue;
        ctx.globalAlpha = age > TRAVEL_MS ? 1 - (age - TRAVEL_MS) / FADE_MS : 1;
        ctx.fillStyle = OUTCOME_COLOURS[p.outcome];
        ctx.beginPath();
        ctx.arc(x, y, 5, 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      return live.size > 0;
    },
    clear() {
      live.clear();
    },
  };
}
