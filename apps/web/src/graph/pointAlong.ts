export interface Point {
  x: number;
  y: number;
}

/** The point a fraction `t` (0..1) of the way along a polyline. */
export function pointAlong(points: Point[], t: number): Point {
  const lengths = points.slice(1).map((p, i) => Math.hypot(p.x - points[i]!.x, p.y - points[i]!.y));
  let d = t * lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    if (d <= len || i === lengths.length - 1) {
      const a = points[i]!;
      const b = points[i + 1]!;
      const f = len === 0 ? 1 : Math.min(1, d / len);
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    d -= len;
  }
  return points[0]!;
}
