// The lines between boxes: a pod's line enters its node at the pod's height.
import { describe, expect, it } from 'vitest';
import { curve } from './drawEdges.ts';

const service = { x: 100, y: 100, w: 200, h: 40 };

describe('curve', () => {
  it('ends at the left of a pod in the first column', () => {
    const pod = { x: 460, y: 300, w: 120, h: 20 };
    expect(curve(service, pod, 'endpoint', 450)).toBe('M300,120 C375,120 375,310 450,310 L460,310');
    expect(curve(service, pod, 'endpoint')).toBe('M300,120 C380,120 380,310 460,310');
  });

  it("reaches a second column's pod through its own node's edge, at its height", () => {
    const pod = { x: 600, y: 300, w: 120, h: 20 };
    const d = curve(service, pod, 'endpoint', 450);
    // The bend ends on the node's edge, level with the pod: no stretch crosses the nodes' gap.
    expect(d).toBe('M300,120 C375,120 375,310 450,310 L600,310');
  });
});
