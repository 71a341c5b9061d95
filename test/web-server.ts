import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { contentSecurityPolicy } from '../libs/contracts/src/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
export const WEB_DIST = join(__dirname, '../apps/web/dist');

/**
 * What `vite preview` does for the browser tests, in-process: serves the built
 * web app (apps/web/dist, index.html for client routes) and passes /api/* to
 * the api under test, streaming both ways (server-sent events included).
 */
export async function startWebServer(
  apiUrl: string | (() => string),
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(`no web build at ${WEB_DIST}: run \`npm run build:web\` first`);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      // Read per request: a suite may start the api after the web server (its OIDC redirect names the web's URL).
      const api = new URL(typeof apiUrl === 'function' ? apiUrl() : apiUrl);
      const upstream = request(
        {
          host: api.hostname,
          port: api.port,
          method: req.method,
          path: url.slice(4),
          headers: { ...req.headers, host: api.host },
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
      res.on('close', () => upstream.destroy());
      return;
    }
    const path = normalize(join(WEB_DIST, decodeURIComponent(url.split('?')[0])));
    const file =
      path.startsWith(WEB_DIST) && existsSync(path) && statSync(path).isFile() ? path : join(WEB_DIST, 'index.html');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // As `vite preview` sends it: the browser journey fails if the app breaks its own policy.
      'content-security-policy': contentSecurityPolicy(),
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
