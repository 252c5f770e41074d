import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findNginx } from '../nginxRuntime.ts';
import type { DockerEngine } from './dockerEngine.ts';

const run = promisify(execFile);
const MODULES = '/usr/lib/nginx/modules';

/**
 * `l4lab image build`: makes `nginx:latest` without a registry, from this host's nginx. The binary,
 * its modules and every library `ldd` lists (plus the loader) are copied into a rootfs with
 * `cp -L --parents`, with mime.types, a minimal passwd/group, the directories nginx expects and a
 * default config like the official image's; the tarball is imported (`docker import`) with
 * CMD ["nginx", "-g", "daemon off;"].
 */
export async function buildLocalNginxImage(
  engine: DockerEngine,
  progress: (line: string) => void,
  opts: { repo?: string; tag?: string } = {},
): Promise<void> {
  const nginx = findNginx();
  if (!nginx) {
    throw new Error(
      'nginx is not installed on this host (Debian: apt-get install -y nginx-light libnginx-mod-stream)',
    );
  }
  const root = await mkdtemp(join(tmpdir(), 'l4lab-image-'));
  try {
    const modules = existsSync(MODULES)
      ? (await readdir(MODULES)).filter((f) => f.endsWith('.so')).map((f) => join(MODULES, f))
      : [];
    progress(`binary ${nginx}, ${modules.length} module(s)`);
    const libs = new Set<string>();
    for (const f of [nginx, ...modules]) for (const l of await sharedLibraries(f)) libs.add(l);
    progress(`${libs.size} shared libraries (ldd)`);
    const files = [nginx, ...modules, ...libs];
    if (existsSync('/etc/nginx/mime.types')) files.push('/etc/nginx/mime.types');
    await run('cp', ['-L', '--parents', ...files, root]);
    await writeSkeleton(root);
    progress('rootfs ready; importing as nginx:latest');
    const tar = spawn('tar', ['--owner=0', '--group=0', '-C', root, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tarErr = '';
    tar.stderr.on('data', (d: Buffer) => void (tarErr += d.toString()));
    const tarDone = new Promise<number | null>((r) => tar.once('close', (code) => r(code)));
    await engine.importImage(
      tar.stdout,
      opts.repo ?? 'nginx',
      opts.tag ?? 'latest',
      ['CMD ["nginx", "-g", "daemon off;"]', 'EXPOSE 80', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
      (line) => progress(`docker import: ${line}`),
    );
    if ((await tarDone) !== 0) throw new Error(`tar failed: ${tarErr.trim()}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Absolute paths of the libraries (and the loader) a binary needs, from `ldd`. */
async function sharedLibraries(file: string): Promise<string[]> {
  const { stdout } = await run('ldd', [file]);
  return [...stdout.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
}

const DEFAULT_CONF = `user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /var/log/nginx/access.log;
  sendfile on;
  keepalive_timeout 65;
  server {
    listen 80;
    server_name localhost;
    location / { root /usr/share/nginx/html; index index.html; }
  }
}
`;

async function writeSkeleton(root: string): Promise<void> {
  const dirs = ['etc/nginx', 'var/log/nginx', 'var/lib/nginx', 'var/cache/nginx', 'run'];
  for (const d of [...dirs, 'usr/share/nginx/html', 'tmp']) {
    await mkdir(join(root, d), { recursive: true });
  }
  await chmod(join(root, 'tmp'), 0o1777);
  await writeFile(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/sbin/nologin\n' +
      'nginx:x:101:101:nginx:/nonexistent:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n',
  );
  await writeFile(
    join(root, 'etc/group'),
    'root:x:0:\nwww-data:x:33:\nnginx:x:101:\nnogroup:x:65534:\n',
  );
  await writeFile(
    join(root, 'etc/nsswitch.conf'),
    'passwd: files\ngroup: files\nhosts: files dns\n',
  );
  await writeFile(join(root, 'etc/nginx/nginx.conf'), DEFAULT_CONF);
  await writeFile(
    join(root, 'usr/share/nginx/html/index.html'),
    '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n' +
      "<body><h1>Welcome to nginx!</h1><p>Built by l4lab from the host's nginx.</p></body></html>\n",
  );
  await symlink('/dev/stdout', join(root, 'var/log/nginx/access.log'));
  await symlink('/dev/stderr', join(root, 'var/log/nginx/error.log'));
}
