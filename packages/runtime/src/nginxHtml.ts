// What an nginx container serves from /usr/share/nginx/html: the pod's page, or the files volumes
// mount there (a ConfigMap's index.html). A volume mounted on the directory itself hides the
// image's files, the page included, as a mount does; one mounted below it adds its files.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { podPage } from './page.ts';
import type { PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

export const NGINX_HTML = '/usr/share/nginx/html';

const clean = (p: string) => p.replace(/\/+$/, '') || '/';

/** A path inside the html directory that stays there (no `..`, no absolute), else undefined. */
function inside(rel: string): string | undefined {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

/** Whether a mount at `mountPath` covers the html directory (it, or a directory above it). */
const covers = (mountPath: string) => {
  const m = clean(mountPath);
  return m === NGINX_HTML || NGINX_HTML.startsWith(m === '/' ? '/' : `${m}/`);
};

/** The html directory's files, by path inside it: what the nginx containers' mounts put there. */
export function nginxHtmlFiles(pod: PodSandbox): Map<string, Buffer> {
  const nginx = pod.containers.filter((c) => isNginxImage(c.image));
  const hidden = nginx.some((c) => (c.volumeMounts ?? []).some((m) => covers(m.mountPath)));
  const out = new Map<string, Buffer>();
  if (!hidden) out.set('index.html', Buffer.from(podPage(pod)));
  for (const c of nginx) {
    for (const [path, data] of pod.containerFiles?.get(c.name) ?? []) {
      if (!path.startsWith(`${NGINX_HTML}/`)) continue;
      const rel = inside(path.slice(NGINX_HTML.length + 1));
      if (rel) out.set(rel, data);
    }
  }
  return out;
}

let writes = 0;

/** Writes the html directory `dir` anew (beside it, then renamed in place), so nginx never reads half of it. */
export async function writeHtmlDir(dir: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  // Names of this write's own: two writes at once never share a directory.
  const tag = `${process.pid}-${++writes}`;
  const next = `${dir}.next-${tag}`;
  const old = `${dir}.old-${tag}`;
  await rm(next, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  for (const [rel, data] of files) {
    await mkdir(dirname(join(next, rel)), { recursive: true });
    await writeFile(join(next, rel), data);
  }
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch(() => {});
  await rename(next, dir);
  await rm(old, { recursive: true, force: true });
}
