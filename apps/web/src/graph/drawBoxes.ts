import * as d3 from 'd3';
import type { Box, Placed } from './layout.ts';

// Shared pieces of the D3 joins: keyed groups that slide to their place, fade in and fade out.

export type Layer = d3.Selection<SVGGElement, unknown, null, undefined>;
export type Groups<T> = d3.Selection<SVGGElement, Placed<T>, SVGGElement, unknown>;
/** Groups of any placed datum (a box with more to it). */
type Boxes<D extends Box> = d3.Selection<SVGGElement, D, SVGGElement, unknown>;

export interface DrawOptions {
  selection: string | undefined;
  onSelect(key: string): void;
}

export const MOVE_MS = 450;

/** Moves a group to its box: slides when the position changed, stays put otherwise. */
export function place<D extends Box>(sel: Boxes<D>) {
  sel.each(function move(d) {
    const target = `translate(${d.x},${d.y})`;
    const g = d3.select(this);
    if (g.attr('data-at') === target) return;
    g.attr('data-at', target);
    g.transition('move').duration(MOVE_MS).attr('transform', target);
  });
}

export function enterAt<D extends Box>(sel: Boxes<D>, dx: number) {
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

/**
 * An element whose data came back while it was fading out (a Service shown alone, then all again)
 * is kept: its fade-out is interrupted before it could remove it, and it is shown again.
 */
export function revive<D extends Box>(sel: Boxes<D>) {
  sel
    .filter('[aria-hidden="true"]')
    .interrupt('fade')
    .attr('aria-hidden', null)
    .style('opacity', 1);
  return sel;
}

export function exitFade<D extends Box>(sel: Boxes<D>) {
  sel.attr('aria-hidden', 'true').attr('aria-label', null);
  sel.transition('fade').duration(MOVE_MS).style('opacity', 0).remove();
}

export function sized<D extends Box>(g: Boxes<D>) {
  g.select('rect')
    .attr('width', (d) => d.w)
    .attr('height', (d) => d.h);
}

/** A keyboard-reachable, clickable group (Enter / Space select it like a click). */
export function clickable<D extends Box>(g: Boxes<D>, key: (d: D) => string, opts: DrawOptions) {
  g.attr('tabindex', 0)
    .classed('selected', (d) => opts.selection === key(d))
    .on('click', (_e, d) => opts.onSelect(key(d)))
    .on('keydown', (e: KeyboardEvent, d) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        opts.onSelect(key(d));
      }
    });
}
