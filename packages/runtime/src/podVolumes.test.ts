import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container, Pod, Secret } from '@l4lab/protocol';
import type { ConfigSource } from './containerConfig.ts';
import { htmlAnswer } from './builtinRuntime.ts';
import { nginxHtmlFiles } from './nginxHtml.ts';
import {
  VolumeMountError,
  asText,
  containerFiles,
  fillVolumes,
  podVolumeFiles,
  subPathFiles,
  volumeReads,
} from './podVolumes.ts';

const cm: ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', namespace: 'default' },
  data: { color: 'blue', 'index.html': '<h1>v2</h1>\n' },
  binaryData: { 'logo.bin': Buffer.from([0, 1, 255]).toString('base64') },
};
const secret: Secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'default' },
  data: { password: Buffer.from('s3cret').toString('base64') },
};

const source = (objects: (ConfigMap | Secret)[]): ConfigSource => ({
  configMap: (ns, name) =>
    objects.find((o): o is ConfigMap => o.kind === 'ConfigMap' && o.metadata.name === name),
  secret: (ns, name) =>
    objects.find((o): o is Secret => o.kind === 'Secret' && o.metadata.name === name),
});

const podWith = (volumes: Record<string, unknown>[], containers: Container[] = []): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers, volumes: volumes as Pod['spec']['volumes'] },
});

describe('configMap and secret volumes', () => {
  it('makes every key a file (binaryData as bytes), or the items chosen at their paths', () => {
    const pod = podWith([
      { name: 'config', configMap: { name: 'app-config' } },
      { name: 'creds', secret: { secretName: 'db', items: [{ key: 'password', path: 'db/pw' }] } },
      { name: 'scratch', emptyDir: {} },
    ]);
    const volumes = podVolumeFiles(pod, source([cm, secret]));
    expect([...volumes.keys()]).toEqual(['config', 'creds']);
    expect([...volumes.get('config')!.keys()]).toEqual(['color', 'index.html', 'logo.bin']);
    expect([...volumes.get('config')!.get('logo.bin')!]).toEqual([0, 1, 255]);
    expect(asText(volumes.get('creds')!)).toEqual({ 'db/pw': 's3cret' });
    expect(volumeReads(pod, 'ConfigMap', 'app-config')).toBe(true);
    expect(volumeReads(pod, 'Secret', 'db')).toBe(true);
    expect(volumeReads(pod, 'Secret', 'app-config')).toBe(false);
  });

  it("fails MountVolume.SetUp in the kubelet's words, unless the volume is optional", () => {
    const fails = (v: Record<string, unknown>, objects: (ConfigMap | Secret)[] = []) => {
      try {
        podVolumeFiles(podWith([v]), source(objects));
      } catch (err) {
        expect(err).toBeInstanceOf(VolumeMountError);
        return (err as VolumeMountError).event;
      }
      return 'mounted';
    };
    expect(fails({ name: 'config', configMap: { name: 'app-config' } })).toBe(
      'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found',
    );
    expect(fails({ name: 'creds', secret: { secretName: 'db' } })).toBe(
      'MountVolume.SetUp failed for volume "creds" : secret "db" not found',
    );
    expect(
      fails({ name: 'c', configMap: { name: 'app-config', items: [{ key: 'x', path: 'x' }] } }, [
        cm,
      ]),
    ).toBe(
      'MountVolume.SetUp failed for volume "c" : configmap references non-existent config key: x',
    );
    expect(
      fails({ name: 's', secret: { secretName: 'db', items: [{ key: 'x', path: 'x' }] } }, [
        secret,
      ]),
    ).toBe('MountVolume.SetUp failed for volume "s" : references non-existent secret key: x');
    expect(fails({ name: 'c', configMap: { name: 'gone', optional: true } })).toBe('mounted');
  });

  it('shows each mount under its mountPath; a subPath mounts one file there, kept as it started', () => {
    const volumes = podVolumeFiles(
      podWith([{ name: 'config', configMap: { name: 'app-config' } }]),
      source([cm]),
    );
    const c: Container = {
      name: 'app',
      image: 'busybox',
      volumeMounts: [
        { name: 'config', mountPath: '/etc/config/' },
        { name: 'config', mountPath: '/app/color.txt', subPath: 'color' },
        { name: 'missing', mountPath: '/x' },
      ],
    };
    expect([...containerFiles(c, volumes).keys()]).toEqual([
      '/etc/config/color',
      '/etc/config/index.html',
      '/etc/config/logo.bin',
      '/app/color.txt',
    ]);
    const frozen = subPathFiles(c, volumes);
    expect(asText(frozen)).toEqual({ '/app/color.txt': 'blue' });
    const changed = podVolumeFiles(
      podWith([{ name: 'config', configMap: { name: 'app-config' } }]),
      source([{ ...cm, data: { color: 'green' } }]),
    );
    const seen = asText(containerFiles(c, changed, frozen));
    expect([seen['/etc/config/color'], seen['/app/color.txt']]).toEqual(['green', 'blue']);
  });

  it('sets up each volume on its own: a failing one keeps its last files', () => {
    const pod = podWith([
      { name: 'a', configMap: { name: 'app-config' } },
      { name: 'b', secret: { secretName: 'db' } },
    ]);
    const first = podVolumeFiles(pod, source([cm, secret]));
    const { volumes, failures } = fillVolumes(pod, source([secret]), first);
    expect(failures.map((f) => f.event)).toEqual([
      'MountVolume.SetUp failed for volume "a" : configmap "app-config" not found',
    ]);
    expect(volumes.get('a')).toBe(first.get('a'));
    expect(asText(volumes.get('b')!)).toEqual({ password: 's3cret' });
  });
});

