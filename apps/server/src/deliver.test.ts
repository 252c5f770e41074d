import { describe, expect, it } from 'vitest';
import { deliver, MAX_BUFFERED, type Viewer } from './deliver.ts';

function viewer(bufferedAmount: number) {
  const sent: string[] = [];
  let terminated = false;
  const ws: Viewer = {
    readyState: 1,
    bufferedAmount,
    send: (d) => void sent.push(d),
    terminate: () => void (terminated = true),
  };
  return { ws, sent, terminated: () => terminated };
}

describe('deliver', () => {
  it('sends to a viewer that keeps up', () => {
    const v = viewer(0);
    expect(deliver(v.ws, '{"type":"object_changes"}')).toBe(true);
    expect(v.sent).toHaveLength(1);
  });

  it('drops a viewer that cannot keep up instead of skipping its frame (it resyncs)', () => {
    const v = viewer(MAX_BUFFERED - 10);
    expect(deliver(v.ws, '{"type":"object_changes","changes":[]}')).toBe(false);
    expect(v.sent).toEqual([]);
    expect(v.terminated()).toBe(true);
  });
});
