import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { parsePlatformSource } from '../archive/sources/index.ts';

/**
 * The fixture web: fictional platforms whose legal pages change over time, served from
 * `tests/fixtures/web` on loopback. At simulated date D a URL serves its latest revision dated
 * on or before D, wrapped in the platform's layout with fresh per-request noise.
 */
export interface FixtureRoute {
  platform: string;
  document: string;
  /** Folder holding `<YYYY-MM-DD>.html` revisions. */
  folder: string;
  dates: string[];
}

export interface FixtureWeb {
  dir: string;
  platformsDir: string;
  /** Keyed by `host + pathname` of the declared URL. */
  routes: Map<string, FixtureRoute>;
  /** Every revision date, sorted. */
  dates: string[];
}

export const DEFAULT_FIXTURE_WEB = path.resolve(import.meta.dirname, '../../tests/fixtures/web');

export async function loadFixtureWeb(dir = DEFAULT_FIXTURE_WEB): Promise<FixtureWeb> {
  const platformsDir = path.join(dir, 'platforms');
  const routes = new Map<string, FixtureRoute>();
  const all = new Set<string>();
  for (const name of (await readdir(platformsDir)).filter((n) => n.endsWith('.yaml')).sort()) {
    const file = path.join(platformsDir, name);
    const platform = name.replace(/\.yaml$/, '');
    const declaration = parsePlatformSource(file, await readFile(file, 'utf8'));
    for (const [document, source] of Object.entries(declaration.documents)) {
      for (const [index, url] of source!.url.entries()) {
        const folder = path.join(dir, 'sites', platform, index === 0 ? document : `${document}--${index + 1}`);
        const dates = (await readdir(folder)).filter((f) => /^\d{4}-\d{2}-\d{2}\.html$/.test(f)).map((f) => f.slice(0, 10)).sort();
        dates.forEach((date) => all.add(date));
        const parsed = new URL(url);
        routes.set(parsed.host + parsed.pathname, { platform, document, folder, dates });
      }
    }
  }
  return { dir, platformsDir, routes, dates: [...all].sort() };
}

export interface FixtureServer {
  port: number;
  origin: string;
  /** Pass to the fetcher: sends every `.example` host to this server. */
  connect: (url: URL) => { host: string; port: number } | undefined;
  close: () => Promise<void>;
  requests: number;
}

/** Serves the fixture web; `clock` says which day it is. */
export async function startFixtureServer(
  web: FixtureWeb,
  clock: () => Date,
  /** Maps a requested host to a fixture host (the capture benchmark serves many copies of each platform). */
  aliasHost: (host: string) => string = (host) => host,
): Promise<FixtureServer> {
  const layouts = new Map<string, string>();
  const layoutOf = async (platform: string) => {
    let layout = layouts.get(platform);
    if (!layout) {
      layout = await readFile(path.join(web.dir, 'sites', platform, 'layout.html'), 'utf8');
      layouts.set(platform, layout);
    }
    return layout;
  };
  const state = { requests: 0 };
  const server = http.createServer(async (request, response) => {
    state.requests++;
    try {
      const url = new URL(request.url ?? '/', `http://${aliasHost(request.headers.host ?? 'localhost')}`);
      const route = web.routes.get(url.host + url.pathname);
      const today = clock().toISOString().slice(0, 10);
      const date = route?.dates.filter((d) => d <= today).at(-1);
      if (!route || !date) {
        response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!doctype html><title>Not found</title><h1>Page not found</h1>');
        return;
      }
      const lastModified = new Date(`${date}T00:00:00Z`).toUTCString();
      const since = Date.parse(String(request.headers['if-modified-since'] ?? ''));
      if (!Number.isNaN(since) && since >= Date.parse(lastModified)) {
        response.writeHead(304, { 'last-modified': lastModified });
        response.end();
        return;
      }
      const content = await readFile(path.join(route.folder, `${date}.html`), 'utf8');
      const page = (await layoutOf(route.platform))
        .replaceAll('{{content}}', content)
        .replaceAll('{{request_id}}', randomBytes(8).toString('hex'))
        .replaceAll('{{nonce}}', randomBytes(12).toString('base64url'))
        .replaceAll('{{now}}', new Date().toISOString());
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'last-modified': lastModified, 'cache-control': 'no-cache' });
      response.end(page);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    connect: (url) => (url.hostname.endsWith('.example') ? { host: '127.0.0.1', port } : undefined),
    close: () => new Promise((resolve) => server.close(() => resolve())),
    get requests() {
      return state.requests;
    },
  };
}
