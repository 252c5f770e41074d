import type { WorkshopProgress } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { boardModel } from './progressBoard.ts';

const progress: WorkshopProgress = {
  lesson: 'clusterip',
  checks: [
    { step: 1, id: 'pods-ready', title: 'Two my-nginx pods are Ready' },
    { step: 2, id: 'service-clusterip', title: 'Service my-nginx has a ClusterIP' },
    { step: 2, id: 'endpoints-ready', title: 'The Service has 2 ready endpoints' },
    { step: 4, id: 'each-pod-connections', title: 'Each pod got at least 5 connections' },
  ],
  students: [
    {
      name: 'student-10',
      namespace: 'student-10',
      passed: ['pods-ready', 'service-clusterip', 'endpoints-ready', 'each-pod-connections'],
      detail: {},
    },
    {
      name: 'student-2',
      namespace: 'student-2',
      passed: ['pods-ready', 'gone-check'],
      detail: { 'service-clusterip': 'Service my-nginx not found', 'endpoints-ready': 'no' },
    },
    { name: 'ada', namespace: 'ada', passed: ['service-clusterip'], detail: {} },
  ],
};

describe('boardModel', () => {
  const titles = ['Run two nginx pods', 'Put a ClusterIP Service in front of them'];
  const board = boardModel(progress, titles);

  it('groups the checks by step, named from the lesson', () => {
    expect(board.steps.map((s) => [s.step, s.title, s.checks.map((c) => c.id)])).toEqual([
      [1, 'Run two nginx pods', ['pods-ready']],
      [2, 'Put a ClusterIP Service in front of them', ['service-clusterip', 'endpoints-ready']],
      [4, 'Step 4', ['each-pod-connections']],
    ]);
    expect(board.checkCount).toBe(4);
  });

  it('counts the students passing each check', () => {
    expect(board.steps.flatMap((s) => s.checks.map((c) => c.passed))).toEqual([2, 2, 1, 1]);
  });

  it('counts the checks each student passes, and who passes them all', () => {
    expect(board.rows.map((r) => [r.name, r.passed])).toEqual([
      ['ada', 1],
      ['student-2', 1], // a check the lesson no longer has does not count
      ['student-10', 4],
    ]);
    expect(board.done).toBe(1);
  });

  it('gives each cell its pass, or the reason it does not pass', () => {
    const s2 = board.rows.find((r) => r.name === 'student-2')!;
    expect(s2.cells).toEqual([
      { check: 'pods-ready', passed: true, detail: '' },
      { check: 'service-clusterip', passed: false, detail: 'Service my-nginx not found' },
      { check: 'endpoints-ready', passed: false, detail: 'no' },
      { check: 'each-pod-connections', passed: false, detail: '' },
    ]);
  });

  it('has empty counts with no students and no checks', () => {
    expect(boardModel({ lesson: 'x', checks: [], students: [] })).toEqual({
      steps: [],
      rows: [],
      checkCount: 0,
      done: 0,
    });
  });
});
