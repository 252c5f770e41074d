import { describe, expect, it } from 'vitest';
import type { GraphNode, GraphPod } from './graphNodes.ts';
import type { GraphService } from './graphServices.ts';
import { makeGenerator } from '../testing/builders.ts';
import { addRequests } from './graphRequests.ts';
import { podLines } from './layoutDetail.ts';

const generator = (target: string) => makeGenerator({ target });

// Addresses: pods 127.150.1.0/24 (test ranges).

const pod = (name: string, rate = 0): GraphPod => ({
  id: `default/${name}`,
  namespace: 'default',
  name,
  owner: '',
  ip: '127.150.1.2',
  node: 'node-1',
  health: 'ready',
  status: 'Running',
  restarts: 0,
  standIn: false,
  rate,
  connections: 0,
  requestRate: 0,
  open: 0,
});

const svc = (name: string, type: string): GraphService => ({
  id: `default/${name}`,
  namespace: 'default',
  name,
  type,
  detail: '',
  ports: [],
  mode: '',
  modeFromAnnotation: false,
  dnsOnly: type === 'headless',
  notes: [],
  picks: [],
});

describe('addRequests', () => {
  it('says "N req/s over M conn" where kept-alive connections carry the requests (scenario 11)', () => {
    const nodes: GraphNode[] = [
      { name: 'node-1', ip: '', ready: true, pods: [pod('api-a', 0.2), pod('api-b')] },
    ];
    const edge = {
      id: 'default/api->default/api-a',
      fromLane: 'service' as const,
      from: 'default/api',
      toLane: 'pod' as const,
      to: 'default/api-a',
      style: 'endpoint' as const,
      rate: 0.2,
      tip: [],
    };
    const counters = new Map([
      [
        'default/api:80|default/api-a',
        {
          service: 'default/api:80',
          endpoint: 'default/api-a',
          connections: 2,
          active: 2,
          bytesIn: 0,
          bytesOut: 0,
          refused: 0,
          dropped: 0,
          reset: 0,
        },
      ],
    ]);
    const out = addRequests(
      {
        generators: [generator('api.default.svc.cluster.local:80')],
        requestRates: new Map([['g1', new Map([['api-a', 50]])]]),
        counters,
      },
      [svc('api', 'ClusterIP')],
      nodes,
      [edge],
    );
    expect(out.edges[0]?.label).toBe('50 req/s over 2 conn');
    expect(nodes[0]!.pods[1]!.requestRate).toBe(0);
    expect(out.clients).toEqual([]);
  });

  it('draws traffic to a headless Service from client to pod, labelled "DNS: no proxy" (scenario 07)', () => {
    const nodes: GraphNode[] = [
      { name: 'node-1', ip: '', ready: true, pods: [pod('db-a'), pod('db-b')] },
    ];
    const out = addRequests(
      {
        generators: [generator('db.default.svc.cluster.local:80')],
        requestRates: new Map([
          [
            'g1',
            new Map([
              ['db-a', 10],
              ['db-b', 12],
            ]),
          ],
        ]),
        counters: undefined,
      },
      [svc('db', 'headless')],
      nodes,
      [],
    );
    expect(out.clients.map((c) => c.id)).toEqual(['direct:g1']);
    expect(out.edges.map((e) => [e.to, e.style, e.label])).toEqual([
      ['default/db-a', 'direct', 'DNS: no proxy · 10 req/s'],
      ['default/db-b', 'direct', 'DNS: no proxy · 12 req/s'],
    ]);
  });
});

describe("a pod card's second line", () => {
  it('says stand-in when the kubelet serves the image with a stand-in', () => {
    expect(podLines({ ...pod('redis-0'), standIn: true }).sub).toBe(
      '127.150.1.2 · Running · stand-in',
    );
    expect(podLines(pod('web-0')).sub).toBe('127.150.1.2 · Running');
  });
});
