import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool, findChromium, renderWithBrowser, type RenderOptions } from '../../src/archive/fetch/browser.ts';
import { FetchError, type Capture } from '../../src/archive/fetch/index.ts';

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.warn('\n  SKIPPED browser tests: no Chromium found. Install it (apt-get install chromium) or set CHROMIUM_PATH.\n');
}

/** The fixture site: every page the tests render, and a log of what the server was asked for. */
const PAGES: Record<string, string> = {
  '/delayed': `<!doctype html><html><head><title>Privacy</title></head><body>
    <nav>Home · Legal</nav><main></main>
    <script>setTimeout(() => { document.querySelector('main').innerHTML = '<h1>Privacy Policy</h1><p>We collect the information you give us.</p>'; }, 200);</script>
  </body></html>`,
  '/never': `<!doctype html><html><body><main>  </main><script>/* the text would come from an API that never answers */</script></body></html>`,
  // The page asks for the cloud metadata endpoint, a private address, the loopback server itself
  // (its port is filled in when served) and a same-site URL that redirects to a private address.
  '/probe': `<!doctype html><html><body><main></main><script>
    const targets = { metadata: 'http://169.254.169.254/latest/meta-data/', private: 'http://10.0.0.1/', loopback: 'http://127.0.0.1:PORT/leak', redirected: '/redirect-inside' };
    Promise.all(Object.entries(targets).map(([name, url]) =>
      fetch(url, { mode: 'no-cors' }).then(() => name + ': reached', () => name + ': failed'),
    )).then((results) => { document.querySelector('main').textContent = results.join('; '); });
  </script></body></html>`,
  '/legal': `<!doctype html><html><body><main><h1>Lumen Terms</h1><p>These terms govern Lumen.</p><img src="/logo.png" alt=""></main></body></html>`,
  '/redirect-inside': '',
};

interface Site {
  origin: string;
  port: number;
  requests: { path: string; host: string }[];
}

let site: Site;
let server: http.Server;
let pool: BrowserPool | undefined;

beforeAll(async () => {
  const requests: Site['requests'] = [];
  server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, host: request.headers.host ?? '' });
    if (path === '/missing') return void response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    if (path === '/redirect-inside') return void response.writeHead(302, { location: 'http://10.0.0.1/legal' }).end();
    if (path === '/moved') return void response.writeHead(301, { location: '/legal' }).end();
    const page = PAGES[path];
    if (page === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page.replace('PORT', String(site.port)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  site = { origin: `http://127.0.0.1:${port}`, port, requests };
  // One browser for the whole file: launching costs about a second, a fresh context almost nothing.
  if (chromiumPath) pool = await BrowserPool.launch();
});

