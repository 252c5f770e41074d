import type { TrafficRequest } from '@l4lab/protocol';
import { MAX_REQUESTS } from './generator.ts';
import { TargetError } from './target.ts';

/** Generators running at once unless a manager says otherwise. */
export const MAX_GENERATORS = 8;

/**
 * What every generator is held to, wherever it sends from: at most `max` running at once, at most
 * MAX_REQUESTS requests, requestsPerConnection only with keep-alive.
 */
export function checkTrafficLimits(spec: TrafficRequest, running: number, max: number): void {
  if (running >= max) {
    throw new TargetError(
      'L4_E_TOO_MANY_GENERATORS',
      `at most ${max} generators run at once: stop one first`,
    );
  }
  if (spec.count === undefined && spec.duration > 0 && spec.rate * spec.duration > MAX_REQUESTS) {
    throw new TargetError(
      'L4_E_LIMIT',
      `rate x duration = ${Math.ceil(spec.rate * spec.duration)} requests: a generator sends at most ${MAX_REQUESTS}; lower the rate or the duration, or set count`,
    );
  }
  if (spec.requestsPerConnection !== undefined && !spec.keepAlive) {
    throw new TargetError('L4_E_BAD_TRAFFIC', 'requestsPerConnection needs keepAlive: true');
  }
}
