import { useMemo } from 'react';
import { qrPath } from './qrPath.ts';

/**
 * A QR code as one SVG path, dark on white whatever the theme (scanners expect it so), with its
 * quiet zone. `size` is its side in CSS pixels.
 */
export function QrCode({ text, size, label }: { text: string; size: number; label: string }) {
  const { d, size: side } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${side} ${side}`}
      shapeRendering="crispEdges"
    >
      <rect width={side} height={side} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
}
