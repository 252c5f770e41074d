import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import { readItem, writeItem } from '../persist/storage.ts';
import {
  EDITOR_MIN_PX,
  EDITOR_WIDTH_KEY,
  EDITOR_WIDTH_PROPERTY,
  clampEditorWidth,
  editorMaxPx,
  editorWidthAfterKey,
  parseEditorWidth,
} from './editorWidth.ts';

function setProperty(px: number): void {
  document.documentElement.style.setProperty(EDITOR_WIDTH_PROPERTY, `${px}px`);
}

/**
 * The editor panel's right edge: drag it (or focus it and press the arrow keys, Shift for bigger
 * steps, Home / End) to widen the editor; the width is remembered.
 */
export function EditorSplitter() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | undefined>(() => {
    const stored = parseEditorWidth(readItem(EDITOR_WIDTH_KEY));
    return stored === undefined ? undefined : clampEditorWidth(stored, window.innerWidth);
  });
  const [max, setMax] = useState(() => editorMaxPx(window.innerWidth));
  /** The panel's width as laid out (before any drag, the grid's default). */
  const [measured, setMeasured] = useState(EDITOR_MIN_PX);
  const dragFrom = useRef<{ x: number; px: number } | undefined>(undefined);
  const now = width ?? measured;
  const commit = (px: number) => {
    setWidth(px);
    writeItem(EDITOR_WIDTH_KEY, String(px));
  };

  // The stored width applies on load; a narrower window lowers it (not the stored value).
  useEffect(() => {
    if (width !== undefined) setProperty(width);
  }, [width]);
  useEffect(() => {
    const onResize = () => {
      setMax(editorMaxPx(window.innerWidth));
      setWidth((w) => (w === undefined ? w : clampEditorWidth(w, window.innerWidth)));
    };
    window.addEventListener('resize', onResize);
    const panel = ref.current?.parentElement;
    const observer = new ResizeObserver(() => {
      if (panel) setMeasured(Math.round(panel.getBoundingClientRect().width));
    });
    if (panel) observer.observe(panel);
    return () => {
      window.removeEventListener('resize', onResize);
      observer.disconnect();
    };
  }, []);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    dragFrom.current = { x: e.clientX, px: now };
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const from = dragFrom.current;
    if (!from) return;
    setWidth(clampEditorWidth(from.px + e.clientX - from.x, window.innerWidth));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragFrom.current) return;
    dragFrom.current = undefined;
    e.currentTarget.releasePointerCapture(e.pointerId);
    if (width !== undefined) commit(width);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const px = editorWidthAfterKey(e.key, e.shiftKey, now, window.innerWidth);
    if (px === undefined) return;
    e.preventDefault();
    commit(px);
  };

  return (
    <div
      ref={ref}
      className="editor-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label="Editor width"
      aria-valuemin={EDITOR_MIN_PX}
      aria-valuemax={max}
      aria-valuenow={now}
      tabIndex={0}
      title="Drag (or arrow keys) to widen the editor"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
