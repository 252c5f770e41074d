import { describe, expect, it } from 'vitest';
import { parseFieldPath, readField } from './fieldPath.ts';

describe('parseFieldPath', () => {
  it.each([
    ['spec.type', ['spec', 'type']],
    ['spec.ports[0].nodePort', ['spec', 'ports', 0, 'nodePort']],
    ['metadata.labels["app.kubernetes.io/name"]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    [
      "metadata.annotations['l4lab.dev/proxy-mode']",
      ['metadata', 'annotations', 'l4lab.dev/proxy-mode'],
    ],
    ['status.loadBalancer.ingress[0].ip', ['status', 'loadBalancer', 'ingress', 0, 'ip']],
  ])('%s', (path, segments) => {
    expect(parseFieldPath(path)).toEqual(segments);
  });

  it.each(['', '.spec', 'spec..type', 'spec.ports[x]', 'spec.ports[0]nodePort', 'spec["open'])(
    'refuses %j with a sentence',
    (path) => {
      expect(parseFieldPath(path)).toEqual(expect.any(String));
    },
  );
});

describe('readField', () => {
  const svc = { spec: { ports: [{ nodePort: 30380 }] }, metadata: { labels: { a: 'b' } } };

  it('reads through maps and lists, and is undefined where a step is missing', () => {
    expect(readField(svc, ['spec', 'ports', 0, 'nodePort'])).toBe(30380);
    expect(readField(svc, ['spec', 'ports', 1, 'nodePort'])).toBeUndefined();
    expect(readField(svc, ['spec', 'ports', 'nodePort'])).toBeUndefined();
    expect(readField(svc, ['metadata', 'labels', 0])).toBeUndefined();
    // Only the object's own fields: a path never reaches a prototype's.
    expect(readField(svc, ['metadata', 'labels', 'constructor'])).toBeUndefined();
  });
});
