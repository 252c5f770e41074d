import type { ConnectionEvent, ConnectionOutcome } from '@l4lab/protocol';
import { hopKey } from './graphServices.ts';
import { clientOf, entryOf, podOf, serviceOf } from './graphTraffic.ts';
import type { Box, GraphLayout } from './layout.ts';
import { pointAlong, type Point } from './pointAlong.ts';
import { benchHook } from './benchHook.ts';

// One dot per connection the server reported, drawn on a canvas over the SVG graph.

export const OUTCOME_COLOURS: Record<ConnectionOutcome, string> = {
  open: '#5eead4',
  ok: '#4ade80',
  refused: '#f87171',
  dropped: '#fb923c',
  reset: '#f472b6',
  timeout: '#facc15',
};

export const TRAVEL_MS = 900;
/**
 * The least time between two frames of moving dots: every other frame of a 60 Hz screen, 30 a
 * second (40 at 120 Hz). Each frame repaints the whole canvas over the graph: at 60 a second a
 * laptop without GPU compositing spent 0.65 of a core on 5 connections a second, at 30 0.37
 * (Chromium at 1600x1000, software compositing).
 */
export const DOT_FRAME_MS = 25;
const FADE_MS = 300;
/** Dropped and timed-out connections stop at the frontend and fade there, slowly. */
const STOP_FADE_MS = 700;
const SEEN_LIMIT = 20_000;
/** At most this many dots in flight: beyond it, new connections are counted, not drawn. */
export const MAX_DOTS = 3000;

interface Particle {
  client: string;
  entry: string;
  /** The node's NodePort frontend an LB connection went through. */
  hop: string | undefined;
  service: string;
  pod: string | undefined;
  outcome: ConnectionOutcome;
  start: number;
  /** Server time of the connection (bench: event-to-pixel latency). */
  at: number;
  drawn: boolean;
}

export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

export interface Particles {
  add(events: readonly ConnectionEvent[]): void;
  draw(layout: GraphLayout | undefined, transform: ViewTransform, now: number): boolean;
  /** Draws the connections of `events` where they were at server time `t` (rewind). */
  drawAt(
    layout: GraphLayout,
    transform: ViewTransform,
    events: readonly ConnectionEvent[],
    t: number,
  ): void;
  clear(): void;
}

const right = (b: Box): Point => ({ x: b.x + b.w, y: b.y + b.h / 2 });
const left = (b: Box): Point => ({ x: b.x, y: b.y + b.h / 2 });

function particleOf(e: ConnectionEvent, start: number): Particle {
  const svc = serviceOf(e);
  return {
    client: clientOf(e),
    entry: entryOf(e),
    hop:
      e.frontend.kind === 'LoadBalancer' && e.frontend.node
        ? hopKey(entryOf(e), e.frontend.node)
        : undefined,
    service: svc,
    pod: podOf(e),
    outcome: e.outcome,
    start,
    at: e.startedAt,
    drawn: false,
  };
}

/** The dot's route; the second value is the fraction of it the dot travels (it may stop early). */
function route(p: Particle, layout: GraphLayout): Point[] | undefined {
  const entry = layout.byId.frontend.get(p.entry);
  const service = layout.byId.service.get(p.service);
  if (!entry || !service) return undefined;
  const client = layout.byId.client.get(p.client);
  const from = client ? right(client) : { x: entry.x - 60, y: entry.y + entry.h / 2 };
  const points = [from, left(entry)];
  if (p.outcome === 'dropped' || p.outcome === 'timeout') return points;
  // A ClusterIP frontend drawn as the Service's box itself (inline detail): it is entered once.
  if (entry !== service) {
    points.push(right(entry));
    const hopId = p.hop ? layout.hops.get(p.hop) : undefined;
    const hop = hopId ? layout.byId.frontend.get(hopId) : undefined;
    if (hop) points.push({ x: hop.x - 12, y: hop.y + hop.h / 2 }, right(hop));
    points.push(left(service));
  }
  // Refused at the Service: no endpoint to send it to, back it goes.
  if (p.outcome === 'refused') return [...points, ...points.slice(0, -1).reverse()];
  const pod = p.pod ? layout.byId.pod.get(p.pod) : undefined;
  // Into the pod's node at the pod's height, as its edge goes (not across the nodes' gap).
  if (pod) points.push(right(service), { x: layout.lanes.nodes, y: left(pod).y }, left(pod));
  return points;
}

