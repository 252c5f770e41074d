import type { GraphLayout } from './layout.ts';
import type { ViewTransform } from './particles.ts';

/**
 * Which edges of the panel cut a box of the graph by more than a few pixels: `below`,
 * `to the right`...
 */
export function overflowWays(
  layout: Pick<GraphLayout, 'clients' | 'frontends' | 'services' | 'nodes' | 'pods'>,
  t: ViewTransform,
  panel: { width: number; height: number },
): string[] {
  const SLACK = 6;
  const boxes = [
    ...layout.clients,
    ...layout.frontends,
    ...layout.services,
    ...layout.nodes,
    ...layout.pods,
  ];
  if (boxes.length === 0) return [];
  const screen = (v: number, by: number) => by + v * t.k;
  const top = Math.min(...boxes.map((b) => screen(b.y, t.y)));
  const bottom = Math.max(...boxes.map((b) => screen(b.y + b.h, t.y)));
  const left = Math.min(...boxes.map((b) => screen(b.x, t.x)));
  const right = Math.max(...boxes.map((b) => screen(b.x + b.w, t.x)));
  return [
    top < -SLACK && 'above',
    bottom > panel.height + SLACK && 'below',
    left < -SLACK && 'to the left',
    right > panel.width + SLACK && 'to the right',
  ].filter((w): w is string => w !== false);
}
