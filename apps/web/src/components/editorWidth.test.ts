import { describe, expect, it } from 'vitest';
import {
  EDITOR_MIN_PX,
  clampEditorWidth,
  editorMaxPx,
  editorWidthAfterKey,
  parseEditorWidth,
} from './editorWidth.ts';

describe('the editor width', () => {
  it('stays within [280 px, 60 % of the window]', () => {
    expect(clampEditorWidth(560, 1280)).toBe(560);
    expect(clampEditorWidth(100, 1280)).toBe(EDITOR_MIN_PX);
    expect(clampEditorWidth(1000, 1280)).toBe(768);
    expect(clampEditorWidth(559.6, 1600)).toBe(560);
    // A window too narrow for both bounds: the minimum wins.
    expect(editorMaxPx(400)).toBe(EDITOR_MIN_PX);
  });

  it('moves with the arrow keys (Shift: larger steps), Home and End', () => {
    expect(editorWidthAfterKey('ArrowRight', false, 400, 1280)).toBe(416);
    expect(editorWidthAfterKey('ArrowLeft', true, 400, 1280)).toBe(320);
    expect(editorWidthAfterKey('ArrowLeft', true, 300, 1280)).toBe(280);
    expect(editorWidthAfterKey('Home', false, 500, 1280)).toBe(280);
    expect(editorWidthAfterKey('End', false, 500, 1280)).toBe(768);
    expect(editorWidthAfterKey('a', false, 500, 1280)).toBeUndefined();
  });

  it('reads back what it stored, and ignores damage', () => {
    expect(parseEditorWidth('560')).toBe(560);
    expect(parseEditorWidth(null)).toBeUndefined();
    expect(parseEditorWidth('wide')).toBeUndefined();
    expect(parseEditorWidth('0')).toBeUndefined();
  });
});