afterAll(async () => {
  await pool?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const originalChromiumPath = process.env.CHROMIUM_PATH;
afterEach(() => {
  if (originalChromiumPath === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = originalChromiumPath;
});

/** `*.example` hosts are served by the local site, as in the demo; loopback stays forbidden. */
function viaLumen(): RenderOptions {
  return { timeoutMs: 10_000, connect: (url) => (url.hostname.endsWith('.example') ? { host: '127.0.0.1', port: site.port } : undefined) };
}

async function failure(promise: Promise<Capture>): Promise<FetchError> {
  const error = await promise.then(
    (capture) => {
      throw new Error(`expected a FetchError, got a capture of ${capture.finalUrl}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe('findChromium', () => {
  it('does not fall back to another browser when CHROMIUM_PATH names a missing file, and launching says how to fix it', async () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    expect(findChromium()).toBeUndefined();
    const error = await BrowserPool.launch().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ reason: 'browser', transient: false });
    expect((error as FetchError).message).toContain('CHROMIUM_PATH is /nonexistent/chromium, which does not exist');
    expect((error as FetchError).message).toContain('apt-get install chromium');
  });

  it('names the page in the error of a one-off render without a browser', async () => {
    const error = await failure(renderWithBrowser('https://www.lumen.example/legal', { executablePath: '/nonexistent/chromium' }));
    expect(error).toMatchObject({ reason: 'browser', transient: false, url: 'https://www.lumen.example/legal' });
    expect(error.message).toMatch(/no Chromium at \/nonexistent\/chromium: install it \(apt-get install chromium\) or set CHROMIUM_PATH[^(]*\(https:\/\/www\.lumen\.example\/legal\)$/);
  });
});

describe.skipIf(!chromiumPath)('BrowserPool.render (real Chromium)', () => {
  it('waits for text that a script inserts after the page loaded', async () => {
    const capture = await pool!.render(`${site.origin}/delayed`, { allowLoopback: true, timeoutMs: 10_000, now: () => new Date('2026-03-01T12:00:00Z') });
    const html = capture.body.toString('utf8');
    expect(html).toContain('<h1>Privacy Policy</h1><p>We collect the information you give us.</p>');
    expect(capture).toMatchObject({
      url: `${site.origin}/delayed`,
      finalUrl: `${site.origin}/delayed`,
      status: 200,
      mediaType: 'text/html',
      fetchedAt: '2026-03-01T12:00:00.000Z',
    });
  });

  it('fails transiently, saying what it waited for, when the content never appears', async () => {
    const started = Date.now();
    const error = await failure(pool!.render(`${site.origin}/never`, { allowLoopback: true, timeoutMs: 1_500 }));
    expect(error).toMatchObject({ reason: 'browser', transient: true });
    expect(error.message).toContain('main (or body when there is no main) held no text within 1500 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names a custom content selector when it never fills', async () => {
    const error = await failure(pool!.render(`${site.origin}/delayed`, { allowLoopback: true, timeoutMs: 1_000, waitForSelector: '#policy-text' }));
    expect(error.message).toContain('"#policy-text" held no text within 1000 ms');
  });

  it('serves connect-mapped hosts from the override, with their own Host header, and skips images', async () => {
    const capture = await pool!.render('https://www.lumen.example/legal', viaLumen());
    expect(capture.body.toString('utf8')).toContain('These terms govern Lumen.');
    expect(capture).toMatchObject({ finalUrl: 'https://www.lumen.example/legal', status: 200 });
    expect(site.requests).toContainEqual({ path: '/legal', host: 'www.lumen.example' });
    expect(site.requests.map((request) => request.path)).not.toContain('/logo.png');
  });

  it('follows redirects of the override and reports the final URL', async () => {
    const capture = await pool!.render('https://www.lumen.example/moved', viaLumen());
    expect(capture.finalUrl).toBe('https://www.lumen.example/legal');
    expect(capture.body.toString('utf8')).toContain('These terms govern Lumen.');
  });

  it('blocks requests that page scripts make to metadata, private and loopback addresses', async () => {
    const capture = await pool!.render('https://www.lumen.example/probe', viaLumen());
    const html = capture.body.toString('utf8');
    expect(html).toContain('metadata: failed; private: failed; loopback: failed; redirected: failed');
    expect(site.requests.map((request) => request.path)).not.toContain('/leak');
  });

  it('refuses a redirect of the page to a private address, from a connect host or a real one', async () => {
    const error = await failure(pool!.render('https://www.lumen.example/redirect-inside', viaLumen()));
    expect(error).toMatchObject({ reason: 'blocked-address', transient: false });
    expect(error.message).toContain('refusing the non-public address 10.0.0.1');
    // Loopback allowed, private networks still not: the redirect is followed by Chromium itself.
    const direct = await failure(pool!.render(`${site.origin}/redirect-inside`, { allowLoopback: true, timeoutMs: 10_000 }));
    expect(direct).toMatchObject({ reason: 'blocked-address', transient: false });
  });

  it('lets allowed requests through the guard: plain HTTP forwarded, HTTPS tunnelled to the checked address', async () => {
    const capture = await pool!.render(`${site.origin}/probe`, { allowLoopback: true, timeoutMs: 10_000 });
    expect(capture.body.toString('utf8')).toContain('metadata: failed; private: failed; loopback: reached');
    expect(site.requests.map((request) => request.path)).toContain('/leak');

    // Not a TLS server: the tunnel reaching it is what is checked, the handshake then fails.
    let connections = 0;
    const tls = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const error = await failure(pool!.render(`https://127.0.0.1:${(tls.address() as AddressInfo).port}/`, { allowLoopback: true, timeoutMs: 10_000 }));
      expect(error.reason).toBe('network');
      expect(connections).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it('fails on a host that does not resolve, without waiting for the timeout', async () => {
    const error = await failure(pool!.render('https://no-such-host.invalid/legal', { timeoutMs: 10_000 }));
    expect(error).toMatchObject({ reason: 'dns', transient: false });
  });

  it('refuses a non-public URL before loading anything', async () => {
    const error = await failure(pool!.render('http://169.254.169.254/latest/meta-data/'));
    expect(error).toMatchObject({ reason: 'blocked-address' });
    const loopback = await failure(pool!.render(`${site.origin}/delayed`));
    expect(loopback).toMatchObject({ reason: 'blocked-address' });
  });

  it('reports an HTTP error status of the page itself', async () => {
    const error = await failure(pool!.render(`${site.origin}/missing`, { allowLoopback: true, timeoutMs: 10_000 }));
    expect(error).toMatchObject({ reason: 'http-status', status: 404, transient: false });
  });
});

describe.skipIf(!chromiumPath)('renderWithBrowser (real Chromium)', () => {
  it('launches, renders and closes a browser of its own', async () => {
    const capture = await renderWithBrowser(`${site.origin}/delayed`, { allowLoopback: true, timeoutMs: 10_000 });
    expect(capture.body.toString('utf8')).toContain('We collect the information you give us.');
  });
});
