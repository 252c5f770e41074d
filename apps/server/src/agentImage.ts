// `l4lab image build --agent`: the agent's image (packages/agent/manifests/agent.yaml runs it),
// made offline as nginx:latest is (@l4lab/runtime's imageBuild.ts): a rootfs from this host,
// imported with `docker import`, no registry, no base image. It holds
//   - this host's node (process.execPath) and the libraries `ldd` lists for it (with the loader);
//   - ctevents, built here (the pod's root filesystem is read-only and has no compiler), named by
//     env L4LAB_CTEVENTS, which the dataplane's native reader then uses as is;
//   - the agent's code under /app as the repository lays it out: apps/agent and the workspace
//     packages it depends on (package.json, tsconfig.json, src/ without tests), the npm packages
//     they depend on (tsx, esbuild with its linux binary, zod), node_modules/@l4lab/* links;
//   - a minimal /etc (passwd, group, nsswitch.conf) and /tmp.
// ENTRYPOINT: node --import tsx apps/agent/src/main.ts (the DaemonSet passes the arguments), with
// TSX_DISABLE_CACHE=1 (tsx's cache is in /tmp: read-only in the pod). The image holds the host's
// binaries: build it on a machine of the nodes' architecture and libc (x86_64 glibc here).
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { promisify } from 'node:util';
import { nativeConntrackReader } from '@l4lab/dataplane';
import type { DockerEngine } from '@l4lab/runtime';

const run = promisify(execFile);

export const AGENT_IMAGE_REPO = 'l4lab/agent';
export const AGENT_IMAGE_TAG = '0.1.0';
export const AGENT_IMAGE = `${AGENT_IMAGE_REPO}:${AGENT_IMAGE_TAG}`;

/** The repository's root (this file is apps/server/src/agentImage.ts). */
const REPO = resolve(import.meta.dirname, '../../..');
const APP = '/app';
const CTEVENTS = '/usr/local/lib/l4lab/ctevents';

export interface AgentImageBuilt {
  /** The imported layer's size (the tar stream's bytes). */
  bytes: number;
}

