import * as d3 from 'd3';
import type { GraphClient, GraphFrontend, GraphNode, GraphService } from './graphModel.ts';
import type { GraphLayout, Placed } from './layout.ts';
import { frontendBadge } from '../format/kube.ts';
import {
  frontText,
  frontTextX,
  isFoldedFrontends,
  nodeTitle,
  serviceLines,
} from './layoutDetail.ts';
import { keepEnd } from './textSize.ts';
import { nodeAddress } from './graphNodes.ts';
import {
  clickable,
  enterAt,
  exitFade,
  revive,
  place,
  sized,
  type DrawOptions,
  type Groups,
  type Layer,
} from './drawBoxes.ts';

export { drawGroups, drawPods } from './drawPods.ts';
export type { DrawOptions, Layer };

export interface GraphLayers {
  lanes: Layer;
  edges: Layer;
  nodes: Layer;
  clients: Layer;
  frontends: Layer;
  services: Layer;
  groups: Layer;
  pods: Layer;
}

export function drawLanes(layer: Layer, layout: GraphLayout) {
  const lanes = [
    ...(layout.clients.length > 0
      ? [{ id: 'clients', x: layout.lanes.clients, text: 'Clients' }]
      : []),
    ...(layout.frontends.length > 0
      ? [{ id: 'frontends', x: layout.lanes.frontends, text: 'Frontends' }]
      : []),
    { id: 'services', x: layout.lanes.services, text: 'Services' },
    { id: 'nodes', x: layout.lanes.nodes, text: 'Nodes · pods' },
  ];
  layer
    .selectAll<SVGTextElement, (typeof lanes)[number]>('text')
    .data(lanes, (d) => d.id)
    .join('text')
    .attr('class', 'lane-title')
    .attr('x', (d) => d.x)
    .attr('y', 22)
    .text((d) => d.text);
}

function join<T>(layer: Layer, cls: string, data: Placed<T>[], key: (d: Placed<T>) => string) {
  return layer
    .selectAll<SVGGElement, Placed<T>>(`g.${cls}`)
    .data(data, key)
    .join(
      (enter) => {
        const g = enter.append('g').attr('class', cls).attr('role', 'button');
        g.append('rect').attr('class', `${cls}-box`).attr('rx', 8);
        return enterAt(g, cls === 'client' ? -30 : 0);
      },
      (update) => revive(update),
      (exit) => {
        exitFade(exit);
        return exit;
      },
    );
}

function text<T>(g: Groups<T>, cls: string, x: number, y: number) {
  g.selectAll(`text.${cls}`).data([0]).join('text').attr('class', cls).attr('x', x).attr('y', y);
  return g.select<SVGTextElement>(`text.${cls}`);
}

export function drawClients(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  const g = join<GraphClient>(layer, 'client', layout.clients, (d) => d.item.id);
  g.attr('aria-label', (d) => `client ${d.item.label}`)
    .classed('pod-client', (d) => d.item.pod !== undefined)
    .call(place)
    .call(sized)
    .call((s) =>
      clickable(s, (d) => (d.item.pod ? `Pod/${d.item.pod}` : `Client/${d.item.ip}`), opts),
    );
  text(g, 'client-ip', 10, 22).text((d) =>
    d.item.pod ? keepEnd(d.item.pod.split('/')[1]!, 22) : d.item.label,
  );
}

export function drawFrontends(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  const g = join<GraphFrontend>(layer, 'frontend', layout.frontends, (d) => d.item.id);
  g.attr('aria-label', (d) =>
    isFoldedFrontends(d.item)
      ? `frontends ${d.item.label}`
      : `frontend ${d.item.kind} ${d.item.label}`,
  )
    .attr('data-kind', (d) => d.item.kind)
    .call(place)
    .call(sized)
    .call((s) => clickable(s, (d) => `Service/${d.item.service}`, opts));
  text(g, 'kind', 10, 20).text((d) =>
    isFoldedFrontends(d.item) ? '' : frontendBadge(d.item.kind),
  );
  text(g, 'addr', 44, 20)
    .attr('x', (d) => frontTextX(d.item))
    .text((d) => frontText(d.item));
}

export function drawServices(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  const g = join<GraphService>(layer, 'service', layout.services, (d) => d.item.id);
  g.attr('aria-label', (d) => `service ${d.item.id}`)
    .classed('dns-only', (d) => d.item.dnsOnly)
    .classed('folded', (d) => (d as (typeof layout.services)[number]).folded)
    .call(place)
    .call(sized)
    .call((s) => clickable(s, (d) => `Service/${d.item.id}`, opts));
  text(g, 'title', 14, 27).text((d) => d.item.name);
  text(g, 'ns', 0, 27)
    .attr('x', (d) => d.w - 12)
    .text((d) => d.item.namespace);
  text(g, 'sub', 14, 48).text((d) => d.item.detail);
  g.each(function lines(d) {
    const folded = (d as (typeof layout.services)[number]).folded;
    d3.select(this)
      .selectAll<SVGTextElement, { cls: string; t: string }>('text.line')
      .data(folded ? [] : serviceLines(d.item))
      .join('text')
      .attr('class', (r) => `line ${r.cls}`)
      .attr('x', 14)
      .attr('y', (_r, i) => 70 + i * 19)
      .text((r) => r.t);
  });
}

export function drawNodes(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  const g = join<GraphNode>(layer, 'node', layout.nodes, (d) => d.item.name);
  g.attr('aria-label', (d) => `node ${d.item.name}`)
    .classed('down', (d) => !d.item.ready)
    .call(place)
    .call(sized)
    .call((s) => clickable(s, (d) => `Node/${d.item.name}`, opts));
  text(g, 'title', 12, 24).text((d) => nodeTitle(d.item));
  text(g, 'node-ip', 0, 24)
    .attr('x', (d) => d.w - 12)
    .text((d) => nodeAddress(d.item));
}
