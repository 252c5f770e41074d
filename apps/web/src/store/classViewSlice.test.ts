import { describe, expect, it } from 'vitest';
import type { EndpointCounters } from '@l4lab/protocol';
import { createAppStore } from './createAppStore.ts';
import { showClassView, spotlightShown, withCounterSnapshot } from './classViewSlice.ts';

const counters = (connections: number): ReadonlyMap<string, EndpointCounters> =>
  new Map([
    [
      's/web:80|s/p',
      {
        service: 's/web:80',
        endpoint: 's/p',
        connections,
        active: 0,
        bytesIn: 0,
        bytesOut: 0,
        refused: 0,
        dropped: 0,
        reset: 0,
      },
    ],
  ]);

describe('withCounterSnapshot', () => {
  it('keeps a minute of snapshots and the one in force at its start', () => {
    let h = withCounterSnapshot([], counters(1), 0);
    for (let t = 1000; t <= 70_000; t += 1000) h = withCounterSnapshot(h, counters(t), t);
    expect(h[0]?.t).toBe(10_000);
    expect(h.at(-1)?.t).toBe(70_000);
    expect(h).toHaveLength(61);
  });

  it('starts over when the counters went down (the server restarted)', () => {
    const h = withCounterSnapshot(withCounterSnapshot([], counters(50), 0), counters(3), 1000);
    expect(h).toEqual([{ t: 1000, counters: counters(3) }]);
  });
});

describe('the graph panel in workshop mode', () => {
  function store(role: 'instructor' | 'viewer' | 'student', workshop = true) {
    const s = createAppStore();
    s.getState().setWhoAmI({ user: { name: role, role }, workshop });
    return s;
  }

  it('opens on the Class view for the viewer, the graph for the instructor, never for a student', () => {
    expect(showClassView(store('viewer').getState())).toBe(true);
    expect(showClassView(store('instructor').getState())).toBe(false);
    expect(showClassView(store('student').getState())).toBe(false);
    expect(showClassView(store('viewer', false).getState())).toBe(false);
    const i = store('instructor');
    i.getState().setGraphPanelMode('class');
    expect(showClassView(i.getState())).toBe(true);
  });

  it('follows the spotlight to the graph, and back to the Class view until the next spotlight', () => {
    const v = store('viewer');
    v.getState().setClassStatus('student-3', []);
    expect(spotlightShown(v.getState())).toBe('student-3');
    expect(showClassView(v.getState())).toBe(false);

    v.getState().leaveSpotlight();
    expect(spotlightShown(v.getState())).toBeUndefined();
    expect(showClassView(v.getState())).toBe(true);
    v.getState().setClassStatus('student-3', []); // the next poll: still left
    expect(spotlightShown(v.getState())).toBeUndefined();

    v.getState().setClassStatus('student-5', []);
    expect(spotlightShown(v.getState())).toBe('student-5');
    v.getState().setClassStatus(undefined, []);
    v.getState().setClassStatus('student-5', []); // ended, then the same student again
    expect(spotlightShown(v.getState())).toBe('student-5');
  });
});
