import * as d3 from 'd3';
import type { GraphClient, GraphNode, GraphPod, GraphService } from './graphModel.ts';
import type { GraphLayout, Placed } from './layout.ts';

// D3 data joins for the SVG part of the graph. Keys are object ids, so the layout stays stable
// and only what moved is animated.

type Layer = d3.Selection<SVGGElement, unknown, null, undefined>;

export interface GraphLayers {
  lanes: Layer;
  clientEdges: Layer;
  edges: Layer;
  clients: Layer;
  services: Layer;
  nodes: Layer;
  pods: Layer;
}

export interface DrawOptions {
  selection: string | undefined;
  onSelect(key: string): void;
}

const MOVE_MS = 450;

/** Moves a group to its box: slides when the position changed, stays put otherwise. */
function place<T>(sel: d3.Selection<SVGGElement, Placed<T>, SVGGElement, unknown>) {
  sel.each(function move(d) {
    const target = `translate(${d.x},${d.y})`;
    const g = d3.select(this);
    if (g.attr('data-at') === target) return;
    g.attr('data-at', target);
    g.transition('move').duration(MOVE_MS).attr('transform', target);
  });
}

function enterAt<T>(sel: d3.Selection<SVGGElement, Placed<T>, SVGGElement, unknown>, dx: number) {
  return sel
    .attr('transform', (d) => `translate(${d.x + dx},${d.y})`)
    .attr('data-at', (d) => `translate(${d.x},${d.y})`)
    .style('opacity', 0)
    .call((g) => g.transition('fade').duration(MOVE_MS).style('opacity', 1))
    .call((g) =>
      g
        .transition('move')
        .duration(MOVE_MS)
        .attr('transform', (d) => `translate(${d.x},${d.y})`),
    );
}

function exitFade<T>(sel: d3.Selection<SVGGElement, Placed<T>, SVGGElement, unknown>) {
  sel.attr('aria-hidden', 'true').attr('aria-label', null);
  sel.transition('fade').duration(MOVE_MS).style('opacity', 0).remove();
}

function rect<T>(g: d3.Selection<SVGGElement, Placed<T>, SVGGElement, unknown>, cls: string) {
  g.append('rect').attr('class', cls).attr('rx', 8);
}

