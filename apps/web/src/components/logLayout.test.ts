import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@l4lab/protocol';
import { reasonText, rowHeight, rowTops, visibleRows, wrappedLines } from './logLayout.ts';

// Addresses: services 127.100.0.0/16, pods 127.150.0.0/16, nodes 127.19.0.2-4 (test ranges).

function makeEvent(reason: string, pod = 'my-nginx-6d4cf56db6-7kbs5'): ConnectionEvent {
  return {
    id: 'c1',
    startedAt: 0,
    protocol: 'TCP',
    client: { ip: '127.0.0.1', port: 40000 },
    frontend: { kind: 'NodePort', ip: '127.19.0.2', port: 30080, node: 'node-1' },
    service: { namespace: 'default', name: 'my-nginx', port: 80 },
    endpoint: { pod, namespace: 'default', ip: '127.150.0.2', port: 80, node: 'node-1' },
    mode: 'iptables',
    reason,
    bytesIn: 0,
    bytesOut: 0,
    outcome: 'ok',
  };
}

describe('wrappedLines', () => {
  it('wraps at spaces, and breaks a word longer than a line anywhere', () => {
    expect(wrappedLines('random 2 of 2', 20)).toBe(1);
    expect(wrappedLines('random 2 of 2; SNAT to node-1', 20)).toBe(2);
    expect(wrappedLines('abcdefghij', 4)).toBe(3);
    expect(wrappedLines('ab abcdefghij', 4)).toBe(4);
    expect(wrappedLines('', 10)).toBe(1);
  });
});

describe('rowHeight', () => {
  const metrics = { charWidth: 8, lineHeight: 18, serviceWidth: 168, reasonWidth: 248 };

  it('gives the reason the lines it needs, never cutting it', () => {
    // 248 px / 8 px = 31 characters, less one of slack: 30 per line.
    const short = makeEvent('random 2 of 2');
    const long = makeEvent(
      'new affinity (ClientIP, 10,800 s): random 2 of 3; SNAT to node-1 (127.19.0.2)',
    );
    // `iptables · new affinity` / `(ClientIP, 10,800 s): random 2` / `of 3; SNAT to node-1` / `(127.19.0.2)`
    expect(wrappedLines(reasonText(long), 30)).toBe(4);
    expect(rowHeight(long, metrics)).toBe(4 * 18 + 9);
    // SERVICE → POD at 20 characters: `my-nginx:80 →`, then the pod's 25 characters on two lines.
    expect(rowHeight(short, metrics)).toBe(3 * 18 + 9);
    expect(rowHeight(short, { ...metrics, serviceWidth: 400 })).toBe(18 + 9);
  });
});

describe('visibleRows', () => {
  it('finds the rows in view among rows of different heights', () => {
    const tops = rowTops([27, 45, 27, 63, 27, 27]);
    expect(tops).toEqual([0, 27, 72, 99, 162, 189, 216]);
    expect(visibleRows(tops, 80, 50, 0)).toEqual([2, 4]);
    expect(visibleRows(tops, 0, 1000, 2)).toEqual([0, 6]);
    expect(visibleRows(rowTops([]), 0, 300)).toEqual([0, 0]);
  });
});
