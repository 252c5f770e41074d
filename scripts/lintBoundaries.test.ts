// The layer rules of eslint.config.mjs (ARCHITECTURE.md's "may not" column), run through ESLint's
// own API on snippets placed at virtual paths inside each package: what a layer may not reach is
// refused in every spelling (bare `net`, `node:net`, subpaths, `import()`, `require()`, Node's
// globals in browser code), and what it may reach passes. Nothing is written to disk.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** `rule: message` for each problem ESLint finds in `code` as if it were the file at `filePath`. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** [where, code, rule and words of the refusal] */
const refused: [string, string, RegExp][] = [
  [
    'packages/manifests/src/probe.ts',
    "import { readFileSync } from 'fs';\nexport const a = readFileSync;\n",
    /^no-restricted-imports: 'fs' .*no Node\.js built-ins/,
  ],
  [
    'packages/manifests/src/probe.ts',
    "export const a = () => import('node:fs/promises');\n",
    /^no-restricted-syntax: .*no Node\.js built-ins/,
  ],
  [
    'packages/manifests/src/probe.ts',
    "export const a = Buffer.from('x');\n",
    /^no-restricted-globals: .*Buffer is Node\.js's/,
  ],
  [
    'packages/manifests/src/probe.ts',
    'export const a = process.env;\n',
    /^no-restricted-globals: .*process is Node\.js's/,
  ],
  [
    'packages/protocol/src/probe.ts',
    "import { connect } from 'net';\nexport const a = connect;\n",
    /^no-restricted-imports: 'net' /,
  ],
  [
    'packages/protocol/src/probe.ts',
    "import { parseManifests } from '@l4lab/manifests';\nexport const a = parseManifests;\n",
    /^no-restricted-imports: .*protocol imports nothing of ours/,
  ],
  [
    'packages/cluster/src/probe.ts',
    "export const a = () => import('node:child_process');\n",
    /^no-restricted-syntax: cluster never opens sockets, spawns processes/,
  ],
  [
    'packages/cluster/src/probe.ts',
    "import { request } from 'node:https';\nexport const a = request;\n",
    /^no-restricted-imports: 'node:https' .*cluster never opens sockets/,
  ],
  [
    'packages/cluster/src/probe.ts',
    "import { createServer } from 'net';\nexport const a = createServer;\n",
    /^no-restricted-imports: 'net' .*cluster never opens sockets/,
  ],
  [
    'packages/cluster/src/probe.ts',
    "import { writeFile } from 'fs/promises';\nexport const a = writeFile;\n",
    /^no-restricted-imports: 'fs\/promises' .*touches files/,
  ],
  [
    'packages/cluster/src/probe.ts',
    "import { Worker } from 'node:worker_threads';\nexport const a = Worker;\n",
    /^no-restricted-imports: .*threads/,
  ],
  [
    'packages/cluster/src/probe.ts',
    "export const a = require('child_process');\n",
    /^@typescript-eslint\/no-require-imports: /,
  ],
  [
    'packages/cluster/src/probe.ts',
    "export const a = () => import('@l4lab/dataplane');\n",
    /^no-restricted-syntax: cluster never imports the node-only adapters/,
  ],
  [
    'packages/cluster/src/probe.ts',
    'export const a = (name: string) => import(name);\n',
    /^no-restricted-syntax: import\(\) of a computed name escapes the layer rules/,
  ],
  [
    'packages/cluster/src/probe.ts',
    'export const a = () => import(`node:${"child_process"}`);\n',
    /^no-restricted-syntax: import\(\) of a computed name/,
  ],
  [
    'packages/dataplane/src/probe.ts',
    "export const a = () => import('@l4lab/server');\n",
    /^no-restricted-syntax: Packages never import apps/,
  ],
  [
    'packages/dataplane/src/probe.ts',
    "export const a = () => import('@l4lab/cluster/src/store.ts');\n",
    /^no-restricted-syntax: Import a package through its entry point/,
  ],
  [
    'apps/web/src/probe.ts',
    "import { connect } from 'net';\nexport const a = connect;\n",
    /^no-restricted-imports: 'net' .*no Node\.js built-ins/,
  ],
  [
    'apps/web/src/probe.ts',
    'export const a = process.env.NODE_ENV;\n',
    /^no-restricted-globals: .*process is Node\.js's/,
  ],
  [
    'apps/web/src/probe.ts',
    "import { waitFor } from '@l4lab/cluster/testing';\nexport const a = waitFor;\n",
    /^no-restricted-imports: .*The browser may only import @l4lab\/protocol and @l4lab\/manifests/,
  ],
  [
    'packages/lessons/src/probe.ts',
    "import { readFile } from 'node:fs/promises';\nexport const a = readFile;\n",
    /^no-restricted-imports: 'node:fs\/promises' .*no Node\.js built-ins/,
  ],
  [
    'packages/lessons/src/probe.ts',
    'export const a = process.env;\n',
    /^no-restricted-globals: .*process is Node\.js's/,
  ],
  [
    'packages/lessons/src/probe.ts',
    "export const a = () => import('@l4lab/cluster');\n",
    /^no-restricted-syntax: The browser may only import/,
  ],
  [
    'apps/web/src/probe.ts',
    "import { loadLessons } from '@l4lab/lessons/node';\nexport const a = loadLessons;\n",
    /^no-restricted-imports: .*@l4lab\/lessons\/node reads lesson folders from disk/,
  ],
];

