// The graph's type: every size in world units (CSS pixels at zoom 1). graph.css uses the same
// numbers; the layout sizes boxes from them, and the zoom never takes the smallest below what a
// room can read (`minScale`).

export const FONT = {
  lane: 13,
  title: 17,
  podTitle: 15,
  text: 13,
  badge: 13,
  client: 14,
} as const;

/** The smallest text the graph draws (world units). */
export const SMALLEST_FONT = Math.min(...Object.values(FONT));

/** On-screen minimum for graph text: a laptop screen, and a projector seen from the back row. */
export const MIN_SCREEN_FONT = { normal: 11, presenter: 18 } as const;

export type FontKind = 'sans' | 'bold' | 'mono';

/** Width of `text` at `px` (world units). */
export type Measure = (text: string, px: number, kind: FontKind) => number;

/** An estimate good enough for layout without a DOM (tests): DejaVu-like average advances. */
export const estimateWidth: Measure = (text, px, kind) =>
  text.length * px * (kind === 'mono' ? 0.61 : kind === 'bold' ? 0.68 : 0.62);

/** Measures with the page's own fonts through a 2D canvas (cached per font and text). */
export function canvasMeasure(families: { sans: string; mono: string }): Measure {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return estimateWidth;
  const cache = new Map<string, number>();
  return (text, px, kind) => {
    const font = `${kind === 'bold' ? '700 ' : ''}${px}px ${kind === 'mono' ? families.mono : families.sans}`;
    const key = `${font}|${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = font;
      w = ctx.measureText(text).width;
      if (cache.size > 5000) cache.clear();
      cache.set(key, w);
    }
    return w;
  };
}

/**
 * Keeps the end of a name, where pods differ (`…58bbb84dfd-68hvk`): ReplicaSet hash and suffix
 * are what tells two pods apart, and two Deployments may share a prefix.
 */
export function keepEnd(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(-(max - 1))}`;
}

/**
 * A lone pod's name in `max` characters, saying whose it is and which it is: its Deployment's
 * name (the ReplicaSet's, without its pod-template hash) and its own suffix, the hash left out
 * (`web-v1-…-k896h` for `web-v1-5bb9c545ff-k896h`), so a canary's pod reads apart from the
 * stable ones. Without an owner it keeps the end.
 */
export function ownerAndSuffix(name: string, owner: string, max: number): string {
  if (name.length <= max) return name;
  const suffix = podSuffix(name, owner);
  if (suffix === name) return keepEnd(name, max);
  const base = owner.replace(/-[a-z0-9]{5,10}$/, '');
  const room = max - suffix.length - 3;
  if (room < 3) return keepEnd(name, max);
  return base.length <= room ? `${base}-…-${suffix}` : `${base.slice(0, room)}…-${suffix}`;
}

/** A pod's name without its owner's prefix (`68hvk` for `my-nginx-58bbb84dfd-68hvk`). */
export function podSuffix(name: string, owner: string): string {
  return owner && name.startsWith(`${owner}-`) ? name.slice(owner.length + 1) : name;
}
