import { describe, expect, it } from 'vitest';
import type { ConnectionEvent, ServerMessage } from '@l4lab/protocol';
import { ConnectionStats, DEFAULT_EVENTS_RATE_LIMIT } from '@l4lab/dataplane';
import { EVENTS_PER_FRAME, EventHub, FRAME_MS } from './eventHub.ts';
import { parseConfig } from './config.ts';

const at: Pick<ConnectionEvent, 'service' | 'endpoint'> = {
  service: { namespace: 'default', name: 'web', port: 80 },
  endpoint: { pod: 'web-a', namespace: 'default', ip: '127.244.1.2', port: 8080, node: 'node-1' },
};

describe('EventHub: connections the kernel counted without events', () => {
  it('go into their row and into the frame count of connections counted, not drawn', async () => {
    const hub = new EventHub(new ConnectionStats());
    const frames: ServerMessage[] = [];
    hub.start((m) => frames.push(m), 5);
    hub.counted(at, 120);
    hub.counted(at, 0); // nothing
    await new Promise((r) => setTimeout(r, 30));
    hub.stop();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({
      type: 'connection_events',
      events: [],
      sampled: 120,
      counters: [
        {
          service: 'default/web:80',
          endpoint: 'default/web-a',
          connections: 120,
          active: 0,
          bytesIn: 0,
          unreported: 120,
        },
      ],
    });
  });
});

describe('--events-rate-limit', () => {
  const parse = (args: string[]) => parseConfig(args, {});
  it('defaults to 2,000 a second (what the frames carry); 0 turns it off', () => {
    expect(parse([])).toMatchObject({ eventsRateLimit: 2000 });
    // The frames' capacity: an open and an end per connection, EVENTS_PER_FRAME per 50 ms.
    expect(DEFAULT_EVENTS_RATE_LIMIT * 2).toBe(EVENTS_PER_FRAME * (1000 / FRAME_MS));
    expect(parse(['--events-rate-limit', '0'])).toMatchObject({ eventsRateLimit: 0 });
    expect(parse(['--events-rate-limit', '250'])).toMatchObject({ eventsRateLimit: 250 });
  });
  it('refuses what is not a whole number of connections a second', () => {
    for (const bad of ['-1', '2.5', 'lots'])
      expect(() => parse([`--events-rate-limit=${bad}`])).toThrow(
        `--events-rate-limit ${bad}: expected new connections a second (0: no limit)`,
      );
  });
});