const allowed: [string, string][] = [
  [
    'packages/lessons/src/probe.ts',
    "import { parse } from 'yaml';\nimport { checkManifests } from '@l4lab/manifests';\nimport { isPodReady } from '@l4lab/protocol';\nexport const a = [parse, checkManifests, isPodReady];\n",
  ],
  [
    // the loader, and only it, reads lesson folders from disk
    'packages/lessons/src/node/probe.ts',
    "import { readFile } from 'node:fs/promises';\nimport { parseLesson } from '../index.ts';\nexport const a = [readFile, parseLesson, process.cwd];\n",
  ],
  [
    'apps/web/src/probe.ts',
    "import { evaluate, parseLesson } from '@l4lab/lessons';\nexport const a = [evaluate, parseLesson];\n",
  ],
  [
    'packages/manifests/src/probe.ts',
    "import { parse } from 'yaml';\nimport { CLUSTER_SCOPED } from '@l4lab/protocol';\nexport const a = [parse, CLUSTER_SCOPED, structuredClone({}), new URL('http://x/')];\n",
  ],
  [
    // tests run in Node: they may read fixtures
    'packages/manifests/src/probe.test.ts',
    "import { readFileSync } from 'node:fs';\nexport const a = [readFileSync, process.env];\n",
  ],
  ['packages/protocol/src/probe.ts', "import { z } from 'zod';\nexport const a = z;\n"],
  [
    'packages/cluster/src/probe.ts',
    "import { EventEmitter } from 'node:events';\nimport { CLUSTER_SCOPED } from '@l4lab/protocol';\nexport const a = [EventEmitter, CLUSTER_SCOPED];\n",
  ],
  [
    'packages/dataplane/src/probe.ts',
    "import { createServer } from 'net';\nimport { Cluster } from '@l4lab/cluster';\nexport const a = [createServer, Cluster, () => import('node:child_process')];\n",
  ],
  [
    'apps/web/src/probe.ts',
    "import { parseManifests } from '@l4lab/manifests';\nexport const a = [parseManifests, window.location];\n",
  ],
  [
    'apps/server/src/probe.ts',
    "import { spawn } from 'node:child_process';\nimport { UserspaceProxier } from '@l4lab/dataplane';\nexport const a = [spawn, UserspaceProxier, process.pid];\n",
  ],
];

describe('layer rules', () => {
  it.each(refused)('%s refuses %j', async (filePath, code, refusal) => {
    const problems = await lint(filePath, code);
    expect(problems).toEqual([expect.stringMatching(refusal)]);
  });

  it.each(allowed)('%s allows %j', async (filePath, code) => {
    expect(await lint(filePath, code)).toEqual([]);
  });

  it("browser-side code refuses every one of Node's built-ins, bare and node:", async () => {
    const names = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '')))];
    const code = names.flatMap((n) => [`import '${n}';`, `import 'node:${n}';`]).join('\n');
    for (const filePath of [
      'packages/manifests/src/probe.ts',
      'packages/lessons/src/probe.ts',
      'apps/web/src/probe.ts',
    ]) {
      const problems = await lint(filePath, `${code}\n`);
      const refusedNames = problems.map((p) => /^no-restricted-imports: '([^']+)'/.exec(p)?.[1]);
      expect(refusedNames.sort()).toEqual(names.flatMap((n) => [n, `node:${n}`]).sort());
    }
  });
});
