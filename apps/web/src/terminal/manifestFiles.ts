// `-f <file>` in the console. The console stands for the user's machine, whose files are the
// editor's tabs, and the tutorial's files (`pod_test.yaml`, ...) the lab writes for the real
// kubectl: one of those, asked for by name, opens as a tab of that name, so the tutorial's
// `kubectl apply -f pod_test.yaml` works here as it does in a terminal.
import type { TutorialFile } from '@l4lab/protocol';
import { fetchTutorialFiles } from '../api/http.ts';
import { appStore } from '../store/appStore.ts';

export interface ManifestFile {
  /** The name kubectl's messages give it (`error when creating "pod_test.yaml"`). */
  name: string;
  text: string;
}

/** The tutorial's files, fetched once when the dashboard did not load them yet. */
async function tutorialFiles(): Promise<readonly TutorialFile[]> {
  const known = appStore.getState().tutorialFiles;
  if (known) return known;
  const files = await fetchTutorialFiles().catch(() => undefined);
  if (files) appStore.getState().setTutorialFiles(files);
  return files ?? [];
}

/** `./pod_test.yaml`, `.l4lab/tutorial/pod_test.yaml` -> `pod_test.yaml`. */
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The file `-f` names: `.` or `-` the active tab; a tab of that title (or that title without
 * `.yaml`); else a tutorial file of that name, opened as a tab. Undefined: there is no such file.
 */
export async function readManifestFile(path: string): Promise<ManifestFile | undefined> {
  const { tabs, buffer, activeTab } = appStore.getState();
  if (path === '.' || path === '-') {
    return { name: tabs.find((t) => t.id === activeTab)?.title ?? path, text: buffer };
  }
  const name = path.replace(/^(\.\/)+/, '');
  const tab =
    tabs.find((t) => t.title === name) ??
    tabs.find((t) => t.title === `${name}.yaml`) ??
    tabs.find((t) => t.title === baseName(name));
  if (tab) return { name: tab.title, text: tab.id === activeTab ? buffer : tab.text };
  const file = (await tutorialFiles()).find((f) => f.name === baseName(name));
  if (!file) return undefined;
  appStore.getState().openTab(file.name, file.text);
  return { name: file.name, text: file.text };
}
