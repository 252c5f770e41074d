import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store/createAppStore.ts';
import { openLessonFile } from './openLessonFile.ts';

const pod = { name: 'pod_test.yaml', text: 'kind: Deployment\n' };

describe('openLessonFile', () => {
  it('opens a new tab of the file’s name, with its text, and makes it the active one', () => {
    const store = createAppStore();
    openLessonFile(store, pod);
    const s = store.getState();
    expect(s.tabs.map((t) => t.title)).toEqual(['manifests.yaml', 'pod_test.yaml']);
    expect(s.tabs.find((t) => t.id === s.activeTab)?.title).toBe('pod_test.yaml');
    expect(s.buffer).toBe(pod.text);
    expect(s.bufferLoad.text).toBe(pod.text);
  });

  it('replaces the text of the tab of that name instead of opening another', () => {
    const store = createAppStore();
    openLessonFile(store, pod);
    store.getState().setBuffer('edited by the student');
    store.getState().openTab('other.yaml', 'x: 1');
    openLessonFile(store, pod);
    const s = store.getState();
    expect(s.tabs.map((t) => t.title)).toEqual(['manifests.yaml', 'pod_test.yaml', 'other.yaml']);
    expect(s.tabs.find((t) => t.id === s.activeTab)?.title).toBe('pod_test.yaml');
    expect(s.buffer).toBe(pod.text);
    expect(s.tabs.find((t) => t.title === 'pod_test.yaml')?.text).toBe(pod.text);
    expect(s.tabs.find((t) => t.title === 'other.yaml')?.text).toBe('x: 1');
  });
});
