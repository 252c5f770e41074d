import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** What is worth compressing: text and the icon font (images and fonts like woff2 already are). */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|ttf|map)$/;
/** Below this a compressed copy saves less than its own headers. */
const MIN_BYTES = 1024;

/**
 * Writes `NAME.br` and `NAME.gz` beside each built asset, for the server to send to browsers that
 * accept them (apps/server/src/dashboardFiles.ts): in a workshop every student's laptop loads the
 * dashboard from the instructor's over the room's Wi-Fi, ~6 MB of script uncompressed, ~1.5 MB in
 * brotli. Brotli at quality 9, not 11: within 10% of the size, at a tenth of the build time.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'l4lab:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const dir = join(outDir, 'assets');
      const names = (await readdir(dir)).filter((n) => COMPRESSIBLE.test(n));
      await Promise.all(
        names.map(async (name) => {
          const file = join(dir, name);
          if ((await stat(file)).size < MIN_BYTES) return;
          const body = await readFile(file);
          const [br, gzipped] = await Promise.all([
            brotli(body, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: 9,
                [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
              },
            }),
            gz(body, { level: 9 }),
          ]);
          await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
        }),
      );
    },
  };
}
