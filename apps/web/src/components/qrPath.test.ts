import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrPath } from './qrPath.ts';

const URL_1 = 'http://192.168.1.20:7070/join?code=8f3a1c9e2b7d4a60';

/** The dark cells a path draws, as `row,col` in code coordinates (quiet zone removed). */
function cellsOf(d: string, quiet: number): Set<string> {
  const cells = new Set<string>();
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
    const [x, y, w, back] = [m[1], m[2], m[3], m[4]].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    expect(back).toBe(w);
    for (let i = 0; i < w; i++) cells.add(`${y - quiet},${x + i - quiet}`);
  }
  return cells;
}

describe('the QR code path', () => {
  it('is the same for the same text, and differs for another', () => {
    expect(qrPath(URL_1)).toEqual(qrPath(URL_1));
    expect(qrPath(URL_1).d).not.toBe(qrPath(`${URL_1}0`).d);
  });

  it('is a square of a QR version (17 + 4v modules) with the quiet zone around it', () => {
    const { size, modules } = qrPath(URL_1);
    expect((modules - 17) % 4).toBe(0);
    expect(modules).toBeGreaterThanOrEqual(21);
    expect(size).toBe(modules + 2 * QUIET_ZONE);
    expect(qrPath(URL_1, 2).size).toBe(modules + 4);
  });

  it('draws exactly the dark modules of the code, every one inside the square', () => {
    const { d, modules } = qrPath(URL_1);
    expect(d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
    const qr = qrcode(0, 'M');
    qr.addData(URL_1, 'Byte');
    qr.make();
    const cells = cellsOf(d, QUIET_ZONE);
    let dark = 0;
    for (let r = 0; r < modules; r++) {
      for (let c = 0; c < modules; c++) {
        if (qr.isDark(r, c)) dark++;
        expect(cells.has(`${r},${c}`), `${r},${c}`).toBe(qr.isDark(r, c));
      }
    }
    expect(cells.size).toBe(dark);
  });

  it('has the three finder patterns in their corners (a scanner finds the code by them)', () => {
    const { d, modules } = qrPath(URL_1);
    const cells = cellsOf(d, QUIET_ZONE);
    for (const [r0, c0] of [
      [0, 0],
      [0, modules - 7],
      [modules - 7, 0],
    ] as const) {
      // the 7x7 ring and the 3x3 centre are dark; the ring inside the border is light
      for (let i = 0; i < 7; i++) {
        expect(cells.has(`${r0},${c0 + i}`)).toBe(true);
        expect(cells.has(`${r0 + 6},${c0 + i}`)).toBe(true);
      }
      expect(cells.has(`${r0 + 1},${c0 + 1}`)).toBe(false);
      expect(cells.has(`${r0 + 3},${c0 + 3}`)).toBe(true);
    }
  });
});
