import { existsSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** A built asset's name: hashed by Vite, so its content never changes under that name. */
const ASSET_NAME = /^\/[\w.-]+$/;
const ONE_YEAR_S = 365 * 24 * 3600;
/** The compressed copies the web build writes beside each asset (apps/web/build/precompress.ts). */
const ENCODED = { br: '.br', gzip: '.gz' } as const;

/**
 * The built dashboard (apps/web/dist) at `/`, for the embedded lab's app and remote mode's.
 * - index.html is never cached: a rebuild shows at the next load.
 * - `/assets/*` have hashed names: cached for good (`immutable`), and sent as their brotli or gzip
 *   copy to a browser that accepts one (a room of students loads ~1.5 MB each, not ~6 MB).
 * - Every other path is the page itself (its routes are the browser's); without a build, 503 and
 *   how to make one.
 */
export function serveDashboard(app: Express, webDist: string): void {
  const index = join(webDist, 'index.html');
  const assets = join(webDist, 'assets');
  app.use('/assets', (req, res, next) => sendEncoded(assets, req, res, next));
  app.use(
    express.static(webDist, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders(res, path) {
        if (path === index) {
          res.setHeader('Cache-Control', 'no-cache');
        } else if (path.startsWith(assets + sep)) {
          res.setHeader('Cache-Control', `public, max-age=${ONE_YEAR_S}, immutable`);
          res.setHeader('Vary', 'Accept-Encoding');
        }
      },
    }),
  );
  app.get('/{*path}', function dashboard(_req, res) {
    if (existsSync(index)) return res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } });
    res
      .status(503)
      .type('text/plain')
      .send(
        'The dashboard is not built: run `npm run build:web` (or `npm start`, which builds it).\n',
      );
  });
}

/** An asset's compressed copy, when the browser accepts its encoding and the build wrote one. */
function sendEncoded(dir: string, req: Request, res: Response, next: NextFunction): void {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !ASSET_NAME.test(req.path)) return next();
  const file = join(dir, req.path.slice(1));
  const encoding = pickEncoding(req.headers['accept-encoding']);
  if (!encoding) return next();
  const encoded = file + ENCODED[encoding];
  if (!existsSync(encoded) || !existsSync(file)) return next();
  res.setHeader('Content-Encoding', encoding);
  res.setHeader('Vary', 'Accept-Encoding');
  // The type is the asset's, not the copy's (send keeps a Content-Type already set).
  res.type(extname(file));
  res.sendFile(
    encoded,
    // A byte range of the compressed copy is not a range of the asset: whole files only.
    { maxAge: ONE_YEAR_S * 1000, immutable: true, acceptRanges: false },
    (err) => {
      if (err && !res.headersSent) next(err);
    },
  );
}

/**
 * brotli or gzip, by the browser's q-values (RFC 9110 12.5.3), brotli on a tie: browsers list gzip
 * first (`gzip, deflate, br, zstd`) with the same weight, and brotli is the smaller.
 */
export function pickEncoding(header: string | undefined): keyof typeof ENCODED | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const weight = params
      .map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1])
      .find((v) => v !== undefined);
    q.set(name, weight === undefined ? 1 : Number(weight) || 0);
  }
  const of = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  const br = of('br');
  const gzip = of('gzip');
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : undefined;
}
