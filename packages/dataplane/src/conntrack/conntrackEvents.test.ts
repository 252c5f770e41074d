// The guard comes first: in the host's network namespace nothing is tuned, nothing is spawned.
import { realClock } from '@l4lab/cluster';
import { inNamespace } from '@l4lab/netns';
import { describe, expect, it } from 'vitest';
import { ConntrackEventSource } from './conntrackEvents.ts';
import { makeRules } from './testRules.ts';

describe('ConntrackEventSource', () => {
  it("refuses to start in the host's network namespace", (ctx) => {
    if (inNamespace()) ctx.skip('these tests already run inside a network namespace');
    const source = new ConntrackEventSource({
      rules: () => makeRules([]),
      onEvent: () => {},
      clock: realClock,
      logger: { info: () => {}, warn: () => {} },
      conntrack: '/nonexistent/conntrack',
      nft: '/nonexistent/nft',
      eventsRateLimit: 100, // its table is never written either
    });
    expect(() => source.start()).toThrow(/host's network namespace/);
    expect(source.pids()).toEqual([]);
    expect(source.stats()).toEqual({
      events: 0,
      lost: 0,
      restarts: 0,
      missedStarts: 0,
      missedEnds: 0,
      open: 0,
      lookups: 0,
      lookupsGone: 0,
      rateLimit: 0,
      unreported: 0,
    });
  });
});
