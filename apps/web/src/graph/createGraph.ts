import * as d3 from 'd3';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { GraphModel } from './graphModel.ts';
import { layoutGraph, type GraphLayout } from './layout.ts';
import { createParticles, DOT_FRAME_MS, type ViewTransform } from './particles.ts';
import { drawEdges } from './drawEdges.ts';
import {
  drawClients,
  drawFrontends,
  drawGroups,
  drawLanes,
  drawNodes,
  drawPods,
  drawServices,
  type GraphLayers,
} from './drawGraph.ts';
import { createEdgeCard } from './edgeCard.ts';
import { overflowWays } from './overflowWays.ts';
import { canvasMeasure, SMALLEST_FONT, type Measure } from './textSize.ts';

export interface GraphProps {
  model: GraphModel;
  selection: string | undefined;
  /** When set, dots show where the connections of `events` were at server time `t`. */
  rewind: { events: readonly ConnectionEvent[]; t: number } | undefined;
  /** No graph text is drawn smaller than this on screen (px): detail goes first. */
  minScreenFont: number;
  /** The Service kept whole when detail must go. */
  focus: string | undefined;
}

export interface GraphOptions {
  onSelect(key: string): void;
  /**
   * Which edges of the panel cut the graph now (`below`, `to the right`...; none: all of it
   * shows): at the readable minimum a graph may not fit, and what is cut is a drag away.
   */
  onCut?(ways: string[]): void;
}

export interface Graph {
  update(props: GraphProps): void;
  /** Starts one dot per connection (events of a connection already in flight only recolour it). */
  animate(events: readonly ConnectionEvent[]): void;
  /** Fits the whole graph in view again. */
  fit(): void;
  zoomBy(factor: number): void;
  svg(): SVGSVGElement;
  canvas(): HTMLCanvasElement;
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
  const card = createEdgeCard(container);

  const svg = d3.select(svgEl);
  const stripes = svg
    .append('defs')
    .append('pattern')
    .attr('id', 'terminating-stripes')
    .attr('width', 8)
    .attr('height', 8)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('patternTransform', 'rotate(45)');
  stripes.append('rect').attr('class', 'stripe-a').attr('width', 8).attr('height', 8);
  stripes.append('rect').attr('class', 'stripe-b').attr('width', 3).attr('height', 8);
  const viewport = svg.append('g').attr('class', 'viewport');
  const layer = (name: string) => viewport.append('g').attr('class', name);
  const layers: GraphLayers = {
    lanes: layer('lanes'),
    edges: layer('edges'),
    nodes: layer('nodes'),
    clients: layer('clients'),
    frontends: layer('frontends'),
    services: layer('services'),
    groups: layer('groups'),
    pods: layer('pods'),
  };
  // Until a Service is in view: what to do, in short lines clear of the nodes' lane.
  const empty = svg.append('text').attr('class', 'graph-empty').attr('y', 84);
  empty
    .selectAll('tspan')
    .data([
      'No Services here yet:',
      'apply a scenario from the editor,',
      'or kubectl apply -f your YAML.',
    ])
    .join('tspan')
    .attr('x', 24)
    .attr('dy', (_, i) => (i === 0 ? 0 : '1.5em'))
    .attr('class', (_, i) => (i === 0 ? 'graph-empty-title' : null))
    .text((d) => d);

  const particles = createParticles(ctx);
  let transform: ViewTransform = { x: 0, y: 0, k: 1 };
  let props: GraphProps | undefined;
  let layout: GraphLayout | undefined;
  let frame = 0;
  /** When the moving dots were last drawn (rAF time). */
  let drawnAt = -Infinity;
  let userMoved = false;

