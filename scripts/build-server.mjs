#!/usr/bin/env node
// `npm run build:server`: the server (apps/server/src/main.ts and what it imports from the
// workspace) as one ES module, apps/server/dist/main.mjs, the way `npm start` runs it. Packages
// from node_modules stay packages (node loads them as always); only the workspace's TypeScript is
// compiled in. Each module keeps its own location: `import.meta.url`, `.dirname` and `.filename`
// are written in as that source file's, so paths found from them (scenarios, the web app's dist,
// the native relay's C source) are what they are when run from sources.
//
// Why: under tsx, node resolves and compiles ~400 files through loader hooks at every start, 4.6-5.2
// CPU-s and ~3 s to `l4lab ready`; the bundle starts in ~1.7 s on ~2.2 CPU-s (2026-12-07). The
// tests start ~50 servers per `npm test`. Built in ~0.5 s: every harness that starts a server
// builds it first (vitest's globalSetup, Playwright's config, the npm scripts), never a stale one.
import { build } from 'esbuild';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = join(ROOT, 'apps/server/dist/main.mjs');

/** The workspace's own sources, compiled in with their own `import.meta` locations. */
const sourceLocations = {
  name: 'source-locations',
  setup(b) {
    // A package (not `@l4lab/*`, not `node:`) is left to node's resolution at run time.
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@l4lab/') || args.path.startsWith('node:')
        ? undefined
        : { path: args.path, external: true },
    );
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = (await readFile(args.path, 'utf8'))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * Builds apps/server/dist/: main.mjs and the manifest checker's worker (a worker thread loads its
 * own module: from sources it registers tsx first, from the bundle it takes its own bundle, named
 * by L4LAB_SERVER_DIST in manifestChecker.ts). Each file is written whole or not at all, so two
 * builds at once are safe.
 */
export async function buildServer() {
  const dist = dirname(SERVER_BUNDLE);
  const result = await build({
    entryPoints: {
      main: join(ROOT, 'apps/server/src/main.ts'),
      manifestCheckWorker: join(ROOT, 'apps/server/src/manifestCheckWorker.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    define: { L4LAB_SERVER_DIST: JSON.stringify(pathToFileURL(`${dist}/`).href) },
    plugins: [sourceLocations],
    logLevel: 'warning',
    legalComments: 'none',
    // main.mjs.map beside it: `node --enable-source-maps apps/server/dist/main.mjs` prints stacks
    // with the sources' files and lines (off by default: reading the map costs every start).
    sourcemap: true,
  });
  await mkdir(dist, { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    await writeFile(tmp, file.contents);
    await rename(tmp, file.path);
  }
  return SERVER_BUNDLE;
}

/** vitest's globalSetup (vitest.config.ts): the integration suites start the bundle. */
export async function setup() {
  await buildServer();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await buildServer();
  if (!process.argv.includes('--quiet'))
    console.log(
      `built ${SERVER_BUNDLE.slice(ROOT.length + 1)} in ${Math.round(performance.now() - t0)} ms`,
    );
}
