// The editor column's width: a CSS custom property on <html> that the page grid reads
// (`var(--editor-w, ...)`), set by the splitter on the editor's right edge and kept in localStorage.

export const EDITOR_WIDTH_KEY = 'l4lab.editor.width';
export const EDITOR_WIDTH_PROPERTY = '--editor-w';
/** The narrowest editor column (px). */
export const EDITOR_MIN_PX = 280;
/** The widest, as a share of the window: the graph keeps the rest. */
export const EDITOR_MAX_SHARE = 0.6;

/** The largest width allowed in a window this wide (never below the minimum). */
export function editorMaxPx(windowWidth: number): number {
  return Math.max(EDITOR_MIN_PX, Math.floor(windowWidth * EDITOR_MAX_SHARE));
}

/** `px` rounded and kept within [280 px, 60 % of the window]. */
export function clampEditorWidth(px: number, windowWidth: number): number {
  return Math.min(editorMaxPx(windowWidth), Math.max(EDITOR_MIN_PX, Math.round(px)));
}

/** A stored width (`560`), or undefined when none or damaged. */
export function parseEditorWidth(stored: string | null): number | undefined {
  if (stored === null || !/^\d+(\.\d+)?$/.test(stored.trim())) return undefined;
  const px = Number(stored);
  return px > 0 ? px : undefined;
}

/** The width after a key on the focused splitter, or undefined for other keys. */
export function editorWidthAfterKey(
  key: string,
  shift: boolean,
  px: number,
  windowWidth: number,
): number | undefined {
  const step = shift ? 80 : 16;
  switch (key) {
    case 'ArrowLeft':
      return clampEditorWidth(px - step, windowWidth);
    case 'ArrowRight':
      return clampEditorWidth(px + step, windowWidth);
    case 'Home':
      return EDITOR_MIN_PX;
    case 'End':
      return editorMaxPx(windowWidth);
    default:
      return undefined;
  }
}
