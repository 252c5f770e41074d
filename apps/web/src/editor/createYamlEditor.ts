import type { ManifestError } from '@l4lab/protocol';
import { setupMonaco } from './setupMonaco.ts';

export interface YamlEditorOptions {
  value: string;
  onChange(value: string): void;
}

export interface YamlEditorProps {
  problems: readonly ManifestError[];
  theme: 'dark' | 'light';
}

export interface YamlEditor {
  update(props: YamlEditorProps): void;
  /** Replaces the whole text (scenario reset); the change is reported through onChange. */
  setValue(value: string): void;
  getValue(): string;
  /** Moves the cursor to a 1-based line/column and focuses the editor. */
  reveal(line: number, column: number): void;
  destroy(): void;
}

const MARKER_OWNER = 'l4lab';

/** A Monaco YAML editor in `container`, free of React: create once, update with props. */
export function createYamlEditor(container: HTMLElement, options: YamlEditorOptions): YamlEditor {
  const monaco = setupMonaco();
  const model = monaco.editor.createModel(
    options.value,
    'yaml',
    monaco.Uri.parse(`file:///workspace/manifests-${Date.now()}.yaml`),
  );
  const editor = monaco.editor.create(container, {
    model,
    theme: 'vs-dark',
    automaticLayout: true,
    fontSize: 15,
    lineHeight: 22,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    tabSize: 2,
    renderWhitespace: 'none',
    padding: { top: 8 },
    ariaLabel: 'Kubernetes manifests (YAML)',
  });
  const subscription = model.onDidChangeContent(() => options.onChange(model.getValue()));
  // When the panel resizes while the user types, keep the cursor in view.
  const layoutSubscription = editor.onDidLayoutChange(() => {
    const pos = editor.getPosition();
    if (pos && editor.hasTextFocus()) editor.revealPositionInCenterIfOutsideViewport(pos);
  });

  function markerOf(p: ManifestError) {
    const line = Math.min(Math.max(1, p.line), model.getLineCount());
    const column = Math.max(1, p.column);
    const end = Math.max(column + 1, model.getLineMaxColumn(line));
    return {
      severity:
        p.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
      message: p.message,
      code: p.code || undefined,
      startLineNumber: line,
      startColumn: column,
      endLineNumber: line,
      endColumn: end,
      source: 'l4lab',
    };
  }

  return {
    update({ problems, theme }) {
      monaco.editor.setModelMarkers(model, MARKER_OWNER, problems.map(markerOf));
      monaco.editor.setTheme(theme === 'light' ? 'vs' : 'vs-dark');
    },
    setValue(value) {
      if (value !== model.getValue()) {
        editor.pushUndoStop();
        editor.executeEdits('l4lab', [{ range: model.getFullModelRange(), text: value }]);
        editor.pushUndoStop();
      }
    },
    getValue: () => model.getValue(),
    reveal(line, column) {
      editor.setPosition({ lineNumber: line, column });
      editor.revealLineInCenterIfOutsideViewport(line);
      editor.focus();
    },
    destroy() {
      subscription.dispose();
      layoutSubscription.dispose();
      editor.dispose();
      model.dispose();
    },
  };
}
