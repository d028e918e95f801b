import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * Serves a built site the way a static host does (GitHub Pages): `index.html` for a folder,
 * a redirect to the trailing slash, `404.html` with status 404. For the demo and the browser
 * tests; bound to 127.0.0.1 only.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function typeOf(file: string): string {
  if (file.endsWith('.rss.xml')) return 'application/rss+xml; charset=utf-8';
  if (file.endsWith('.atom.xml')) return 'application/atom+xml; charset=utf-8';
  if (path.basename(file) === 'SHA256SUMS') return 'text/plain; charset=utf-8';
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string, options: { port?: number; host?: string } = {}): Promise<StaticServer> {
  const directory = path.resolve(root);
  const server = http.createServer(async (request, response) => {
    const send = async (file: string, status: number) => {
      response.writeHead(status, { 'Content-Type': typeOf(file), 'Cache-Control': 'no-cache' });
      if (request.method === 'HEAD') return response.end();
      createReadStream(file).on('error', () => response.destroy()).pipe(response);
    };
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const pathname = decodeURIComponent(url.pathname);
      const file = path.join(directory, pathname);
      if (file !== directory && !file.startsWith(directory + path.sep)) throw new Error('outside the site');
      const info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          response.writeHead(301, { Location: `${url.pathname}/${url.search}` });
          return response.end();
        }
        const index = path.join(file, 'index.html');
        if (await stat(index).then((s) => s.isFile(), () => false)) return await send(index, 200);
      } else if (info?.isFile()) {
        return await send(file, 200);
      }
      const notFound = path.join(directory, '404.html');
      if (await stat(notFound).then((s) => s.isFile(), () => false)) return await send(notFound, 404);
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    } catch {
      response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request\n');
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
