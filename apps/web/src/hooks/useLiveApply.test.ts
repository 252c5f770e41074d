import { describe, expect, it } from 'vitest';
import type { LiveStatus } from '../store/uiSlice.ts';
import { liveStep, shownLiveStatus } from './useLiveApply.ts';

const T = 1_700_000_000_000;
const applied: LiveStatus = {
  state: 'applied',
  at: T - 5000,
  summary: 'deployment.apps/my-nginx configured',
};
const error = { severity: 'error' as const };
const warning = { severity: 'warning' as const };

describe('liveStep', () => {
  it('never applies a text with errors, and applies any other new valid text', () => {
    expect(liveStep('x', { errors: 1, objects: 1 }, undefined, T)).toEqual({
      apply: false,
      status: { state: 'invalid', at: T },
    });
    expect(liveStep('a', { errors: 0, objects: 2 }, { text: 'b', status: applied }, T)).toEqual({
      apply: true,
    });
  });

  it('a bad edit undone back to the running text says what is running, not "invalid edit"', () => {
    expect(liveStep('a', { errors: 0, objects: 2 }, { text: 'a', status: applied }, T)).toEqual({
      apply: false,
      status: applied,
    });
  });

  it('a text without objects (empty, comments only) waits, it is not invalid', () => {
    expect(liveStep('# notes', { errors: 0, objects: 0 }, undefined, T)).toEqual({
      apply: false,
      status: { state: 'waiting' },
    });
  });
});

describe('shownLiveStatus', () => {
  it('agrees with Problems: no error there, no "invalid edit" here', () => {
    expect(shownLiveStatus({ state: 'invalid', at: T }, [])).toEqual({ state: 'waiting' });
    expect(shownLiveStatus({ state: 'invalid', at: T }, [warning])).toEqual({ state: 'waiting' });
    expect(shownLiveStatus({ state: 'invalid', at: T }, [error])).toEqual({
      state: 'invalid',
      at: T,
    });
  });

  it('an error in Problems is never shown as applied', () => {
    expect(shownLiveStatus(applied, [error])).toEqual({ state: 'invalid', at: applied.at });
    expect(shownLiveStatus({ state: 'waiting' }, [error])).toMatchObject({ state: 'invalid' });
    expect(shownLiveStatus(applied, [warning])).toBe(applied);
  });

  it('keeps off and failed as they are', () => {
    const failed: LiveStatus = { state: 'failed', at: T, message: '1 error: nothing applied' };
    expect(shownLiveStatus(failed, [error])).toBe(failed);
    expect(shownLiveStatus({ state: 'off' }, [error])).toEqual({ state: 'off' });
  });
});
