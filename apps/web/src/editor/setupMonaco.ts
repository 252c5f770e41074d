import * as monaco from 'monaco-editor/editor';
// What a YAML editor uses of Monaco's contributions (features/register.all has ~65: diff editor,
// inline completions, code lens, sticky scroll, the command palette...): about a sixth of the chunk
// less to fetch and run. The e2e suite types with them (page.spec.ts: completion, find, comment).
import 'monaco-editor/features/anchorSelect/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/caretOperations/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeEditor/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/fontZoom/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/lineSelection/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
// The completion list itself: register.all reaches it only through inline completions.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/tokenization/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/wordPartOperations/register';
import 'monaco-editor/features/unicodeHighlighter/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/links/register';
import 'monaco-editor/features/insertFinalNewLine/register';
import 'monaco-editor/features/placeholderText/register';
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from './yaml.worker.ts?worker';
import { kubernetesSchema } from './kubernetesSchema.ts';

type WorkerOptions = monaco.editor.IInternalWebWorkerOptions;

/** The options monaco-yaml 5.5.1 still passes (monaco < 0.55; monaco-yaml#272). */
interface LegacyWorkerOptions {
  moduleId: string;
  label?: string;
  createData?: unknown;
  host?: WorkerOptions['host'];
  keepIdleModels?: boolean;
}

function getWorker(moduleId: string, label: string): Worker {
  return label === 'yaml' ? new YamlWorker() : new EditorWorker();
}

/** monaco >= 0.55 wants `{ worker }`: build the worker the old way and hand it over. */
function createWebWorker<T extends object>(
  opts: WorkerOptions | LegacyWorkerOptions,
): monaco.editor.MonacoWebWorker<T> {
  if ('worker' in opts) return monaco.editor.createWebWorker<T>(opts);
  const worker = getWorker(opts.moduleId, opts.label ?? opts.moduleId);
  // monaco-worker-manager's worker initialises on its first message and reads createData from the next.
  worker.postMessage('ignore');
  worker.postMessage(opts.createData);
  return monaco.editor.createWebWorker<T>({
    worker,
    host: opts.host,
    keepIdleModels: opts.keepIdleModels,
  });
}

let ready = false;

/** Configures Monaco once: bundled workers (no CDN), YAML language, Kubernetes completions. */
export function setupMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  self.MonacoEnvironment = { getWorker };
  configureMonacoYaml(
    { ...monaco, editor: { ...monaco.editor, createWebWorker } },
    {
      enableSchemaRequest: false,
      validate: false,
      hover: true,
      completion: true,
      format: { enable: false },
      isKubernetes: true,
      schemas: [
        {
          fileMatch: ['**/*.yaml'],
          uri: 'l4lab://schemas/kubernetes.json',
          schema: kubernetesSchema,
        },
      ],
    },
  );
  return monaco;
}
