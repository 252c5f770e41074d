import type { WhoAmIResponse } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './createAppStore.ts';
import {
  applyNamespace,
  canWrite,
  isViewer,
  isWorkshopInstructor,
  roleBadge,
} from './workshopSlice.ts';

const student: WhoAmIResponse = {
  user: { name: 'student-3', role: 'student', namespace: 'student-3' },
  workshop: true,
};
const viewer: WhoAmIResponse = { user: { name: 'viewer', role: 'viewer' }, workshop: true };
const instructor: WhoAmIResponse = {
  user: { name: 'instructor', role: 'instructor' },
  workshop: true,
};
const alone: WhoAmIResponse = { ...instructor, workshop: false };

function stateAfter(who?: WhoAmIResponse) {
  const store = createAppStore();
  if (who) store.getState().setWhoAmI(who);
  return store.getState();
}

describe('roles in the dashboard', () => {
  it('lets everyone but the viewer write (and the page before /api/whoami answers)', () => {
    expect(canWrite(stateAfter())).toBe(true);
    expect(canWrite(stateAfter(instructor))).toBe(true);
    expect(canWrite(stateAfter(student))).toBe(true);
    expect(canWrite(stateAfter(viewer))).toBe(false);
    expect(isViewer(stateAfter(viewer))).toBe(true);
  });

  it('shows the Workshop panel to the instructor of a workshop only', () => {
    expect(isWorkshopInstructor(stateAfter(instructor))).toBe(true);
    expect(isWorkshopInstructor(stateAfter(alone))).toBe(false);
    expect(isWorkshopInstructor(stateAfter(student))).toBe(false);
    expect(isWorkshopInstructor(stateAfter(viewer))).toBe(false);
  });

  it("applies a student's objects into their namespace", () => {
    expect(applyNamespace(stateAfter(student))).toBe('student-3');
    expect(applyNamespace(stateAfter(instructor))).toBeUndefined();
    expect(applyNamespace(stateAfter())).toBeUndefined();
  });

  it('names who this browser is in the header, in workshop mode only', () => {
    expect(roleBadge(stateAfter(student))).toBe('student-3 · namespace student-3');
    expect(roleBadge(stateAfter(viewer))).toBe('viewer (projector)');
    expect(roleBadge(stateAfter(instructor))).toBe('instructor · workshop');
    expect(roleBadge(stateAfter(alone))).toBeUndefined();
    expect(roleBadge(stateAfter())).toBeUndefined();
  });
});
