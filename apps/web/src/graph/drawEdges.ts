import type * as d3 from 'd3';
import type { TrafficEdge } from './graphTraffic.ts';
import type { Box, GraphLayout } from './layout.ts';

// Every link of the graph: drawn line (width by current rate) + a wide invisible hit line for hover.

type Layer = d3.Selection<SVGGElement, unknown, null, undefined>;

export interface EdgeHover {
  show(edge: TrafficEdge, x: number, y: number): void;
  hide(): void;
}

/**
 * The line from `a` to `b`. `enterX`: where the line enters `b`'s node box (a pod's), when that is
 * left of `b`: it reaches the node's edge at the pod's height, then runs straight in, under the
 * node box, so a pod in a second column is not reached across the gap between two nodes.
 */
export function curve(a: Box, b: Box, style: TrafficEdge['style'], enterX?: number): string {
  if (style === 'alias' || (style === 'lb' && a.x === b.x)) {
    // Same lane: a loop on the left side.
    const x = a.x;
    const y1 = a.y + a.h / 2;
    const y2 = b.y + b.h / 2;
    const bend = x - 30 - Math.min(60, Math.abs(y2 - y1) / 4);
    return `M${x},${y1} C${bend},${y1} ${bend},${y2} ${x},${y2}`;
  }
  const x1 = a.x + a.w;
  const y1 = a.y + a.h / 2;
  const y2 = b.y + b.h / 2;
  const x2 = enterX !== undefined && enterX < b.x ? enterX : b.x;
  const mx = (x1 + x2) / 2;
  const tail = x2 < b.x ? ` L${b.x},${y2}` : '';
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}${tail}`;
}

export function edgeWidth(rate: number): number {
  return rate <= 0 ? 1.5 : Math.min(12, 2 + 1.6 * Math.sqrt(rate));
}

export function drawEdges(
  layer: Layer,
  layout: GraphLayout,
  edges: TrafficEdge[],
  hover: EdgeHover,
) {
  const drawn = edges.flatMap((e) => {
    const from = layout.byId[e.fromLane].get(e.from);
    const to = layout.byId[e.toLane].get(e.to);
    // A ClusterIP frontend drawn as its Service's box (inline detail) has no edge to it.
    return from && to && from !== to
      ? [
          {
            edge: e,
            d: curve(from, to, e.style, e.toLane === 'pod' ? layout.lanes.nodes : undefined),
            end: { x: to.x, y: to.y + to.h / 2 },
          },
        ]
      : [];
  });
  const groups = layer
    .selectAll<SVGGElement, (typeof drawn)[number]>('g.edge')
    .data(drawn, (x) => x.edge.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'edge');
      g.append('path').attr('class', 'edge-line');
      g.append('path').attr('class', 'edge-hit');
      return g;
    })
    .attr('data-id', (x) => x.edge.id)
    .attr('data-rate', (x) => x.edge.rate.toFixed(2));
  groups
    .select('path.edge-line')
    .attr('class', (x) => `edge-line ${x.edge.style}${x.edge.rate > 0 ? ' busy' : ''}`)
    .attr('d', (x) => x.d)
    .attr('stroke-width', (x) => edgeWidth(x.edge.rate));
  groups
    .selectAll<SVGTextElement, (typeof drawn)[number]>('text.edge-label')
    .data((x) => (x.edge.label ? [x] : []))
    .join('text')
    .attr('class', 'edge-label')
    .attr('x', (x) => x.end.x - 8)
    .attr('y', (x) => x.end.y - 7)
    .text((x) => x.edge.label ?? '');
  groups
    .select('path.edge-hit')
    .attr('d', (x) => x.d)
    .on('mousemove', (e: MouseEvent, x) => hover.show(x.edge, e.clientX, e.clientY))
    .on('mouseleave', () => hover.hide());
}
