import { describe, expect, it } from 'vitest';
import { classLayout, rowWidthEm } from './classLayout.ts';

// The panel sizes measured in Chromium: presenter 1280x720 (the Class view takes the projection),
// and a laptop's 1600x1000 beside the editor.
/** 2 Services x 3 pods, the projector's measure. */
const lane = (student: string) => ({
  student,
  services: ['api', 'web'].map((name) => ({ name, pods: [1, 2, 3] })),
});
const rowEm = rowWidthEm([lane('student-30')], false);
const projector = { width: 1256, height: 573, font: 18, rowEm };
const laptop = { width: 820, height: 560, font: 15, rowEm };

describe('classLayout', () => {
  it('gives a few students cards side by side', () => {
    expect(classLayout({ lanes: 3, services: 2, pods: 3, ...projector })).toMatchObject({
      density: 'cards',
      columns: 2,
      scroll: false,
    });
  });

  it('fits 30 students x 2 Services x 3 pods on a 1280x720 projector as compact rows, at 18 px', () => {
    const layout = classLayout({ lanes: 30, services: 2, pods: 3, ...projector });
    expect(layout).toMatchObject({ density: 'rows', columns: 2, perColumn: 15, scroll: false });
  });

  it('gives room to spare to larger text on a projector, never smaller than 18 px', () => {
    const big = { width: 1576, height: 860, font: 18, maxFont: 25, rowEm };
    const rows = classLayout({ lanes: 30, services: 2, pods: 3, ...big });
    expect(rows).toMatchObject({ density: 'rows', columns: 2, scroll: false });
    expect(rows.font).toBeGreaterThan(18);
    const cards = classLayout({ lanes: 3, services: 2, pods: 3, ...projector, maxFont: 25 });
    expect(cards.density).toBe('cards');
    expect(cards.font).toBeGreaterThan(18);
    expect(classLayout({ lanes: 60, services: 2, pods: 3, ...big }).font).toBe(18);
  });

  it('sizes a compact row to its content: longer names and more pods, wider rows', () => {
    expect(rowEm).toBeGreaterThan(30);
    expect(rowEm).toBeLessThan(34.5); // two columns of 30 students on a 1280 px projector
    const wide = {
      student: 'alexandra-k',
      services: [
        { name: 'frontend', pods: [1, 2, 3, 4, 5] },
        { name: 'web', pods: [1] },
      ],
    };
    expect(rowWidthEm([lane('student-1'), wide], false)).toBeGreaterThan(rowEm);
    expect(rowWidthEm([lane('student-1')], true)).toBeGreaterThan(
      rowWidthEm([lane('student-1')], false),
    );
  });

  it('scrolls rather than shrink the text when the class is larger than the screen', () => {
    expect(classLayout({ lanes: 60, services: 2, pods: 3, ...projector }).scroll).toBe(true);
    expect(classLayout({ lanes: 30, services: 2, pods: 3, ...laptop }).density).toBe('rows');
  });
});
