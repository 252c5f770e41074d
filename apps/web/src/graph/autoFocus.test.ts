import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@l4lab/protocol';
import { APPLY_FOCUS_MS, autoFocus } from './autoFocus.ts';

const event = (name: string, startedAt: number) =>
  ({ startedAt, service: { namespace: 'default', name, port: 80 } }) as ConnectionEvent;

const services = ['default/old', 'default/busy', 'default/mine'];

describe('autoFocus', () => {
  it('a Service just applied from the page first, then the one with traffic, then the newest', () => {
    const traffic = [event('busy', 9_000), event('busy', 9_500)];
    const lines = ['deployment.apps/mine created', 'service/mine created'];
    expect(autoFocus(traffic, 10_000, services, lines, 5_000)).toBe('default/mine');
    expect(autoFocus(traffic, 10_000 + APPLY_FOCUS_MS, services, lines, 5_000)).toBe(
      'default/mine',
    );
    const later = [event('busy', 70_000)];
    expect(autoFocus(later, 70_500, services, lines, 5_000)).toBe('default/busy');
    expect(autoFocus([], 70_500, services, lines, 5_000)).toBe('default/mine');
    expect(autoFocus([], 70_500, services, [], 0)).toBe('default/mine');
    expect(autoFocus([], 70_500, ['default/old'], [], 0)).toBe('default/old');
  });

  it('keeps the focus in place while its traffic is not clearly below another Service', () => {
    const mix = [event('busy', 9_000), event('busy', 9_100), event('old', 9_200)];
    expect(autoFocus([...mix, event('old', 9_300)], 10_000, services, [], 0, 'default/old')).toBe(
      'default/old',
    );
    expect(autoFocus(mix, 10_000, services, [], 0, 'default/old')).toBe('default/busy');
  });
});