export async function buildAgentImage(
  engine: DockerEngine,
  progress: (line: string) => void,
): Promise<AgentImageBuilt> {
  const ctevents = nativeConntrackReader();
  if (!ctevents.path)
    throw new Error(
      `ctevents cannot be built here (${ctevents.error}); the image must carry it prebuilt (Debian: apt-get install -y gcc)`,
    );
  const node = process.execPath;
  const root = await mkdtemp(join(tmpdir(), 'l4lab-agent-image-'));
  try {
    const libs = new Set<string>();
    for (const f of [node, ctevents.path]) for (const l of await sharedLibraries(f)) libs.add(l);
    progress(`node ${node} (${process.version}), ${libs.size} shared libraries (ldd)`);
    await run('cp', ['-L', '--parents', node, ...libs, root]);
    await mkdir(join(root, dirname(CTEVENTS)), { recursive: true });
    await run('cp', ['-L', ctevents.path, join(root, CTEVENTS)]);
    progress(`ctevents ${ctevents.path} -> ${CTEVENTS}`);

    const app = agentFiles();
    progress(
      `agent code: ${app.workspaces.map((w) => relative(REPO, w.dir)).join(', ')}; ` +
        `npm packages: ${app.packages.map((p) => relative(join(REPO, 'node_modules'), p)).join(', ')}`,
    );
    const appRoot = join(root, APP);
    await mkdir(appRoot, { recursive: true });
    const paths = [
      'package.json',
      'tsconfig.base.json',
      ...app.workspaces.flatMap((w) => w.files),
      ...app.packages,
    ].map((p) => relative(REPO, resolve(REPO, p)));
    // One cp: hard links between the copied files stay links (esbuild's binary is in two places).
    await run('cp', ['-a', '--parents', ...paths, appRoot], { cwd: REPO });
    for (const w of app.workspaces) {
      const link = join(appRoot, 'node_modules', w.name);
      await mkdir(dirname(link), { recursive: true });
      await symlink(relative(dirname(link), join(appRoot, relative(REPO, w.dir))), link);
    }
    await writeSkeleton(root);

    progress(`rootfs ready; importing as ${AGENT_IMAGE}`);
    const tar = spawn('tar', ['--owner=0', '--group=0', '-C', root, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tarErr = '';
    tar.stderr.on('data', (d: Buffer) => void (tarErr += d.toString()));
    const tarDone = new Promise<number | null>((r) => tar.once('close', (code) => r(code)));
    let bytes = 0;
    const counted = tar.stdout.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    const main = join(APP, 'apps/agent/src/main.ts');
    await engine.importImage(
      counted,
      AGENT_IMAGE_REPO,
      AGENT_IMAGE_TAG,
      [
        `ENTRYPOINT ${JSON.stringify([node, '--import', 'tsx', main])}`,
        `WORKDIR ${APP}`,
        `ENV L4LAB_CTEVENTS=${CTEVENTS}`,
        'ENV TSX_DISABLE_CACHE=1',
        'ENV NODE_ENV=production',
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        'EXPOSE 9641/tcp',
        'LABEL org.opencontainers.image.title=l4lab-agent',
      ],
      (line) => progress(`docker import: ${line}`),
    );
    if ((await tarDone) !== 0) throw new Error(`tar failed: ${tarErr.trim()}`);
    return { bytes };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

interface Workspace {
  name: string;
  dir: string;
  files: string[];
}

/**
 * What `node --import tsx apps/agent/src/main.ts` loads: apps/agent and, following each
 * package.json's dependencies, the workspace packages (their sources, tests left out) and the
 * npm packages (whole, with their optional dependencies that are installed: esbuild's binary).
 */
function agentFiles(): { workspaces: Workspace[]; packages: string[] } {
  const workspaces = new Map<string, Workspace>();
  const packages = new Set<string>();
  const visit = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const deps = [
      ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, optional: false })),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ];
    for (const { name, optional } of deps) {
      const found = resolvePackage(dir, name);
      if (!found) {
        if (optional) continue;
        throw new Error(
          `${name} (a dependency of ${relative(REPO, dir)}) is not installed: npm ci`,
        );
      }
      const real = realpathSync(found);
      if (!real.split('/').includes('node_modules')) {
        if (workspaces.has(name)) continue;
        workspaces.set(name, workspace(name, real));
        visit(real);
      } else if (!packages.has(found)) {
        packages.add(found);
        visit(found);
      }
    }
  };
  const agent = join(REPO, 'apps/agent');
  workspaces.set('@l4lab/agent-node', workspace('@l4lab/agent-node', agent));
  visit(agent);
  return { workspaces: [...workspaces.values()], packages: [...packages] };
}

/** node's lookup: `<dir>/node_modules/<name>`, then each parent's, up to the repository's. */
function resolvePackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === REPO || dir === dirname(dir)) return undefined;
  }
}

function workspace(name: string, dir: string): Workspace {
  const files = ['package.json', 'tsconfig.json']
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f));
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.test.ts')) files.push(p);
    }
  };
  walk(join(dir, 'src'));
  return { name, dir, files };
}

/** Absolute paths of the libraries (and the loader) a binary needs, from `ldd`. */
async function sharedLibraries(file: string): Promise<string[]> {
  const { stdout } = await run('ldd', [file]).catch(() => ({ stdout: '' }));
  return [...stdout.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
}

async function writeSkeleton(root: string): Promise<void> {
  for (const d of ['etc', 'tmp', 'var/run/l4lab']) await mkdir(join(root, d), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await writeFile(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n',
  );
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeFile(
    join(root, 'etc/nsswitch.conf'),
    'passwd: files\ngroup: files\nhosts: files dns\n',
  );
}
