import { describe, expect, it, vi } from 'vitest';
import { parseManifests, parsePath } from './parse.ts';

const SERVICE = `# a comment
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
      targetPort: 8080
  selector:
    app.kubernetes.io/name: web
`;

describe('parseManifests', () => {
  it('keeps the YAML library quiet: user input never prints warnings on the server', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const log = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      parseManifests('? [a, b]\n: 1\n---\nx: !!foo bar\n');
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it('parses one document into a plain object with its start position', () => {
    const { documents, errors } = parseManifests(SERVICE);
    expect(errors).toEqual([]);
    expect(documents).toHaveLength(1);
    const doc = documents[0];
    expect(doc?.index).toBe(0);
    expect(doc?.value).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: {
        ports: [{ port: 80, targetPort: 8080 }],
        selector: { 'app.kubernetes.io/name': 'web' },
      },
    });
    expect([doc?.line, doc?.column]).toEqual([2, 1]);
  });

  it('finds the position of a scalar value, a collection key, a list item', () => {
    const doc = parseManifests(SERVICE).documents[0];
    expect(doc?.positionOf('spec.ports[0].port')).toEqual({ line: 8, column: 13 });
    expect(doc?.positionOf('spec.ports[0].targetPort')).toEqual({ line: 9, column: 19 });
    expect(doc?.positionOf('spec.ports')).toEqual({ line: 7, column: 3 });
    expect(doc?.positionOf('spec.ports[0]')).toEqual({ line: 8, column: 7 });
    expect(doc?.positionOf('spec.selector[app.kubernetes.io/name]')).toEqual({
      line: 11,
      column: 29,
    });
    expect(doc?.positionOf('')).toEqual({ line: 2, column: 1 });
  });

  it('falls back to the nearest existing ancestor', () => {
    const doc = parseManifests(SERVICE).documents[0];
    expect(doc?.positionOf('spec.ports[0].nodePort')).toEqual({ line: 8, column: 7 });
    expect(doc?.positionOf('spec.ports[3].name')).toEqual({ line: 7, column: 3 });
    expect(doc?.positionOf('spec.type')).toEqual({ line: 6, column: 1 });
    expect(doc?.positionOf('status.loadBalancer')).toEqual({ line: 2, column: 1 });
  });

  it('reports a syntax error with its 1-based line and column and document index', () => {
    const text = 'a: 1\n---\napiVersion: v1\nfoo: bar: baz\n';
    const { documents, errors } = parseManifests(text);
    expect(documents.map((d) => d.index)).toEqual([0]);
    expect(errors).toEqual([
      {
        message: 'Nested mappings are not allowed in compact mappings',
        path: '',
        line: 4,
        column: 6,
        document: 1,
        severity: 'error',
        code: 'L4_E_YAML_SYNTAX',
      },
    ]);
  });

  it('reports an unterminated flow collection', () => {
    const { errors } = parseManifests('metadata: {name: x\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.code).toBe('L4_E_YAML_SYNTAX');
    expect(errors[0]?.line).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.message).not.toContain('\n');
  });

  it('keeps the later of a repeated key, warns with the line of its value, and points there', () => {
    const text =
      'kind: Service\nspec:\n  selector:\n    app: a\n  ports:\n  - port: 80\n    port: 81\n' +
      '  selector:\n    app: b\n';
    const { documents, errors, warnings } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents[0]?.value).toEqual({
      kind: 'Service',
      spec: { selector: { app: 'b' }, ports: [{ port: 81 }] },
    });
    expect(warnings.map((w) => [w.message, w.path, w.line, w.column])).toEqual([
      ['line 7: key "port" already set in map', 'spec.ports[0].port', 7, 5],
      ['line 9: key "selector" already set in map', 'spec.selector', 8, 3],
    ]);
    expect(documents[0]?.positionOf('spec.selector.app')).toEqual({ line: 9, column: 10 });
  });

  it('skips empty documents but keeps document indexes', () => {
    const text = '---\n# only a comment\n---\na: 1\n---\n---\nb: 2\n---\n';
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [d.index, d.value])).toEqual([
      [1, { a: 1 }],
      [3, { b: 2 }],
    ]);
    expect(documents[1]?.line).toBe(7);
  });

  it('resolves anchors and merge keys', () => {
    const text = 'base: &labels\n  app: web\nother:\n  <<: *labels\n  tier: front\nref: *labels\n';
    const doc = parseManifests(text).documents[0];
    expect(doc?.value).toEqual({
      base: { app: 'web' },
      other: { app: 'web', tier: 'front' },
      ref: { app: 'web' },
    });
  });

  it('reads YAML 1.1 scalars like kubectl (booleans, octal), timestamps stay strings', () => {
    const doc = parseManifests('a: yes\nb: off\nc: 0755\nd: 2024-01-02\ne: 1:20\nf: "80"\n')
      .documents[0];
    expect(doc?.value).toEqual({ a: true, b: false, c: 493, d: '2024-01-02', e: '1:20', f: '80' });
  });

  it('parses JSON', () => {
    const text =
      '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "x"}\n}\n';
    const doc = parseManifests(text).documents[0];
    expect(doc?.value).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    expect(doc?.positionOf('metadata.name')).toEqual({ line: 4, column: 24 });
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const { errors } = parseManifests(lines.join('\n'));
    expect(errors[0]?.code).toBe('L4_E_YAML_SYNTAX');
  });
});

describe('parsePath', () => {
  it('splits fields, indexes and bracketed keys', () => {
    expect(parsePath('spec.ports[0].port')).toEqual(['spec', 'ports', '0', 'port']);
    expect(parsePath('metadata.labels[app.kubernetes.io/name]')).toEqual([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
    expect(parsePath('')).toEqual([]);
  });
});
