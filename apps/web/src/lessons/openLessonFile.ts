import type { AppStore } from '../store/createAppStore.ts';

/**
 * "Open in editor": the file in the editor tab of its name (`pod_test.yaml`, the name the step's
 * `kubectl apply -f` uses), replacing that tab's text with the lesson's, or in a new tab.
 */
export function openLessonFile(store: AppStore, file: { name: string; text: string }): void {
  const { tabs, switchTab, loadText, openTab } = store.getState();
  const tab = tabs.find((t) => t.title === file.name);
  if (!tab) return openTab(file.name, file.text);
  switchTab(tab.id);
  loadText(file.text, file.name);
}
