import type { TrafficEdge } from './graphTraffic.ts';
import type { EdgeHover } from './drawEdges.ts';

/** The hover card of an edge: its counters, next to the pointer. */
export function createEdgeCard(container: HTMLElement): EdgeHover & { destroy(): void } {
  const card = document.createElement('div');
  card.className = 'edge-card';
  card.setAttribute('role', 'tooltip');
  card.hidden = true;
  container.append(card);
  return {
    show(edge: TrafficEdge, x: number, y: number) {
      const box = container.getBoundingClientRect();
      card.replaceChildren(
        ...edge.tip.map((line, i) => {
          const el = document.createElement(i === 0 ? 'strong' : 'div');
          el.textContent = line;
          return el;
        }),
      );
      card.hidden = false;
      const left = Math.min(x - box.left + 14, box.width - card.offsetWidth - 8);
      card.style.left = `${Math.max(8, left)}px`;
      card.style.top = `${Math.max(8, y - box.top + 14)}px`;
    },
    hide() {
      card.hidden = true;
    },
    destroy() {
      card.remove();
    },
  };
}
