// The events' rate limit: its table, the kernel's counts read back, and where they are counted.
import { describe, expect, it } from 'vitest';
import { ConnectionStats } from '../stats.ts';
import {
  EVENTS_TABLE,
  UnreportedDeltas,
  eventsTableScript,
  parseUnreported,
  type UnreportedFlows,
} from './eventRateLimit.ts';
import { ConntrackJoiner } from './join.ts';
import { ctNew, makeEndpoint, makeRules, makeService } from './testRules.ts';

// What `nft -j list set ip l4lab-events unreported` printed (nft 1.0.6), trimmed to two elements.
const LISTED = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    {
      set: {
        family: 'ip',
        name: 'unreported',
        table: 'l4lab-events',
        type: ['ipv4_addr', 'inet_service', 'ipv4_addr', 'inet_service', 'inet_proto'],
        handle: 2,
        size: 65536,
        elem: [
          {
            elem: {
              val: { concat: ['127.96.0.10', 80, '127.244.2.12', 8080, 'tcp'] },
              counter: { packets: 6, bytes: 360 },
            },
          },
          {
            elem: {
              val: { concat: ['127.96.0.10', 53, '127.244.1.11', 53, 'udp'] },
              counter: { packets: 1, bytes: 30 },
            },
          },
        ],
        stmt: [{ counter: null }],
      },
    },
  ],
});

describe('the events rate limit table', () => {
  it('limits only the first packet of a DNATed connection, after the DNAT, in NAT chains of its own', () => {
    const script = eventsTableScript(4000);
    expect(script).toContain(`table ip ${EVENTS_TABLE} {`);
    expect(script).toContain('rate over 4000/second burst 400 packets');
    // NAT chains (a connection's first packet only) where every DNATed connection passes once:
    // postrouting (a client in the namespace, before kube-proxy's masquerade), input (behind a veth).
    for (const hook of ['postrouting', 'input']) {
      const chain = new RegExp(
        `chain ${hook} \\{\\n\\s+type nat hook ${hook} priority 99; policy accept;\\n\\s+(.*)\\n`,
      ).exec(script);
      expect(chain?.[1]).toBe(
        'ct status & (dnat | confirmed) == dnat meta l4proto { tcp, udp } limit name "events" add @unreported { ct original ip daddr . ct original proto-dst . ip daddr . th dport . meta l4proto } ct event set 0x0',
      );
    }
    // One limit for both: not twice the rate when connections come from both sides.
    expect(script.match(/rate over/g)).toHaveLength(1);
    // Written anew whether or not it was there: the first two lines make `delete` always succeed.
    expect(script.split('\n').slice(0, 2)).toEqual([
      `table ip ${EVENTS_TABLE} {}`,
      `delete table ip ${EVENTS_TABLE}`,
    ]);
  });

  it('bursts a tenth of a second', () => {
    expect(eventsTableScript(5)).toContain('rate over 5/second burst 1 packets');
    expect(eventsTableScript(50_000)).toContain('burst 5000 packets');
  });

  it('refuses a rate that is not a whole positive number', () => {
    for (const bad of [0, -1, 2.5, Number.NaN])
      expect(() => eventsTableScript(bad)).toThrow(/whole number of connections a second/);
  });
});

describe('the kernel counts of connections without events', () => {
  it('reads each frontend and endpoint pair with its count', () => {
    expect(parseUnreported(LISTED)).toEqual([
      {
        protocol: 'TCP',
        frontendIP: '127.96.0.10',
        frontendPort: 80,
        endpointIP: '127.244.2.12',
        endpointPort: 8080,
        connections: 6,
      },
      {
        protocol: 'UDP',
        frontendIP: '127.96.0.10',
        frontendPort: 53,
        endpointIP: '127.244.1.11',
        endpointPort: 53,
        connections: 1,
      },
    ]);
  });

  it('reads an empty set, and skips elements of another shape', () => {
    expect(parseUnreported('{"nftables":[{"set":{"name":"unreported"}}]}')).toEqual([]);
    const odd = JSON.stringify({
      nftables: [
        {
          set: {
            elem: [
              { elem: { val: { concat: ['127.0.0.1', 80] }, counter: { packets: 1 } } },
              {
                elem: {
                  val: { concat: ['127.0.0.1', 80, '127.0.0.2', 80, 'sctp'] },
                  counter: { packets: 1 },
                },
              },
              { elem: { val: { concat: ['127.0.0.1', 80, '127.0.0.2', 80, 'tcp'] } } },
            ],
          },
        },
      ],
    });
    expect(parseUnreported(odd)).toEqual([]);
  });

  it('hands on what each reading adds, and starts again when the table was written anew', () => {
    const flow = (connections: number): UnreportedFlows => ({
      protocol: 'TCP',
      frontendIP: '127.96.0.10',
      frontendPort: 80,
      endpointIP: '127.244.2.12',
      endpointPort: 8080,
      connections,
    });
    const d = new UnreportedDeltas();
    expect(d.take([flow(5)]).map((f) => f.connections)).toEqual([5]);
    expect(d.take([flow(5)])).toEqual([]);
    expect(d.take([flow(12)]).map((f) => f.connections)).toEqual([7]);
    expect(d.take([flow(3)]).map((f) => f.connections)).toEqual([3]); // a new table
    expect(d.total).toBe(15);
  });
});

describe('connections counted without events', () => {
  const A = makeEndpoint('127.244.1.11', 8080, 'node-1', 'web-a');
  const B = makeEndpoint('127.244.2.12', 8080, 'node-2', 'web-b');
  const rules = makeRules(
    [{ svc: makeService('web'), endpoints: [A, B] }],
    [['127.244.1.50', 'client-1', 'node-1']],
  );
  const counted = (endpointIP: string, frontendPort = 80): UnreportedFlows => ({
    protocol: 'TCP',
    frontendIP: '127.96.0.10',
    frontendPort,
    endpointIP,
    endpointPort: 8080,
    connections: 40,
  });

  it('land in the row of the events through the same frontend to the same endpoint', () => {
    const stats = new ConnectionStats();
    const j = new ConntrackJoiner({ emit: (e) => stats.record(e) });
    j.conntrack(
      ctNew({
        id: 1,
        at: 1000,
        client: ['127.244.1.50', 40000],
        frontend: ['127.96.0.10', 80],
        endpoint: ['127.244.2.12', 8080],
      }),
      rules,
    );
    const at = j.counted(counted('127.244.2.12'), rules)!;
    expect(at.service).toEqual({ namespace: 'default', name: 'web', port: 'http' });
    expect(at.endpoint).toMatchObject({ pod: 'web-b', ip: '127.244.2.12', port: 8080 });
    stats.counted(at, 40);
    stats.counted(j.counted(counted('127.244.1.11'), rules)!, 40);
    expect(stats.snapshot()).toEqual([
      expect.objectContaining({
        endpoint: 'default/web-a',
        connections: 40,
        active: 0,
        unreported: 40,
      }),
      expect.objectContaining({
        endpoint: 'default/web-b',
        connections: 41,
        active: 1,
        unreported: 40,
      }),
    ]);
  });

  it("are no Service's when the frontend is none in the rules in force", () => {
    const j = new ConntrackJoiner({ emit: () => {} });
    expect(j.counted(counted('127.244.2.12', 81), rules)).toBeUndefined();
  });
});
