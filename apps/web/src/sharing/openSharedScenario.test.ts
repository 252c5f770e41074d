import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../store/appStore.ts';
import { openSharedScenario } from './openSharedScenario.ts';
import { encodeScenario } from './scenarioLink.ts';

const YAML = 'apiVersion: v1\nkind: Pod\nmetadata: {name: shared}\n';

beforeEach(() => {
  // The workspace keeps no tabs (GET /api/editor-tabs answers none).
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(JSON.stringify({ tabs: [], active: '' }))),
  );
  appStore
    .getState()
    .restoreTabs([{ id: 'tab-1', title: 'mine.yaml', text: 'kind: Service\n' }], 'tab-1');
  appStore.getState().dismissSharingNotice();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('openSharedScenario', () => {
  it('opens the YAML in a new tab beside the others, in front, without applying it', async () => {
    const encoded = await encodeScenario(YAML);
    if (!encoded.ok) throw new Error(encoded.reason);
    await openSharedScenario({ data: encoded.data, title: 'shared.yaml' });
    const s = appStore.getState();
    expect(s.tabs.map((t) => [t.title, t.text])).toEqual([
      ['mine.yaml', 'kind: Service\n'],
      ['shared.yaml', YAML],
    ]);
    expect(s.buffer).toBe(YAML);
    expect(s.apply.state).toBe('idle');
    expect(s.sharingNotice).toMatchObject({
      tone: 'info',
      title: 'Opened “shared.yaml” from a link in a new tab',
    });
  });

  it('says why a broken link opens nothing, and leaves the tabs alone', async () => {
    await openSharedScenario({ data: 'AAAA_____', title: 'x.yaml' });
    const s = appStore.getState();
    expect(s.tabs.map((t) => t.title)).toEqual(['mine.yaml']);
    expect(s.sharingNotice).toMatchObject({
      tone: 'error',
      title: 'The shared scenario was not opened',
      lines: [expect.stringMatching(/damaged/)],
    });
  });
});