export function drawLanes(layer: Layer, layout: GraphLayout) {
  const lanes = [
    { id: 'clients', x: layout.lanes.clients, text: 'External clients' },
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

export function drawClients(layer: Layer, layout: GraphLayout) {
  layer
    .selectAll<SVGGElement, Placed<GraphClient>>('g.client')
    .data(layout.clients, (d) => d.item.id)
    .join(
      (enter) =>
        enter
          .append('g')
          .attr('class', 'client')
          .attr('role', 'group')
          .call((g) => rect(g, 'client-box'))
          .call((g) => g.append('text').attr('class', 'client-ip').attr('x', 12).attr('y', 22))
          .call((g) => enterAt(g, -30)),
      (update) => update,
      (exit) => exitFade(exit),
    )
    .attr('aria-label', (d) => `client ${d.item.ip}`)
    .call(place)
    .call((g) =>
      g
        .select('rect')
        .attr('width', (d) => d.w)
        .attr('height', (d) => d.h),
    )
    .call((g) => g.select('.client-ip').text((d) => d.item.ip));
}

export function drawServices(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  layer
    .selectAll<SVGGElement, Placed<GraphService>>('g.service')
    .data(layout.services, (d) => d.item.id)
    .join(
      (enter) =>
        enter
          .append('g')
          .attr('class', 'service')
          .attr('role', 'group')
          .call((g) => rect(g, 'service-box'))
          .call((g) => g.append('text').attr('class', 'title').attr('x', 14).attr('y', 24))
          .call((g) => g.append('text').attr('class', 'sub').attr('x', 14).attr('y', 46))
          .call((g) => g.append('g').attr('class', 'ports'))
          .call((g) => enterAt(g, 0)),
      (update) => update,
      (exit) => exitFade(exit),
    )
    .attr('aria-label', (d) => `service ${d.item.id}`)
    .classed('selected', (d) => opts.selection === `Service/${d.item.id}`)
    .on('click', (_e, d) => opts.onSelect(`Service/${d.item.id}`))
    .call(place)
    .call((g) =>
      g
        .select('rect')
        .attr('width', (d) => d.w)
        .attr('height', (d) => d.h),
    )
    .call((g) => g.select('.title').text((d) => d.item.name))
    .call((g) => g.select('.sub').text((d) => `${d.item.type} · ${d.item.clusterIP}`))
    .each(function ports(d) {
      d3.select(this)
        .select('g.ports')
        .selectAll('text')
        .data(d.item.ports)
        .join('text')
        .attr('class', 'port')
        .attr('x', 14)
        .attr('y', (_p, i) => 68 + i * 20)
        .text((p) => p);
    });
}

export function drawNodes(layer: Layer, layout: GraphLayout) {
  layer
    .selectAll<SVGGElement, Placed<GraphNode>>('g.node')
    .data(layout.nodes, (d) => d.item.name)
    .join(
      (enter) =>
        enter
          .append('g')
          .attr('class', 'node')
          .attr('role', 'group')
          .call((g) => rect(g, 'node-box'))
          .call((g) => g.append('text').attr('class', 'title').attr('x', 12).attr('y', 22))
          .call((g) => g.append('text').attr('class', 'node-ip').attr('y', 22)),
      (update) => update,
      (exit) => exitFade(exit),
    )
    .attr('aria-label', (d) => `node ${d.item.name}`)
    .call(place)
    .call((g) =>
      g
        .select('rect')
        .attr('width', (d) => d.w)
        .attr('height', (d) => d.h),
    )
    .call((g) => g.select('.title').text((d) => d.item.name))
    .call((g) =>
      g
        .select('.node-ip')
        .attr('x', (d) => d.w - 12)
        .text((d) => d.item.ip),
    );
}

export function drawPods(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  layer
    .selectAll<SVGGElement, Placed<GraphPod>>('g.pod')
    .data(layout.pods, (d) => d.item.id)
    .join(
      (enter) =>
        enter
          .append('g')
          .attr('role', 'group')
          .call((g) => rect(g, 'pod-box'))
          .call((g) =>
            g.append('circle').attr('class', 'dot').attr('cx', 16).attr('cy', 21).attr('r', 6),
          )
          .call((g) => g.append('text').attr('class', 'title').attr('x', 30).attr('y', 26))
          .call((g) => g.append('text').attr('class', 'sub').attr('x', 30).attr('y', 46))
          .call((g) => g.append('text').attr('class', 'status').attr('x', 30).attr('y', 65))
          .call((g) => g.append('text').attr('class', 'count').attr('y', 46))
          .call((g) => enterAt(g, 40)),
      (update) => update,
      (exit) => exitFade(exit),
    )
    .attr('class', (d) => `pod ${d.item.health}`)
    .classed('selected', (d) => opts.selection === `Pod/${d.item.id}`)
    .attr('aria-label', (d) => `pod ${d.item.id}`)
    .attr('data-connections', (d) => d.item.connections)
    .on('click', (_e, d) => opts.onSelect(`Pod/${d.item.id}`))
    .call(place)
    .call((g) =>
      g
        .select('rect')
        .attr('width', (d) => d.w)
        .attr('height', (d) => d.h),
    )
    .call((g) => g.select('.title').text((d) => d.item.name))
    .call((g) => g.select('.sub').text((d) => d.item.ip || 'no IP yet'))
    .call((g) => g.select('.status').text((d) => d.item.status))
    .call((g) =>
      g
        .select('.count')
        .attr('x', (d) => d.w - 12)
        .text((d) => `${d.item.connections} conn`),
    );
}
