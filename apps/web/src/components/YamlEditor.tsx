import { useEffect, useRef } from 'react';
import { createYamlEditor, type YamlEditor as Editor } from '../editor/createYamlEditor.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectEditorProps = (s: AppState) => ({
  clientProblems: s.clientProblems,
  serverProblems: s.serverProblems,
  reveal: s.reveal,
  bufferLoad: s.bufferLoad,
  theme: s.theme,
});

/** Monaco, created once; problems become markers, reveal requests move the cursor. */
export function YamlEditor() {
  const { clientProblems, serverProblems, reveal, bufferLoad, theme } =
    useAppStore(selectEditorProps);
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Editor | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const { buffer, setBuffer } = appStore.getState();
    const editor = createYamlEditor(host, { value: buffer, onChange: setBuffer });
    editorRef.current = editor;
    return () => {
      editor.destroy();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    editorRef.current?.update({ problems: [...clientProblems, ...serverProblems], theme });
  }, [clientProblems, serverProblems, theme]);

  useEffect(() => {
    if (bufferLoad.seq > 0) editorRef.current?.setValue(bufferLoad.text);
  }, [bufferLoad]);

  useEffect(() => {
    if (reveal.seq > 0) editorRef.current?.reveal(reveal.line, reveal.column);
  }, [reveal]);

  return <div className="editor-host" ref={hostRef} data-testid="editor" />;
}
