import type { GraphPod } from './graphModel.ts';
import type { GraphLayout } from './layout.ts';
import {
  clickable,
  enterAt,
  exitFade,
  fit,
  place,
  sized,
  type DrawOptions,
  type Layer,
} from './drawBoxes.ts';
import type { Placed } from './layout.ts';

const rate = (r: number) => (r < 10 ? r.toFixed(1) : Math.round(r).toString());

function trafficLine(p: GraphPod): string {
  if (p.connections === 0 && p.rate === 0) return 'no connections yet';
  return `${rate(p.rate)} conn/s · ${p.connections} in all`;
}

export function drawPods(layer: Layer, layout: GraphLayout, opts: DrawOptions) {
  layer
    .selectAll<SVGGElement, Placed<GraphPod>>('g.pod')
    .data(layout.pods, (d) => d.item.id)
    .join(
      (enter) => {
        const g = enter.append('g').attr('role', 'button');
        g.append('rect').attr('class', 'pod-box').attr('rx', 8);
        g.append('circle').attr('class', 'dot').attr('cx', 16).attr('cy', 21).attr('r', 6);
        g.append('text').attr('class', 'title').attr('x', 30).attr('y', 26);
        g.append('text').attr('class', 'sub').attr('x', 30).attr('y', 47);
        g.append('text').attr('class', 'rate').attr('x', 30).attr('y', 63);
        return enterAt(g, 40);
      },
      (update) => update,
      (exit) => {
        exitFade(exit);
        return exit;
      },
    )
    .attr('class', (d) => `pod ${d.item.health}`)
    .attr('aria-label', (d) => `pod ${d.item.id}`)
    .attr('data-health', (d) => d.item.health)
    .attr('data-rate', (d) => d.item.rate.toFixed(2))
    .attr('data-connections', (d) => d.item.connections)
    .call(place)
    .call(sized)
    .call((g) => clickable(g, (d) => `Pod/${d.item.id}`, opts))
    .call((g) => g.select('.title').text((d) => fit(d.item.name, 22)))
    .call((g) =>
      g
        .select('.sub')
        .text((d) =>
          fit(
            `${d.item.ip || 'no IP'} · ${d.item.status}${d.item.restarts > 0 ? ` · ↻${d.item.restarts}` : ''}`,
            24,
          ),
        ),
    )
    .call((g) =>
      g
        .select('.rate')
        .classed('idle', (d) => d.item.rate === 0)
        .text((d) => trafficLine(d.item)),
    );
}
