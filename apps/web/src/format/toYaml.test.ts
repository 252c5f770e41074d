import { describe, expect, it } from 'vitest';
import { toYaml } from './toYaml.ts';

describe('toYaml', () => {
  it('prints block YAML and quotes what would not read back as the same string', () => {
    const text = toYaml({
      metadata: { name: 'web', labels: {}, annotations: { 'l4lab.dev/proxy-mode': 'ipvs:rr' } },
      spec: { replicas: 2, ports: [{ port: 80, name: 'true' }], selector: { app: 'web' } },
    });
    expect(text).toBe(
      [
        'metadata:',
        '  name: web',
        '  labels: {}',
        '  annotations:',
        '    l4lab.dev/proxy-mode: ipvs:rr',
        'spec:',
        '  replicas: 2',
        '  ports:',
        '  - port: 80',
        '    name: "true"',
        '  selector:',
        '    app: web',
        '',
      ].join('\n'),
    );
  });
});