describe("nginx's html directory", () => {
  const sandbox = (mountPath: string, files: Record<string, string>, subPath?: string) => ({
    namespace: 'default',
    name: 'web-1',
    uid: 'u',
    ip: '127.244.1.5',
    node: 'node-1',
    containers: [
      {
        name: 'nginx',
        image: 'nginx',
        volumeMounts: [{ name: 'html', mountPath, ...(subPath ? { subPath } : {}) }],
      },
    ],
    containerFiles: new Map([
      ['nginx', new Map(Object.entries(files).map(([p, t]) => [p, Buffer.from(t)]))],
    ]),
  });

  it('is the pod page, or what a volume mounted on it holds; a mount below it adds files', () => {
    const hidden = nginxHtmlFiles(
      sandbox('/usr/share/nginx/html', { '/usr/share/nginx/html/index.html': 'v2' }),
    );
    expect(asText(hidden)).toEqual({ 'index.html': 'v2' });
    const added = nginxHtmlFiles(
      sandbox('/usr/share/nginx/html/extra', {
        '/usr/share/nginx/html/extra/a.txt': 'a',
        '/etc/x': 'no',
      }),
    );
    expect([...added.keys()]).toEqual(['index.html', 'extra/a.txt']);
    expect(added.get('index.html')!.toString()).toContain('web-1');
    const escaping = nginxHtmlFiles(
      sandbox('/usr/share/nginx/html', { '/usr/share/nginx/html/../../x': 'no' }),
    );
    expect([...escaping.keys()]).toEqual([]);
  });

  it("is hidden by a mount above it too, and takes only the nginx containers' mounts", () => {
    const above = nginxHtmlFiles(
      sandbox('/usr/share/nginx', { '/usr/share/nginx/html/index.html': 'from above' }),
    );
    expect(asText(above)).toEqual({ 'index.html': 'from above' });
    const withSidecar = {
      ...sandbox('/usr/share/nginx/html', { '/usr/share/nginx/html/index.html': 'mine' }),
    };
    withSidecar.containers = [
      ...withSidecar.containers,
      {
        name: 'sidecar',
        image: 'busybox',
        volumeMounts: [{ name: 'x', mountPath: '/usr/share/nginx/html' }],
      },
    ];
    withSidecar.containerFiles = new Map([
      ...withSidecar.containerFiles,
      ['sidecar', new Map([['/usr/share/nginx/html/other.html', Buffer.from('no')]])],
    ]);
    expect(asText(nginxHtmlFiles(withSidecar))).toEqual({ 'index.html': 'mine' });
  });

  it("is served as nginx's `root html; index index.html`: a file, 403 for a directory without index, 404", () => {
    const files = new Map([
      ['index.html', Buffer.from('v2')],
      ['docs/a.txt', Buffer.from('a')],
    ]);
    expect(htmlAnswer(files, '/')).toMatchObject({ status: 200 });
    expect(htmlAnswer(files, '/index.html?x=1').body.toString()).toBe('v2');
    expect(htmlAnswer(files, '/docs/a.txt')).toMatchObject({ status: 200 });
    expect(htmlAnswer(files, '/docs/')).toMatchObject({ status: 403 });
    expect(htmlAnswer(files, '/docs')).toMatchObject({ status: 301, location: '/docs/' });
    expect(htmlAnswer(files, '/nope')).toMatchObject({ status: 404 });
    expect(htmlAnswer(files, '/%E0%A4%A')).toMatchObject({ status: 400 });
  });
});
