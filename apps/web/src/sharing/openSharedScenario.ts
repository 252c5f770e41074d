import { loadServerTabs } from '../persist/serverTabs.ts';
import { appStore } from '../store/appStore.ts';
import { type SharedScenario, decodeScenario, readScenarioFragment } from './scenarioLink.ts';

/** How long the page waits for the workspace's own tabs before it opens a shared scenario. */
const TABS_WAIT_MS = 2000;

/** The page's address without its fragment, so a reload does not open the scenario again. */
function clearFragment(): void {
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
}

/**
 * A first visit takes the workspace's tabs when it has none of its own (persist/serverTabs.ts):
 * the shared scenario opens beside them, not instead of them.
 */
function workspaceTabsSettled(): Promise<unknown> {
  return Promise.race([
    loadServerTabs(),
    new Promise((resolve) => setTimeout(resolve, TABS_WAIT_MS)),
  ]);
}

/** Opens a shared scenario as a new editor tab (not applied), or says why it cannot. */
export async function openSharedScenario(shared: SharedScenario): Promise<void> {
  const decoded = await decodeScenario(shared.data);
  const { showSharingNotice } = appStore.getState();
  if (!decoded.ok) {
    showSharingNotice({
      tone: 'error',
      title: 'The shared scenario was not opened',
      lines: [decoded.reason],
    });
    return;
  }
  await workspaceTabsSettled();
  appStore.getState().openTab(shared.title, decoded.yaml);
  showSharingNotice({
    tone: 'info',
    title: `Opened “${shared.title}” from a link in a new tab`,
    lines: ['Nothing is applied yet: read it, then Apply (Ctrl+S).'],
  });
}

/** The page's fragment, if it carries a scenario: cleared at once, then opened. */
export function openScenarioFromLocation(): void {
  const shared = readScenarioFragment(window.location.hash);
  if (!shared) return;
  clearFragment();
  void openSharedScenario(shared);
}
