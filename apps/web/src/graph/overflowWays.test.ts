import { describe, expect, it } from 'vitest';
import { overflowWays } from './overflowWays.ts';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });
const layout = (...boxes: ReturnType<typeof box>[]) =>
  ({ clients: [], frontends: [], services: [], nodes: boxes, pods: [] }) as unknown as Parameters<
    typeof overflowWays
  >[0];
const panel = { width: 800, height: 400 };

describe('overflowWays', () => {
  it('says nothing when every box shows, nor for a few pixels cut', () => {
    expect(overflowWays(layout(box(10, 10, 100, 380)), { x: 0, y: 0, k: 1 }, panel)).toEqual([]);
    expect(overflowWays(layout(box(10, 10, 100, 394)), { x: 0, y: 0, k: 1 }, panel)).toEqual([]);
    expect(overflowWays(layout(), { x: 0, y: 0, k: 1 }, panel)).toEqual([]);
  });

  it('says below when the scale runs the lowest box past the foot', () => {
    // 300 units at 1.4x: the box ends at 434 px of 400.
    expect(overflowWays(layout(box(10, 10, 100, 300)), { x: 0, y: 0, k: 1.4 }, panel)).toEqual([
      'below',
    ]);
  });

  it('follows the view: panned down and right, what is cut is above and to the left', () => {
    const l = layout(box(0, 0, 100, 100), box(700, 300, 50, 50));
    expect(overflowWays(l, { x: -60, y: -80, k: 1 }, panel)).toEqual(['above', 'to the left']);
    expect(overflowWays(l, { x: 0, y: 0, k: 2 }, panel)).toEqual(['below', 'to the right']);
  });
});
