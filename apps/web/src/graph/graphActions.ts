import type { Graph } from './createGraph.ts';

let current: Graph | null = null;

/** The page's graph, for keyboard shortcuts (set by GraphView while it is mounted). */
export const graphActions = {
  attach(graph: Graph | null) {
    current = graph;
  },
  fit: () => current?.fit(),
  zoomBy: (factor: number) => current?.zoomBy(factor),
};
