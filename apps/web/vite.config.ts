import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './build/precompress.ts';

// monaco-yaml's worker manager deep-imports `monaco-editor/esm/vs/...`, which monaco-editor's
// `exports` map (0.56+) forbids: alias it back to the files (docs: shared/notes/toolchain.md).
const monacoVs = decodeURIComponent(
  new URL('../../node_modules/monaco-editor/esm/vs/', import.meta.url).pathname,
);

const server = 'http://127.0.0.1:7070';
// The server refuses cross-origin browsers: present the proxied calls as same-origin.
const proxy = {
  '/api': { target: server, headers: { origin: server } },
  '/ws': { target: server, ws: true, headers: { origin: server } },
};

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: {
    alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoVs}$1` }],
  },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 6000 },
  server: { proxy },
  preview: { proxy },
});
