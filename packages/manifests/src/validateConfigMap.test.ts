import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

const configMap = (extra: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config' },
  ...extra,
});

describe('ConfigMap validation', () => {
  it('accepts data and binaryData, as written (no defaults)', () => {
    const { objects, errors } = checkManifests(`apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  color: blue
  index.html: |
    <h1>v2</h1>
binaryData:
  logo.png: iVBORw0KGgo=
`);
    expect(errors).toEqual([]);
    expect(objects[0]!.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: 'default' },
      data: { color: 'blue', 'index.html': '<h1>v2</h1>\n' },
      binaryData: { 'logo.png': 'iVBORw0KGgo=' },
    });
  });

  it("refuses bad keys, a key in both maps and binary values that are not base64, in Kubernetes' words", () => {
    expect(
      messages(
        configMap({
          data: { a: '1', 'bad key': 'x', '..x': 'y' },
          binaryData: { a: 'aGk=', b: '!!' },
        }),
      ),
    ).toEqual([
      'data[a]: Invalid value: "a": duplicate of key present in binaryData',
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      `data[..x]: Invalid value: "..x": must not start with '..'`,
      'binaryData[b]: Invalid value: "!!": illegal base64 data at input byte 0',
    ]);
  });

  it('bounds data and binaryData together at 1 MiB, as a Secret', () => {
    const half = 'x'.repeat(600 * 1024);
    expect(messages(configMap({ data: { a: half, b: half } }))).toEqual([
      ': Too long: must have at most 1048576 bytes',
    ]);
    expect(messages(configMap({ data: { a: half } }))).toEqual([]);
  });

  it('names it like any namespaced object', () => {
    expect(messages(configMap({ metadata: { name: 'App' } }))[0]).toMatch(
      /^metadata\.name: Invalid value: "App": a lowercase RFC 1123 subdomain/,
    );
  });
});