  const zoom = d3
    .zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.2, 4])
    .on('zoom', (e: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
      // A zoom or pan by the user keeps its place until Fit (double-click, F or the button).
      if (e.sourceEvent) userMoved = true;
      transform = { x: e.transform.x, y: e.transform.y, k: e.transform.k };
      viewport.attr('transform', e.transform.toString());
      svgEl.dataset.scale = e.transform.k.toFixed(3);
      sayWhatIsCut();
      schedule();
    });
  svg.call(zoom).on('dblclick.zoom', () => {
    userMoved = false;
    fit();
  });

  /**
   * The layout is made for the panel at its scale (it fills the panel); fitting applies that
   * scale. When even the least detail overflows at the readable minimum, the top left shows and
   * the rest is a pan away.
   */
  function fit() {
    if (!layout || userMoved) return;
    const k = layout.scale;
    const current = d3.zoomTransform(svgEl);
    if (Math.abs(current.k - k) < 0.001 && Math.abs(current.x) < 1 && Math.abs(current.y) < 1)
      return;
    svg.call(zoom.transform, d3.zoomIdentity.scale(k));
  }

  /** Says which way the graph goes on past the panel's edges, as the view stands (on change). */
  let cut = '';
  function sayWhatIsCut() {
    if (!layout || !options.onCut) return;
    const { width, height } = container.getBoundingClientRect();
    const ways = overflowWays(layout, transform, { width, height });
    if (ways.join() === cut) return;
    cut = ways.join();
    options.onCut(ways);
  }

  function tick(now: number) {
    frame = 0;
    if (props?.rewind && layout)
      return particles.drawAt(layout, transform, props.rewind.events, props.rewind.t);
    // Moving dots every other frame of a 60 Hz screen (see DOT_FRAME_MS).
    if (now - drawnAt < DOT_FRAME_MS) return schedule();
    drawnAt = now;
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

  let measure: Measure | undefined;
  function render() {
    if (!props) return;
    const { width, height } = container.getBoundingClientRect();
    if (!measure) {
      const css = getComputedStyle(document.documentElement);
      measure = canvasMeasure({
        sans: css.getPropertyValue('--sans').trim() || 'sans-serif',
        mono: css.getPropertyValue('--mono').trim() || 'monospace',
      });
    }
    const minScale = props.minScreenFont / SMALLEST_FONT;
    const selected = props.selection?.startsWith('Service/')
      ? props.selection.slice('Service/'.length)
      : undefined;
    layout = layoutGraph(props.model, {
      width: width || 900,
      height: height || 600,
      minScale,
      maxScale: Math.max(minScale * 1.6, 2),
      focus: props.focus,
      unfolded: new Set(selected ? [selected] : []),
      measure,
    });
    // Never smaller than readable: zooming out stops at the scale of the smallest text's minimum.
    zoom.scaleExtent([minScale, Math.max(4, minScale * 3)]);
    svgEl.dataset.detail = layout.detail;
    svgEl.dataset.minScale = minScale.toFixed(3);
    const draw = { selection: props.selection, onSelect: options.onSelect };
    svgEl.classList.toggle('past', props.model.past);
    drawLanes(layers.lanes, layout);
    drawEdges(layers.edges, layout, props.model.edges, card);
    drawNodes(layers.nodes, layout, draw);
    drawClients(layers.clients, layout, draw);
    drawFrontends(layers.frontends, layout, draw);
    drawServices(layers.services, layout, draw);
    drawGroups(layers.groups, layout);
    drawPods(layers.pods, layout, draw);
    // Clients or frontends drawn (traffic straight to a pod) take the hint's place.
    const { services, clients, frontends } = props.model;
    const nothing = services.length === 0 && clients.length === 0 && frontends.length === 0;
    empty.style('display', nothing ? 'inline' : 'none');
    fit();
    sayWhatIsCut();
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
    fit() {
      userMoved = false;
      fit();
    },
    zoomBy(factor) {
      userMoved = true;
      svg.transition().duration(200).call(zoom.scaleBy, factor);
    },
    svg: () => svgEl,
    canvas: () => canvas,
    destroy() {
      observer.disconnect();
      cancelAnimationFrame(frame);
      particles.clear();
      card.destroy();
      svg.on('.zoom', null);
      svgEl.remove();
      canvas.remove();
    },
  };
}
