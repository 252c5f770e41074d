import * as d3 from 'd3';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { GraphModel } from './graphModel.ts';
import { layoutGraph, type GraphLayout } from './layout.ts';
import { createParticles, type ViewTransform } from './particles.ts';
import { drawClientEdges, drawEdges } from './drawEdges.ts';
import {
  drawClients,
  drawLanes,
  drawNodes,
  drawPods,
  drawServices,
  type GraphLayers,
} from './drawGraph.ts';

export interface GraphProps {
  model: GraphModel;
  selection: string | undefined;
}

export interface GraphOptions {
  onSelect(key: string): void;
}

export interface Graph {
  update(props: GraphProps): void;
  /** Starts one dot per connection (events of a connection already in flight only recolour it). */
  animate(events: readonly ConnectionEvent[]): void;
  destroy(): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The live Service graph in `container`: SVG nodes (D3) with a canvas of dots on top. */
export function createGraph(container: HTMLElement, options: GraphOptions): Graph {
  const svgEl = document.createElementNS(SVG_NS, 'svg');
  svgEl.setAttribute('class', 'graph-svg');
  svgEl.setAttribute('aria-label', 'Service graph');
  svgEl.setAttribute('role', 'group');
  const canvas = document.createElement('canvas');
  canvas.className = 'graph-canvas';
  canvas.setAttribute('aria-hidden', 'true');
  container.append(svgEl, canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('The browser has no 2D canvas: the graph cannot draw connections.');

  const svg = d3.select(svgEl);
  const stripes = svg
    .append('defs')
    .append('pattern')
    .attr('id', 'terminating-stripes')
    .attr('width', 8)
    .attr('height', 8)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('patternTransform', 'rotate(45)');
  stripes.append('rect').attr('width', 8).attr('height', 8).attr('fill', '#1a1f2b');
  stripes.append('rect').attr('width', 3).attr('height', 8).attr('fill', '#313a4f');
  const viewport = svg.append('g').attr('class', 'viewport');
  const layer = (name: string) => viewport.append('g').attr('class', name);
  const layers: GraphLayers = {
    lanes: layer('lanes'),
    clientEdges: layer('client-edges'),
    edges: layer('edges'),
    nodes: layer('nodes'),
    clients: layer('clients'),
    services: layer('services'),
    pods: layer('pods'),
  };
  const empty = svg
    .append('text')
    .attr('class', 'graph-empty')
    .attr('x', 24)
    .attr('y', 80)
    .text('Apply the manifests to see Services, nodes and pods here.');

  const particles = createParticles(ctx);
  let transform: ViewTransform = { x: 0, y: 0, k: 1 };
  let props: GraphProps | undefined;
  let layout: GraphLayout | undefined;
  let frame = 0;

  const zoom = d3
    .zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.4, 3])
    .on('zoom', (e: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
      // A zoom or pan by the user stops the automatic fit (double-click brings it back).
      if (e.sourceEvent) userMoved = true;
      transform = { x: e.transform.x, y: e.transform.y, k: e.transform.k };
      viewport.attr('transform', e.transform.toString());
      schedule();
    });
  svg.call(zoom).on('dblclick.zoom', () => {
    userMoved = false;
    fit();
  });
  let userMoved = false;

  /** Scales the whole graph into the panel (never above 1:1), unless the user moved it. */
  function fit() {
    if (!layout || userMoved) return;
    const { width, height } = container.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const k = Math.max(0.4, Math.min(1, width / layout.width, height / layout.height));
    const current = d3.zoomTransform(svgEl);
    if (Math.abs(current.k - k) < 0.01 && Math.abs(current.x) < 1 && Math.abs(current.y) < 1)
      return;
    svg.call(zoom.transform, d3.zoomIdentity.scale(k));
  }

  function tick(now: number) {
    frame = 0;
    if (particles.draw(layout, transform, now)) schedule();
  }
  function schedule() {
    if (frame === 0) frame = requestAnimationFrame(tick);
  }

  function resize() {
    const { width, height } = container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    render();
  }

  function render() {
    if (!props) return;
    const width = container.getBoundingClientRect().width || 900;
    layout = layoutGraph(props.model, width);
    const draw = { selection: props.selection, onSelect: options.onSelect };
    drawLanes(layers.lanes, layout);
    drawClientEdges(layers.clientEdges, layout, props.model.clientEdges);
    drawEdges(layers.edges, layout, props.model.edges);
    drawNodes(layers.nodes, layout);
    drawClients(layers.clients, layout);
    drawServices(layers.services, layout, draw);
    drawPods(layers.pods, layout, draw);
    const nothing = props.model.services.length === 0 && props.model.nodes.length === 0;
    empty.style('display', nothing ? 'inline' : 'none');
    fit();
    schedule();
  }

  const observer = new ResizeObserver(resize);
  observer.observe(container);

  return {
    update(next) {
      props = next;
      render();
    },
    animate(events) {
      particles.add(events);
      schedule();
    },
    destroy() {
      observer.disconnect();
      cancelAnimationFrame(frame);
      particles.clear();
      svg.on('.zoom', null);
      svgEl.remove();
      canvas.remove();
    },
  };
}
