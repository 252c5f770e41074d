// What the fuzzer calls a failure: each check is shown to fire on the answer it exists for, and the
// partial-apply counter to see an apply's writes but not the controllers' (fake clock, no processes).
import { describe, expect, it } from 'vitest';
import { makeDeployment, makeService, newTestCluster } from '@l4lab/cluster/testing';
import { ApplyWrites, PrototypeGuard, applyAnswerProblems, createdObjects } from './checks.ts';

const placed = { message: 'The Service "x" is invalid', line: 3 };

describe('applyAnswerProblems', () => {
  it('accepts a quick 200 with results and a quick refusal with placed errors', () => {
    expect(applyAnswerProblems(200, { results: [] })).toEqual([]);
    expect(applyAnswerProblems(422, { errors: [placed] })).toEqual([]);
    expect(applyAnswerProblems(413, { errors: [{ ...placed, line: 1 }] })).toEqual([]);
  });

  it('flags a 5xx, a slow answer, a refusal without errors[] and an error without a line', () => {
    expect(applyAnswerProblems(500, { errors: [placed] })[0]).toMatch(/^answered 500/);
    expect(applyAnswerProblems(415, { error: { message: 'x' } })[0]).toMatch(
      /415 without errors\[\]/,
    );
    expect(applyAnswerProblems(400, { errors: [{ ...placed, line: 0 }] })[0]).toMatch(
      /without a line/,
    );
    expect(applyAnswerProblems(422, { errors: [{ message: 'm' }] })[0]).toMatch(/without a line/);
    expect(applyAnswerProblems(302, {})[0]).toMatch(/unexpected status 302/);
  });
});

describe('createdObjects', () => {
  it('lists only what the apply created', () => {
    const body = {
      results: [
        { kind: 'Namespace', name: 'a', action: 'created' },
        { kind: 'Service', namespace: 'a', name: 's', action: 'created' },
        { kind: 'Namespace', name: 'default', action: 'unchanged' },
      ],
    };
    expect(createdObjects(body)).toEqual([
      { kind: 'Namespace', name: 'a' },
      { kind: 'Service', namespace: 'a', name: 's' },
    ]);
  });
});

describe('ApplyWrites', () => {
  it("counts an apply's creates and changes, not what controllers write after it", () => {
    const { cluster } = newTestCluster();
    const writes = new ApplyWrites(cluster);
    expect(
      cluster.apply([makeDeployment('default', 'web'), makeService('default', 'web')]).ok,
    ).toBe(true);
    // Deployment + Service; the ReplicaSet, Pods and EndpointSlice have owners.
    expect(writes.take()).toBe(2);
    expect(cluster.list('Pod').length).toBe(2);
    cluster.apply([makeService('default', 'web', (s) => (s.spec.ports![0]!.port = 81))]);
    expect(writes.take()).toBe(1);
    cluster.apply([makeService('default', 'web', (s) => (s.spec.ports![0]!.port = 81))]);
    expect(writes.take()).toBe(0); // unchanged
    cluster.delete('Deployment', 'default', 'web');
    expect(writes.take()).toBe(0);
    writes.stop();
  });
});

describe('PrototypeGuard', () => {
  it('sees a member added to, replaced in or removed from a built-in prototype', () => {
    const guard = new PrototypeGuard();
    const proto = Object.prototype as Record<string, unknown>;
    const toString = Array.prototype.toString;
    try {
      Object.defineProperty(proto, 'polluted', { value: 1, configurable: true, writable: true });
      expect(guard.changes()).toEqual(['Object.prototype.polluted']);
      expect(guard.changes()).toEqual([]);
      Array.prototype.toString = () => 'x';
      expect(guard.changes()).toEqual(['Array.prototype.toString']);
    } finally {
      delete proto.polluted;
      Array.prototype.toString = toString;
    }
    expect(guard.changes().sort()).toEqual([
      'Array.prototype.toString',
      'Object.prototype.polluted',
    ]);
  });
});