function paint(
  ctx: CanvasRenderingContext2D,
  p: Particle,
  layout: GraphLayout,
  age: number,
): boolean {
  const points = route(p, layout);
  if (!points) return false;
  const stops = p.outcome === 'dropped' || p.outcome === 'timeout';
  const t = Math.min(1, age / TRAVEL_MS);
  const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
  const { x, y } = pointAlong(points, eased);
  // Inside a frontend or the Service box the connection is being handled: keep their text readable.
  for (const box of [
    layout.byId.service.get(p.service),
    layout.byId.frontend.get(p.entry),
    p.hop ? layout.byId.frontend.get(layout.hops.get(p.hop) ?? '') : undefined,
  ]) {
    if (box && x > box.x + 4 && x < box.x + box.w - 4 && y > box.y && y < box.y + box.h)
      return true;
  }
  const fade = stops ? STOP_FADE_MS : FADE_MS;
  ctx.globalAlpha = age > TRAVEL_MS ? Math.max(0, 1 - (age - TRAVEL_MS) / fade) : 1;
  ctx.fillStyle = OUTCOME_COLOURS[p.outcome];
  ctx.beginPath();
  ctx.arc(x, y, stops && age > TRAVEL_MS ? 5 + (4 * (age - TRAVEL_MS)) / fade : 5, 0, Math.PI * 2);
  ctx.fill();
  return true;
}

function prepare(ctx: CanvasRenderingContext2D, transform: ViewTransform) {
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.setTransform(
    dpr * transform.k,
    0,
    0,
    dpr * transform.k,
    dpr * transform.x,
    dpr * transform.y,
  );
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

  return {
    add(events) {
      const now = performance.now();
      for (const e of events) {
        const existing = live.get(e.id);
        if (existing) {
          // The final event of a connection already in flight: recolour, never a second dot.
          existing.outcome = e.outcome;
          existing.pod = podOf(e) ?? existing.pod;
          continue;
        }
        if (seen.has(e.id)) continue;
        remember(e.id);
        if (live.size >= MAX_DOTS) continue;
        live.set(e.id, particleOf(e, now));
      }
    },
    draw(layout, transform, now) {
      prepare(ctx, transform);
      if (!layout) return live.size > 0;
      for (const [id, p] of live) {
        const age = now - p.start;
        const stops = p.outcome === 'dropped' || p.outcome === 'timeout';
        if (age > TRAVEL_MS + (stops ? STOP_FADE_MS : FADE_MS)) {
          live.delete(id);
          continue;
        }
        if (paint(ctx, p, layout, age) && !p.drawn) {
          p.drawn = true;
          benchHook?.drawn(p.at);
        }
      }
      ctx.globalAlpha = 1;
      return live.size > 0;
    },
    drawAt(layout, transform, events, t) {
      prepare(ctx, transform);
      const shown = new Map<string, Particle>();
      for (const e of events) {
        const age = t - e.startedAt;
        if (age < 0 || age > TRAVEL_MS + STOP_FADE_MS) continue;
        const p = shown.get(e.id);
        if (p) {
          if ((e.endedAt ?? e.startedAt) <= t) p.outcome = e.outcome;
        } else shown.set(e.id, particleOf(e, e.startedAt));
      }
      for (const p of shown.values()) paint(ctx, p, layout, t - p.start);
      ctx.globalAlpha = 1;
    },
    clear() {
      live.clear();
    },
  };
}
