// Times on the wire: metav1.Time to the second, MicroTime and users' own strings as they are.
import { describe, expect, it } from 'vitest';
import { wireTimes } from './wireTimes.ts';

describe('wireTimes', () => {
  it("writes an object's times to the second, leaving what users wrote and MicroTimes", () => {
    const at = '2026-12-06T22:20:57.123Z';
    const pod = {
      metadata: {
        name: 'web',
        creationTimestamp: at,
        annotations: { 'example.com/when': at },
        managedFields: [{ manager: 'kubectl', time: at }],
      },
      status: { conditions: [{ type: 'Ready', lastTransitionTime: at, lastProbeTime: null }] },
    };
    expect(wireTimes(pod)).toEqual({
      metadata: {
        name: 'web',
        creationTimestamp: '2026-12-06T22:20:57Z',
        annotations: { 'example.com/when': at },
        managedFields: [{ manager: 'kubectl', time: '2026-12-06T22:20:57Z' }],
      },
      status: {
        conditions: [
          { type: 'Ready', lastTransitionTime: '2026-12-06T22:20:57Z', lastProbeTime: null },
        ],
      },
    });
    expect(pod.metadata.creationTimestamp).toBe(at);
    expect(wireTimes({ data: { t: at }, eventTime: at, spec: { renewTime: at } })).toEqual({
      data: { t: at },
      eventTime: at,
      spec: { renewTime: at },
    });
    // A user's string that looks like a time is theirs: sent back, it must be the same.
    const env = { spec: { containers: [{ env: [{ name: 'AT', value: at }], args: [at] }] } };
    expect(wireTimes(env)).toEqual(env);
    const node = { spec: { taints: [{ key: 'k', effect: 'NoExecute', timeAdded: at }] } };
    expect(wireTimes(node).spec.taints[0]!.timeAdded).toBe('2026-12-06T22:20:57Z');
  });
});
