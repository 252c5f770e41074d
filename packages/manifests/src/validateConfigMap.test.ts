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

describe("a pod's volumes, mounts and ConfigMap / Secret references", () => {
  const pod = (spec: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'app', image: 'busybox', ...spec }] },
  });
  const withVolumes = (volumes: unknown[], container: Record<string, unknown>) => ({
    ...pod(container),
    spec: { ...pod(container).spec, volumes },
  });

  it('refuses a mount of no volume, a repeated mountPath and a subPath that climbs', () => {
    expect(
      messages(
        withVolumes([{ name: 'html', configMap: { name: 'web-html' } }], {
          volumeMounts: [
            { name: 'typo', mountPath: '/a' },
            { name: 'html', mountPath: '/a' },
            { name: 'html', mountPath: '/b', subPath: '../x' },
          ],
        }),
      ),
    ).toEqual([
      'spec.containers[0].volumeMounts[0].name: Not found: "typo"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
      `spec.containers[0].volumeMounts.subPath: Invalid value: "../x": must not contain '..'`,
    ]);
  });

  it("refuses a configMap or secret volume without its object's name, and items that leave the volume", () => {
    expect(
      messages(
        withVolumes(
          [
            { name: 'a', configMap: { items: [{ key: 'k', path: '../../etc/passwd' }] } },
            { name: 'b', secret: { items: [{ path: '/abs' }], defaultMode: 1000 } },
            { name: 'a', configMap: { name: 'c' } },
          ],
          {},
        ),
      ),
    ).toEqual([
      'spec.volumes[0].configMap.name: Required value',
      `spec.volumes[0].configMap.items[0].path: Invalid value: "../../etc/passwd": must not contain '..'`,
      `spec.volumes[0].configMap.items[0].path: Invalid value: "../../etc/passwd": must not start with '..'`,
      'spec.volumes[1].secret.secretName: Required value',
      'spec.volumes[1].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
      'spec.volumes[1].secret.items[0].key: Required value',
      'spec.volumes[1].secret.items[0].path: Invalid value: "/abs": must be a relative path',
      'spec.volumes[2].name: Duplicate value: "a"',
    ]);
  });

  it('refuses a key reference without name or key, and a source of two kinds', () => {
    expect(
      messages(
        pod({
          env: [
            { name: 'A', valueFrom: { configMapKeyRef: { key: 'bad key' } } },
            { name: 'B', valueFrom: {} },
            {
              name: 'C',
              valueFrom: {
                secretKeyRef: { name: 'db', key: 'k' },
                fieldRef: { fieldPath: 'metadata.name' },
              },
            },
          ],
          envFrom: [{ prefix: 'X_' }, { configMapRef: {} }],
        }),
      ),
    ).toEqual([
      'spec.containers[0].env[0].valueFrom.configMapKeyRef.name: Required value',
      `spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not have more than one field specified at a time',
      'spec.containers[0].envFrom[0]: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
      'spec.containers[0].envFrom[1].configMapRef.name: Required value',
    ]);
  });

  it("takes a StatefulSet's claim templates as its pods' volumes", () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx',
                volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'www' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    };
    expect(messages(sts)).toEqual([]);
  });
});
