import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container, Secret } from '@l4lab/protocol';
import { type ConfigSource, namesConfig, resolveContainerConfig } from './containerConfig.ts';
import { kubeletEnv } from './standIn/standIns.ts';

const configMap = (name: string, data: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
});
const secret = (name: string, data: Record<string, string>): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  data: Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
});

function source(objects: (ConfigMap | Secret)[]): ConfigSource {
  const find = (kind: string, ns: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
  return {
    configMap: (ns, name) => find('ConfigMap', ns, name) as ConfigMap | undefined,
    secret: (ns, name) => find('Secret', ns, name) as Secret | undefined,
  };
}

const pod = { namespace: 'default', name: 'web', ip: '127.244.1.5', node: 'node-1' };

const app: Container = {
  name: 'app',
  image: 'busybox',
  envFrom: [
    { configMapRef: { name: 'app-config' }, prefix: 'CFG_' },
    { secretRef: { name: 'db' } },
  ],
  env: [
    { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'color' } } },
    { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    { name: 'GREETING', value: 'hello $(COLOR)' },
    { name: 'MAYBE', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
  ],
};

describe("the kubelet's ConfigMap and Secret variables", () => {
  it('reads envFrom first, then env; keys are values as written, never $(VAR)-expanded', () => {
    const src = source([
      configMap('app-config', { color: 'blue', motd: 'cost: $(HOME) $5' }),
      secret('db', { password: 's3cr$t', user: 'admin' }),
    ]);
    const container = resolveContainerConfig(app, 'default', src);
    expect(container.envFrom).toBeUndefined();
    expect(Object.fromEntries(kubeletEnv(container, pod))).toEqual({
      CFG_color: 'blue',
      CFG_motd: 'cost: $(HOME) $5',
      password: 's3cr$t',
      user: 'admin',
      COLOR: 'blue',
      PASSWORD: 's3cr$t',
      GREETING: 'hello blue',
    });
  });

  it("refuses a missing object or key in the kubelet's words, unless optional", () => {
    const only = (c: Partial<Container>, objects: (ConfigMap | Secret)[]) => () =>
      resolveContainerConfig({ name: 'app', image: 'busybox', ...c }, 'default', source(objects));
    expect(only({ envFrom: app.envFrom }, [])).toThrow('configmap "app-config" not found');
    expect(only({ env: [app.env![1]!] }, [])).toThrow('secret "db" not found');
    expect(only({ env: [app.env![0]!] }, [configMap('app-config', {})])).toThrow(
      "couldn't find key color in ConfigMap default/app-config",
    );
    expect(only({ env: [app.env![1]!] }, [secret('db', {})])).toThrow(
      "couldn't find key password in Secret default/db",
    );
    try {
      only({ env: [app.env![1]!] }, [])();
    } catch (err) {
      expect(err).toMatchObject({ reason: 'CreateContainerConfigError' });
    }
    const optional = resolveContainerConfig(
      {
        name: 'app',
        image: 'busybox',
        envFrom: [{ configMapRef: { name: 'gone', optional: true } }],
        env: [
          { name: 'K', valueFrom: { configMapKeyRef: { name: 'c', key: 'k', optional: true } } },
        ],
      },
      'default',
      source([configMap('c', {})]),
    );
    expect(optional.env).toEqual([]);
  });

  it('takes every envFrom key as a variable, whatever its name (Kubernetes 1.32)', () => {
    const container = resolveContainerConfig(
      { name: 'app', image: 'busybox', envFrom: [{ configMapRef: { name: 'c' } }] },
      'default',
      source([configMap('c', { '1st': 'x', 'b c': 'y', ok: 'z' })]),
    );
    expect(container.env).toEqual([
      { name: '1st', value: 'x' },
      { name: 'b c', value: 'y' },
      { name: 'ok', value: 'z' },
    ]);
  });

  it('leaves a container without references as it is, and tells which objects a container names', () => {
    const plain: Container = { name: 'web', image: 'nginx', env: [{ name: 'A', value: '1' }] };
    expect(resolveContainerConfig(plain, 'default', source([]))).toBe(plain);
    expect(namesConfig(app, 'ConfigMap', 'app-config')).toBe(true);
    expect(namesConfig(app, 'Secret', 'db')).toBe(true);
    expect(namesConfig(app, 'Secret', 'app-config')).toBe(false);
  });
});
