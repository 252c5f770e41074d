import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenPort, nginxSite } from './nginxSite.ts';
import type { PodSandbox } from './types.ts';

const data = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f));
const CERT = data('my-nginx.crt');
const KEY = data('my-nginx.key');

/** The docs' default.conf ("Connecting Applications with Services", Securing the Service). */
const DEFAULT_CONF = data('default.conf').toString();

function pod(
  files: Record<string, string | Buffer>,
  image = 'bprashanth/nginxhttps:1.0',
): PodSandbox {
  return {
    namespace: 'default',
    name: 'my-nginx-1',
    uid: 'u1',
    ip: '10.244.0.5',
    node: 'node-1',
    containers: [{ name: 'nginxhttps', image }],
    containerFiles: new Map([
      ['nginxhttps', new Map(Object.entries(files).map(([p, d]) => [p, Buffer.from(d)]))],
    ]),
  };
}

const docsPod = (extra: Record<string, string | Buffer> = {}) =>
  pod({
    '/etc/nginx/conf.d/default.conf': DEFAULT_CONF,
    '/etc/nginx/ssl/tls.crt': CERT,
    '/etc/nginx/ssl/tls.key': KEY,
    ...extra,
  });

describe('nginxSite: what an nginx container`s conf.d asks of the pod', () => {
  it('reads the docs` default.conf: 80 plain, 443 with the Secret`s certificate', () => {
    const site = nginxSite(docsPod());
    expect(site.kind).toBe('conf.d');
    if (site.kind !== 'conf.d') return;
    expect(site.listens.map((l) => [l.port, !!l.tls])).toEqual([
      [80, false],
      [443, true],
    ]);
    expect(site.listens[1]!.tls!.cert.equals(CERT)).toBe(true);
    expect(site.listens[1]!.tls!.certPath).toBe('/etc/nginx/ssl/tls.crt');
  });

  it('is the image`s own site when nothing is mounted on conf.d', () => {
    expect(nginxSite(pod({}, 'nginx:1.27')).kind).toBe('image');
    expect(nginxSite(pod({ '/usr/share/nginx/html/index.html': 'hi' })).kind).toBe('image');
    // Only *.conf directly in conf.d is included by nginx.conf.
    expect(nginxSite(pod({ '/etc/nginx/conf.d/notes.txt': 'server {}' })).kind).toBe('image');
  });

  it('takes an http-level certificate for a server without its own, and listens on 80 without `listen`', () => {
    const site = nginxSite(
      pod({
        '/etc/nginx/conf.d/a.conf': `ssl_certificate /c/tls.crt;\nssl_certificate_key "/c/tls.key";\nserver { listen *:8443 ssl http2; }\nserver { server_name x; }\n`,
        '/c/tls.crt': CERT,
        '/c/tls.key': KEY,
      }),
    );
    expect(site.kind === 'conf.d' && site.listens.map((l) => [l.port, !!l.tls])).toEqual([
      [80, false],
      [8443, true],
    ]);
  });

  it('refuses, in nginx`s words, an ssl port without a certificate', () => {
    const conf = DEFAULT_CONF.replace(/\s+ssl_certificate .*;/, '');
    expect(nginxSite(pod({ '/etc/nginx/conf.d/default.conf': conf }))).toEqual({
      kind: 'emerg',
      message:
        'nginx: [emerg] no "ssl_certificate" is defined for the "listen ... ssl" directive in /etc/nginx/conf.d/default.conf:5',
    });
  });

  it('refuses a certificate or key it cannot load, and a key that is not the certificate`s', () => {
    const noSecret = nginxSite(pod({ '/etc/nginx/conf.d/default.conf': DEFAULT_CONF }));
    expect(noSecret.kind === 'emerg' && noSecret.message).toMatch(
      /^nginx: \[emerg\] cannot load certificate "\/etc\/nginx\/ssl\/tls.crt": BIO_new_file\(\) failed .*No such file or directory/,
    );
    const notPem = nginxSite(docsPod({ '/etc/nginx/ssl/tls.crt': 'hello' }));
    expect(notPem.kind === 'emerg' && notPem.message).toMatch(
      /cannot load certificate "\/etc\/nginx\/ssl\/tls.crt": PEM_read_bio_X509_AUX\(\) failed/,
    );
    const noKey = nginxSite(
      pod({ '/etc/nginx/conf.d/default.conf': DEFAULT_CONF, '/etc/nginx/ssl/tls.crt': CERT }),
    );
    expect(noKey.kind === 'emerg' && noKey.message).toMatch(
      /cannot load certificate key "\/etc\/nginx\/ssl\/tls.key": BIO_new_file\(\) failed/,
    );
    const mismatch = nginxSite(docsPod({ '/etc/nginx/ssl/tls.key': data('other.key') }));
    expect(mismatch.kind === 'emerg' && mismatch.message).toBe(
      'nginx: [emerg] SSL_CTX_use_PrivateKey("/etc/nginx/ssl/tls.key") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)',
    );
  });

  it('refuses a configuration nginx cannot parse, at its line', () => {
    const extra = nginxSite(
      pod({ '/etc/nginx/conf.d/default.conf': 'server {\n listen 80;\n}\n}\n' }),
    );
    expect(extra.kind === 'emerg' && extra.message).toBe(
      'nginx: [emerg] unexpected "}" in /etc/nginx/conf.d/default.conf:4',
    );
    const open = nginxSite(pod({ '/etc/nginx/conf.d/default.conf': 'server {\n listen 80;\n' }));
    expect(open.kind === 'emerg' && open.message).toBe(
      'nginx: [emerg] unexpected end of file, expecting "}" in /etc/nginx/conf.d/default.conf:2',
    );
    const unterminated = nginxSite(
      pod({ '/etc/nginx/conf.d/default.conf': 'server {\n listen 80\n}' }),
    );
    expect(unterminated.kind).toBe('emerg');
  });

  it('reads listen addresses as nginx does', () => {
    expect(listenPort('80')).toBe(80);
    expect(listenPort('*:8080')).toBe(8080);
    expect(listenPort('[::]:443')).toBe(443);
    expect(listenPort('127.0.0.1')).toBe(80);
    expect(listenPort('localhost:81')).toBe(81);
    expect(listenPort('unix:/run/nginx.sock')).toBeUndefined();
  });
});
