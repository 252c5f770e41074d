// Flat ESLint config. The layer rules of ARCHITECTURE.md are enforced here, not by memory.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const noDeepImports = {
  group: ['@l4lab/*/src/*', '**/packages/*/src/*', '**/apps/*/src/*'],
  message: 'Import a package through its entry point (@l4lab/<name>), never its src/.',
};
const noApps = {
  group: ['@l4lab/server', '@l4lab/web', '**/apps/**'],
  message: 'Packages never import apps.',
};
const nodeOnly = {
  group: [
    'node:*',
    '@l4lab/cluster',
    '@l4lab/runtime',
    '@l4lab/dataplane',
    '@l4lab/dns',
    '@l4lab/traffic',
  ],
  message: 'The browser may only import @l4lab/protocol and @l4lab/manifests (no node: APIs).',
};
const adapters = {
  group: ['@l4lab/runtime', '@l4lab/dataplane', '@l4lab/dns', '@l4lab/traffic'],
  message: 'cluster never imports the node-only adapters (runtime, dataplane, dns, traffic).',
};
const restrict = (...patterns) => ['error', { patterns }];

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
  {
    files: ['packages/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(noDeepImports, noApps) },
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(noDeepImports, noApps, {
        group: ['@l4lab/*', 'node:*'],
        message: 'protocol imports nothing of ours.',
      }),
    },
  },
  {
    files: ['packages/manifests/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict(noDeepImports, noApps, nodeOnly) },
  },
  {
    files: ['packages/cluster/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(noDeepImports, noApps, adapters, {
        group: ['node:net', 'node:dgram', 'node:child_process', 'node:http'],
        message: 'cluster never opens sockets or spawns processes.',
      }),
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(noDeepImports, nodeOnly),
    },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(noDeepImports) },
  },
  {
    // command-line entry points and scripts may print
    files: ['apps/server/src/main.ts', '**/bench/**', 'scripts/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
);
