// Serves the portal's production build (static files, any web server could) and `/config.json`,
// which tells the single-page application where the gateway and the node are and which issuer
// each org signs in at. The portal has no server-side logic of its own.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import type { PortalConfig } from '@gridspace/schemas/portal-config';

export interface RunningPortal {
  url: string;
  close(): Promise<void>;
}

/** The portal's built files: `portal/dist` of the workspace. */
export function portalDistDir(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('@gridspace/portal/package.json'))), 'dist');
}

export async function startPortalServer(options: { host: string; port: number; config: () => PortalConfig; distDir?: string }): Promise<RunningPortal> {
  const distDir = options.distDir ?? portalDistDir();
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`the portal is not built (${distDir}/index.html is missing): run npm run build`);
  // Hashed assets are immutable; index.html is revalidated so a new build is picked up at once.
  const files = sirv(distDir, {
    single: true,
    etag: true,
    gzip: false,
    setHeaders: (res, path) => res.setHeader('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(options.config()));
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
