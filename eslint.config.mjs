// Flat ESLint config. The layer rules of ARCHITECTURE.md are enforced here, not by memory.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

// A module is named by a regex over its specifier, used for static imports and re-exports
// (no-restricted-imports) and `import()` (no-restricted-syntax) alike; `require()` is refused
// everywhere (typescript-eslint's no-require-imports). The regexes say `\x2F` for "/": esquery's
// regex literals cannot hold a slash.
const anyOf = (names) =>
  names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, (c) => `\\${c}`)).join('|');
/** `x`, `node:x` and their subpaths (`fs/promises`, `node:fs/promises`). */
const nodeModules = (names) => `^(node:)?(${anyOf(names)})(\\x2F|$)`;
/** Every Node built-in, in either spelling, from this Node's own list (node:-only ones included). */
const NODE_BUILTINS = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '')))];
/** What cluster may never use: sockets, DNS, processes, threads, files (ARCHITECTURE.md). */
const NODE_IO = [
  'net',
  'dgram',
  'dns',
  'tls',
  'http',
  'https',
  'http2',
  ...NODE_BUILTINS.filter((m) => /^_(http|tls)_/.test(m)),
  'child_process',
  'cluster',
  'worker_threads',
  'inspector',
  'fs',
];

const deepImports = {
  regex:
    '^@l4lab\\x2F[^\\x2F]+\\x2Fsrc(\\x2F|$)|(^|\\x2F)(packages|apps)\\x2F[^\\x2F]+\\x2Fsrc\\x2F',
  message: 'Import a package through its entry point (@l4lab/<name>), never its src/.',
};
const apps = {
  regex: '^@l4lab\\x2F(server|web)(\\x2F|$)|(^|\\x2F)apps\\x2F',
  message: 'Packages never import apps.',
};
const nodeBuiltins = {
  regex: `^node:|${nodeModules(NODE_BUILTINS)}`,
  message: 'This code runs in the browser: no Node.js built-ins (node:* or bare, like fs or net).',
};
const nodeOnlyPackages = {
  regex: '^@l4lab\\x2F(cluster|runtime|dataplane|dns|traffic|netns)(\\x2F|$)',
  message: 'The browser may only import @l4lab/protocol and @l4lab/manifests.',
};
const lessonsLoader = {
  regex: '^@l4lab\\x2Flessons\\x2Fnode(\\x2F|$)',
  message:
    '@l4lab/lessons/node reads lesson folders from disk: the server imports it, the browser may not.',
};
const ourPackages = { regex: '^@l4lab\\x2F', message: 'protocol imports nothing of ours.' };
const adapters = {
  regex: '^@l4lab\\x2F(runtime|dataplane|dns|traffic|netns)(\\x2F|$)',
  message:
    'cluster never imports the node-only adapters (runtime, dataplane, dns, traffic, netns).',
};
const nodeIO = {
  regex: nodeModules(NODE_IO),
  message: 'cluster never opens sockets, spawns processes or threads, or touches files.',
};

/** Globals that exist in Node.js only (`Buffer`, `process`, `require`, ...): not in a browser. */
const NODE_ONLY_GLOBALS = Object.keys(globals.node).filter((g) => !(g in globals.browser));

/** `import(name)`: a module the layer rules cannot check (require() is refused everywhere). */
const computedImport = {
  selector: "ImportExpression[source.type!='Literal']",
  message: 'import() of a computed name escapes the layer rules: import a literal module name.',
};

/** The same bans for `import x from`, `export ... from` and `import()`. */
function layer(files, bans, extra = {}) {
  const dynamic = bans.map(({ regex, message }) => ({
    selector: `ImportExpression[source.value=/${regex}/]`,
    message,
  }));
  return {
    files,
    ...extra,
    rules: {
      'no-restricted-imports': ['error', { patterns: bans }],
      'no-restricted-syntax': ['error', ...dynamic, computedImport],
    },
  };
}

/** Code that may also run in a browser: Node's globals are refused (TypeScript: `types: []`). */
function browserGlobals(files, browser, ignores = []) {
  return {
    files,
    ignores: ['**/*.test.ts', ...ignores],
    // The shared config below declares Node's globals for every file: "off" removes them here.
    languageOptions: {
      globals: { ...browser, ...Object.fromEntries(NODE_ONLY_GLOBALS.map((g) => [g, 'off'])) },
    },
    rules: {
      'no-restricted-globals': [
        'error',
        ...NODE_ONLY_GLOBALS.map((name) => ({
          name,
          message: `${name} is Node.js's: this code runs in the browser.`,
        })),
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tsbuild/**',
      '.l4lab/**',
      '.tmp/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'No .only in committed tests.' },
        { object: 'it', property: 'only', message: 'No .only in committed tests.' },
        { object: 'test', property: 'only', message: 'No .only in committed tests.' },
      ],
    },
  },
  layer(['packages/**/*.ts'], [deepImports, apps]),
  layer(['packages/protocol/src/**/*.ts'], [deepImports, apps, ourPackages, nodeBuiltins]),
  layer(['packages/manifests/src/**/*.ts'], [deepImports, apps, nodeOnlyPackages, nodeBuiltins], {
    ignores: ['**/*.test.ts'],
  }),
  layer(['packages/cluster/src/**/*.ts'], [deepImports, apps, adapters, nodeIO], {
    ignores: ['**/*.test.ts'],
  }),
  // Lessons are pure logic (the dashboard may show and evaluate them); only src/node/ reads files.
  layer(
    ['packages/lessons/src/**/*.ts'],
    [deepImports, apps, nodeOnlyPackages, lessonsLoader, nodeBuiltins],
    { ignores: ['**/*.test.ts', 'packages/lessons/src/node/**'] },
  ),
  layer(
    ['apps/web/src/**/*.{ts,tsx}'],
    [deepImports, nodeOnlyPackages, lessonsLoader, nodeBuiltins],
    {
      plugins: { 'react-hooks': reactHooks },
    },
  ),
  { files: ['apps/web/src/**/*.{ts,tsx}'], rules: reactHooks.configs.recommended.rules },
  browserGlobals(['packages/protocol/src/**/*.ts'], globals['shared-node-browser']),
  browserGlobals(['packages/manifests/src/**/*.ts'], globals['shared-node-browser']),
  browserGlobals(['packages/lessons/src/**/*.ts'], globals['shared-node-browser'], [
    'packages/lessons/src/node/**',
  ]),
  browserGlobals(['apps/web/src/**/*.{ts,tsx}'], globals.browser),
  layer(['apps/server/src/**/*.ts', 'apps/agent/src/**/*.ts'], [deepImports]),
  {
    // command-line entry points and scripts may print
    files: ['apps/server/src/main.ts', '**/bench/**', 'scripts/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
);
