import type * as d3 from 'd3';
import type { GraphEdge } from './graphModel.ts';
import type { Box, GraphLayout } from './layout.ts';

// Service -> pod edges (one per EndpointSlice endpoint) and client -> Service edges.

type Layer = d3.Selection<SVGGElement, unknown, null, undefined>;

function curve(a: Box, b: Box): string {
  const x1 = a.x + a.w;
  const y1 = a.y + a.h / 2;
  const x2 = b.x;
  const y2 = b.y + b.h / 2;
  const mx = (x1 + x2) / 2;
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
}

export function drawEdges(layer: Layer, layout: GraphLayout, edges: GraphEdge[]) {
  const drawn = edges.flatMap((e) => {
    const from = layout.byId.service.get(e.service);
    const to = layout.byId.pod.get(e.pod);
    return from && to ? [{ edge: e, d: curve(from, to) }] : [];
  });
  layer
    .selectAll<SVGPathElement, (typeof drawn)[number]>('path')
    .data(drawn, (x) => x.edge.id)
    .join('path')
    .attr('class', (x) => `edge ${x.edge.ready ? 'ready' : 'unready'}`)
    .attr('d', (x) => x.d);
}

export function drawClientEdges(
  layer: Layer,
  layout: GraphLayout,
  edges: { id: string; client: string; service: string }[],
) {
  const drawn = edges.flatMap((e) => {
    const from = layout.byId.client.get(e.client);
    const to = layout.byId.service.get(e.service);
    return from && to ? [{ id: e.id, d: curve(from, to) }] : [];
  });
  layer
    .selectAll<SVGPathElement, (typeof drawn)[number]>('path')
    .data(drawn, (x) => x.id)
    .join('path')
    .attr('class', 'edge client-edge')
    .attr('d', (x) => x.d);
}
