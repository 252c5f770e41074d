import { useEffect, useRef, useState } from 'react';
import type { YamlEditor as Editor } from '../editor/createYamlEditor.ts';
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

/**
 * Monaco, created once; problems become markers, reveal requests move the cursor. Monaco is most
 * of the page's script: it is fetched after the first paint (its own chunk), so the header and the
 * graph show first.
 */
export function YamlEditor() {
  const { clientProblems, serverProblems, reveal, bufferLoad, theme } =
    useAppStore(selectEditorProps);
  const hostRef = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // The loads and reveals this editor has taken in: one made before it existed is in its text
  // (loads) or still to do (a reveal asked for while Monaco was on its way), never done twice.
  const loadSeen = useRef(0);
  const revealSeen = useRef(0);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    revealSeen.current = appStore.getState().reveal.seq;
    let created: Editor | null = null;
    let gone = false;
    import('../editor/createYamlEditor.ts').then(
      ({ createYamlEditor }) => {
        if (gone) return;
        // The buffer as it is now: tab switches and loads before Monaco arrived are in it.
        const { buffer, setBuffer, bufferLoad } = appStore.getState();
        loadSeen.current = bufferLoad.seq;
        created = createYamlEditor(host, { value: buffer, onChange: setBuffer });
        setEditor(created);
      },
      (err: unknown) => {
        if (!gone) setFailed(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      gone = true;
      created?.destroy();
      setEditor(null);
    };
  }, []);

  useEffect(() => {
    editor?.update({ problems: [...clientProblems, ...serverProblems], theme });
  }, [editor, clientProblems, serverProblems, theme]);

  useEffect(() => {
    if (!editor || bufferLoad.seq <= loadSeen.current) return;
    loadSeen.current = bufferLoad.seq;
    editor.setValue(bufferLoad.text);
  }, [editor, bufferLoad]);

  useEffect(() => {
    if (!editor || reveal.seq <= revealSeen.current) return;
    revealSeen.current = reveal.seq;
    editor.reveal(reveal.line, reveal.column);
  }, [editor, reveal]);

  return (
    <div className="editor-host" ref={hostRef} data-testid="editor" aria-busy={!editor}>
      {!editor && (
        <p className="editor-loading" role="status">
          {failed ? `The editor did not load: ${failed}. Reload the page.` : 'Loading the editor…'}
        </p>
      )}
    </div>
  );
}
