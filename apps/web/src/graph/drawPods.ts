import * as d3 from 'd3';
import type { GraphLayout, PlacedPod, Placed, PodGroup } from './layout.ts';
import { OWNER_MAX, podLines, podPolicy, podRowRate } from './layoutDetail.ts';
import { keepEnd } from './textSize.ts';
import {
  clickable,
  enterAt,
  exitFade,
  place,
  revive,
  type DrawOptions,
  type Layer,
} from './drawBoxes.ts';

// Pods: a card each (full detail), or one row each under their owner's header (compact detail),
// with a bar for the pod's share of its group's current rate.

export function drawPods(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  const groupOf = new Map<string, PodGroup>();
  for (const g of layout.groups) for (const p of g.item.pods) groupOf.set(p.id, g.item);
  layer
    .selectAll<SVGGElement, PlacedPod>('g.pod')
    .data(layout.pods, (d) => d.item.id)
    .join(
      (enter) => {
        const g = enter.append('g').attr('role', 'button');
        g.append('rect').attr('class', 'pod-box').attr('rx', 8);
        g.append('rect').attr('class', 'share');
        g.append('circle').attr('class', 'dot').attr('r', 6);
        g.append('text').attr('class', 'title');
        g.append('text').attr('class', 'sub');
        g.append('text').attr('class', 'rate');
        g.append('text').attr('class', 'policy');
        return enterAt(g, 40);
      },
      (update) => revive(update),
      (exit) => {
        exitFade(exit);
        return exit;
      },
    )
    .attr('class', (d) => `pod ${d.item.health}${d.compact ? ' compact' : ''}`)
    .attr('aria-label', (d) => `pod ${d.item.id}`)
    .attr('data-health', (d) => d.item.health)
    .attr('data-rate', (d) => d.item.rate.toFixed(2))
    .attr('data-connections', (d) => d.item.connections)
    .call(place)
    .call((g) => clickable(g, (d) => `Pod/${d.item.id}`, opts))
    .each(function drawOne(d) {
      const g = d3.select<SVGGElement, PlacedPod>(this);
      g.select('rect.pod-box')
        .attr('width', d.w)
        .attr('height', d.h)
        .attr('rx', d.compact ? 5 : 8);
      g.select('title').remove();
      const policy = podPolicy(d.item);
      g.append('title').text(
        `${d.item.id} · ${d.item.ip || 'no IP'} · ${d.item.status}${policy.title ? `\n${policy.title}` : ''}`,
      );
      // A card's badge sits at the end of its rate line; a row's goes before its rate (drawRow).
      g.select('text.policy')
        .attr('x', d.w - 10)
        .attr('y', 65)
        .attr('text-anchor', 'end')
        .style('display', policy.badge && !d.compact ? 'inline' : 'none')
        .text(policy.badge);
      if (d.compact) drawRow(g, d, groupOf.get(d.item.id));
      else drawCard(g, d);
    });
}

type Sel = d3.Selection<SVGGElement, PlacedPod, null, undefined>;

function drawCard(g: Sel, d: PlacedPod) {
  const lines = podLines(d.item);
  g.select('rect.share').attr('width', 0);
  g.select('circle.dot').attr('cx', 16).attr('cy', 21);
  g.select('text.title').attr('x', 30).attr('y', 27).text(d.label);
  g.select('text.sub').attr('x', 30).attr('y', 48).style('display', null).text(lines.sub);
  g.select('text.rate')
    .attr('x', 30)
    .attr('y', 65)
    .attr('text-anchor', 'start')
    .classed('idle', d.item.rate === 0)
    .text(lines.rate);
}

function drawRow(g: Sel, d: PlacedPod, group: PodGroup | undefined) {
  // The bar: this pod's share of its owner group's current rate on this node.
  const total = group ? group.pods.reduce((s, p) => s + p.rate, 0) : 0;
  const share = total > 0 ? d.item.rate / total : 0;
  g.select('rect.share')
    .attr('x', 0)
    .attr('y', d.h - 4)
    .attr('height', 4)
    .attr('width', share * d.w);
  g.select('circle.dot')
    .attr('cx', 12)
    .attr('cy', d.h / 2);
  g.select('text.title')
    .attr('x', 24)
    .attr('y', d.h / 2 + 5)
    .text(d.label);
  g.select('text.sub').style('display', 'none');
  const rate = g
    .select('text.rate')
    .attr('x', d.w - 8)
    .attr('y', d.h / 2 + 5)
    .attr('text-anchor', 'end')
    .classed('idle', d.item.rate === 0)
    .text(null);
  const { badge } = podPolicy(d.item);
  if (badge) rate.append('tspan').attr('class', 'policy').text(`${badge}  `);
  rate.append('tspan').text(podRowRate(d.item));
}

/** The header of a compact group: the owner's name and how many of its pods run on this node. */
export function drawGroups(layer: Layer, layout: GraphLayout) {
  const g = layer
    .selectAll<SVGGElement, Placed<PodGroup>>('g.pod-group')
    .data(layout.groups, (d) => d.item.id)
    .join(
      (enter) => {
        const e = enter.append('g').attr('class', 'pod-group');
        e.append('rect').attr('class', 'pod-group-box').attr('rx', 7);
        e.append('text').attr('class', 'owner').attr('x', 8).attr('y', 17);
        return enterAt(e, 40);
      },
      (update) => revive(update),
      (exit) => {
        exitFade(exit);
        return exit;
      },
    )
    .attr('aria-label', (d) => `pods of ${d.item.owner || 'no owner'} on ${d.item.node}`)
    .call(place);
  g.select('rect')
    .attr('width', (d) => d.w)
    .attr('height', (d) => d.h);
  g.select('text.owner').text((d) =>
    d.item.owner
      ? `${keepEnd(d.item.owner, OWNER_MAX)} ×${d.item.pods.length}`
      : 'pod (no controller)',
  );
}
