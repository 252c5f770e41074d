import qrcode from 'qrcode-generator';

// A QR code drawn locally (no outside service: the room may have no internet), as one SVG path
// in module units, so it scales to any size without blurring.

/** The light margin scanners need around the code: 4 modules, as ISO/IEC 18004 asks. */
export const QUIET_ZONE = 4;

export interface QrPath {
  /** The dark modules, one `M x y h w v 1 h -w z` per horizontal run. */
  d: string;
  /** The side of the square in modules, quiet zone included (the SVG's viewBox). */
  size: number;
  /** Modules per side of the code itself. */
  modules: number;
}

/**
 * The QR code of `text` (error correction M: survives a glare on the projector screen), dark runs
 * merged so a URL's code stays a path of a few hundred commands.
 */
export function qrPath(text: string, quietZone = QUIET_ZONE): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  const runs: string[] = [];
  for (let row = 0; row < modules; row++) {
    let col = 0;
    while (col < modules) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules && qr.isDark(row, col)) col++;
      const w = col - start;
      runs.push(`M${start + quietZone} ${row + quietZone}h${w}v1h-${w}z`);
    }
  }
  return { d: runs.join(''), size: modules + 2 * quietZone, modules };
}
