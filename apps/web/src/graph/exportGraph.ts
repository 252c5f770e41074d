// Export of the graph as a standalone SVG (styles inlined) or a PNG (the SVG plus the dots' canvas).

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'letter-spacing',
  'text-transform',
  'display',
  'visibility',
] as const;

/** A copy of `svg` with every element's computed style written into it, framed on its content. */
export function standaloneSvg(svg: SVGSVGElement, background: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = svg.querySelectorAll('*');
  const target = clone.querySelectorAll('*');
  source.forEach((el, i) => {
    const style = getComputedStyle(el);
    const out = target[i] as SVGElement | undefined;
    if (!out) return;
    out.setAttribute(
      'style',
      STYLE_PROPS.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';'),
    );
  });
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  clone.setAttribute('style', `background:${background}`);
  return new XMLSerializer().serializeToString(clone);
}

function download(url: string, name: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

export function exportSvg(svg: SVGSVGElement, background: string): void {
  const blob = new Blob([standaloneSvg(svg, background)], { type: 'image/svg+xml' });
  const url = URL.createObjectURL(blob);
  download(url, `l4lab-graph-${Date.now()}.svg`);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The SVG drawn on a canvas at the screen's pixel ratio, with the dots' canvas on top. */
export async function exportPng(
  svg: SVGSVGElement,
  dots: HTMLCanvasElement,
  background: string,
): Promise<void> {
  const text = standaloneSvg(svg, background);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const out = document.createElement('canvas');
    out.width = dots.width;
    out.height = dots.height;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(img, 0, 0, out.width, out.height);
    ctx.drawImage(dots, 0, 0);
    const png = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
    if (!png) throw new Error('the browser could not encode the PNG');
    const pngUrl = URL.createObjectURL(png);
    download(pngUrl, `l4lab-graph-${Date.now()}.png`);
    setTimeout(() => URL.revokeObjectURL(pngUrl), 1000);
  } finally {
    URL.revokeObjectURL(url);
  }
}
