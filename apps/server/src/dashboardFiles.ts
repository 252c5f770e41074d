import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type Response } from 'express';

/**
 * The built dashboard (apps/web/dist) at `/`, for the embedded lab's app and remote mode's: its
 * files cached an hour but index.html never (a rebuild shows at the next load), and every other
 * path the page itself (its routes are the browser's); without a build, 503 and how to make one.
 */
export function serveDashboard(app: Express, webDist: string): void {
  const index = join(webDist, 'index.html');
  app.use(
    express.static(webDist, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }),
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

function noCacheForIndex(res: Response, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}
