import { describe, expect, it } from 'vitest';
import { nginxConfig } from './nginxConfig.ts';
import type { PodSandbox } from './types.ts';

// Test addresses: pod 127.244.1.5.
const pod: PodSandbox = {
  namespace: 'default',
  name: 'dns-1',
  uid: 'u',
  ip: '127.244.1.5',
  node: 'node-1',
  containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 5353, protocol: 'UDP' }] }],
};

describe('nginxConfig', () => {
  it('serves the page and headers on every TCP port', () => {
    const conf = nginxConfig('/p', pod, [{ ip: '127.244.1.5', port: 80, udp: false }]);
    expect(conf).toContain('    listen 127.244.1.5:80;');
    expect(conf).toContain('    add_header X-Pod-Name dns-1 always;');
    expect(conf).toContain('pid /p/nginx.pid;');
  });

  it('has no http server at all for a UDP-only pod (an empty server block would take *:80)', () => {
    const conf = nginxConfig('/p', pod, [{ ip: '127.244.1.5', port: 5353, udp: true }]);
    expect(conf).not.toContain('  server {\n    add_header');
    expect(conf.match(/listen /g) ?? []).toHaveLength(conf.includes('stream {') ? 1 : 0);
    expect(conf).not.toMatch(/listen [^;]*:80;/);
  });
});
