import { existsSync } from 'node:fs';
import dns from 'node:dns/promises';
import http from 'node:http';
import net, { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, errors as playwrightErrors, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { FetchError } from './errors.ts';
import { isAllowedAddress, isInternalHostname, urlShapeProblem } from './public-address.ts';
import { USER_AGENT, type Capture } from './index.ts';

export interface RenderOptions {
  /** Budget for the whole render: navigation plus waiting for the content. */
  timeoutMs?: number;
  /** CSS selector of the content to wait for; default `main`, or `body` when the page has no `main`. */
  waitForSelector?: string;
  userAgent?: string;
  /** Tests and the demo serve on 127.0.0.1; production never does. */
  allowLoopback?: boolean;
  /** Where to connect for a URL instead of resolving its host (see FetchOptions.connect). */
  connect?: (url: URL) => { host: string; port: number } | undefined;
  /** Clock for `fetchedAt`; the demo runs on a simulated clock. */
  now?: () => Date;
  /** The Chromium to run; default: findChromium(). Only read when a browser is launched. */
  executablePath?: string;
}

export interface LaunchOptions {
  /** The Chromium to run; default: findChromium(). */
  executablePath?: string;
}

/** Where Debian, Ubuntu and Google put Chromium; CHROMIUM_PATH overrides them all. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const INSTALL_HINT = 'install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable';

/**
 * Flags for a headless capture box: no GPU, no sandbox (CI containers run as root without user
 * namespaces), and none of Chromium's own traffic (updates, sync, field trials, QUIC probes), so
 * every request the browser makes is one the page made and went through our address rule.
 * WebRTC may only use proxied UDP, which we have none of: it cannot probe the local network.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
];

/** Nothing of these shows up in the text; skipping them makes a render several times faster. */
const SKIPPED_RESOURCES = new Set(['image', 'media', 'font']);

/** A page whose text keeps growing is given this long, in steps, to stop before it is serialized. */
const SETTLE_STEP_MS = 200;
const SETTLE_MAX_MS = 2_000;

/**
 * The Chromium to drive: CHROMIUM_PATH when set (and then only it: a deliberate choice is not
 * silently replaced by another browser), else the first of the usual system paths that exists.
 */
export function findChromium(): string | undefined {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/**
 * One Chromium for a whole run, a fresh context (cookies, storage, cache) for every page, so
 * that no page sees what another left behind and the launch (~1 s) is paid once.
 *
 * This uses the default `chromium.launch` rather than `launchPersistentContext`: Playwright then
 * gives Chromium a fresh temporary user-data-dir and deletes it on close, and contexts created
 * with `newContext` are incognito-like — exactly the per-page isolation we want. A persistent
 * context would share one profile between all pages of the run.
 */
export class BrowserPool {
  readonly #browser: Browser;
  readonly executablePath: string;

  private constructor(browser: Browser, executablePath: string) {
    this.#browser = browser;
    this.executablePath = executablePath;
  }

  /** Launches Chromium; a FetchError (reason 'browser', not transient) says how to install it when absent. */
  static async launch(options: LaunchOptions = {}): Promise<BrowserPool> {
    const executablePath = options.executablePath ?? findChromium();
    const where = executablePath ?? 'chromium';
    if (!executablePath || !existsSync(executablePath)) throw noBrowser(where, missingBrowser(executablePath));
    try {
      const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true, chromiumSandbox: false });
      return new BrowserPool(browser, executablePath);
    } catch (error) {
      throw noBrowser(where, `Chromium at ${executablePath} did not start: ${firstLine(error)}`, error);
    }
  }

  /** Renders one page in its own context; see renderWithBrowser. */
  async render(url: string, options: RenderOptions = {}): Promise<Capture> {
    const problem = urlShapeProblem(url, options.allowLoopback ?? false);
    if (problem) {
      const reason = problem === 'is not a URL' || problem.startsWith('uses ') || problem === 'contains credentials' ? 'bad-url' : 'blocked-address';
      throw new FetchError(url, reason, `refusing to render: the URL ${problem}`);
    }
    if (!this.#browser.isConnected()) throw new FetchError(url, 'browser', 'the browser is no longer running', { transient: true });
    let proxy: GuardProxy | undefined;
    let context: BrowserContext | undefined;
    try {
      proxy = await GuardProxy.start(options);
      context = await this.#browser.newContext({
        // Every request of the page, redirects included, goes through the address rule there.
        // Playwright adds Chromium's `<-loopback>` bypass rule, so loopback goes through it too.
        proxy: { server: proxy.server },
        userAgent: options.userAgent ?? USER_AGENT,
        // Service workers fetch outside page.route; a legal page does not need one.
        serviceWorkers: 'block',
        acceptDownloads: false,
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      return await renderInContext(context, proxy, url, options);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new FetchError(url, 'browser', `the browser failed: ${firstLine(error)}`, { cause: error, transient: true });
    } finally {
      await context?.close().catch(() => undefined);
      await proxy?.close();
    }
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }
}

/**
 * Renders a page in Chromium for sources whose text only appears after their scripts run: waits
 * until the content selector exists and holds text, then serializes the DOM. Launches and closes
 * its own browser; a run with several such sources should share a BrowserPool instead.
 */
export async function renderWithBrowser(url: string, options: RenderOptions = {}): Promise<Capture> {
  let pool: BrowserPool;
  try {
    pool = await BrowserPool.launch(options.executablePath ? { executablePath: options.executablePath } : {});
  } catch (error) {
    throw error instanceof FetchError ? launchFailureFor(url, error) : error;
  }
  try {
    return await pool.render(url, options);
  } finally {
    await pool.close();
  }
}

/**
 * A failed BrowserPool.launch (which names the executable) told for one page: a run launches
 * one browser and reports its failure on every source that needed it.
 */
export function launchFailureFor(url: string, error: FetchError): FetchError {
  const suffix = ` (${error.url})`;
  const message = error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
  return new FetchError(url, error.reason, message, { cause: error, transient: error.transient });
}

async function renderInContext(context: BrowserContext, proxy: GuardProxy, url: string, options: RenderOptions): Promise<Capture> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  const router = new RequestRouter(options, timeoutMs);
  await context.route('**/*', (route) => router.handle(route));
  // Nothing a legal page shows needs a live socket.
  await context.routeWebSocket(/.*/, (socket) => socket.close({ code: 1008, reason: 'blocked by the archiver' }));
  const page = await context.newPage();

  let response;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (error) {
    if (error instanceof playwrightErrors.TimeoutError) {
      throw new FetchError(url, 'browser', `the page did not load within ${timeoutMs} ms`, { cause: error, transient: true });
    }
    throw navigationFailure(url, error, proxy);
  }
  if (!response) throw new FetchError(url, 'browser', 'the navigation produced no response', { transient: true });
  const status = response.status();
  if (status >= 400) throw new FetchError(url, 'http-status', `HTTP ${status}`, { status });
  const contentType = (await response.headerValue('content-type')) ?? 'text/html';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'text/html' && mediaType !== 'application/xhtml+xml') {
    throw new FetchError(url, 'unsupported-content-type', `the page is ${mediaType}, not HTML: declare the source without browser: true`);
  }

  const awaited = options.waitForSelector ? `"${options.waitForSelector}"` : 'main (or body when there is no main)';
  const remaining = () => Math.max(1, timeoutMs - (Date.now() - started));
  try {
    await page.waitForFunction(contentText, options.waitForSelector ?? null, { timeout: remaining(), polling: 100 });
  } catch (error) {
    if (error instanceof playwrightErrors.TimeoutError) {
      throw new FetchError(url, 'browser', `${awaited} held no text within ${timeoutMs} ms`, { cause: error, transient: true });
    }
    throw error;
  }
  await settle(page, options.waitForSelector ?? null, Math.min(SETTLE_MAX_MS, remaining()));
  const html = await page.content();
  // A redirect followed in Node for a `connect` host leaves the page at the URL it asked for.
  const finalUrl = page.url() === response.url() ? (router.redirectedNavigation ?? page.url()) : page.url();
  return {
    url,
    finalUrl,
    status,
    mediaType: 'text/html',
    contentType: 'text/html; charset=utf-8',
    body: Buffer.from(html, 'utf8'),
    fetchedAt: (options.now?.() ?? new Date()).toISOString(),
  };
}

/**
 * Runs in the page: the rendered text of the content, or '' while there is none. innerText,
 * not textContent, so that the text of inline scripts and hidden templates does not count.
 */
function contentText(selector: string | null): string {
  // The project compiles without DOM types; this is the little of the DOM the function touches.
  type Element = { innerText?: string; textContent: string | null };
  const { document } = globalThis as unknown as { document: { querySelector(selector: string): Element | null; body: Element | null } };
  const element = selector ? document.querySelector(selector) : (document.querySelector('main') ?? document.body);
  if (!element) return '';
  return (element.innerText ?? element.textContent ?? '').trim();
}

/**
 * Pages that fill in their text in several steps would otherwise be caught half-way, and two
 * captures in a row would differ: wait until the text stops changing, for a short while at most.
 */
async function settle(page: Page, selector: string | null, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  let previous = await page.evaluate(contentText, selector);
  while (Date.now() + SETTLE_STEP_MS <= until) {
    await sleep(SETTLE_STEP_MS);
    const current = await page.evaluate(contentText, selector);
    if (current === previous) return;
    previous = current;
  }
}

/**
 * Decides what Chromium does with each request before it reaches the network: skips what
 * carries no text, and serves `connect` hosts itself. The address rule is not applied here:
 * Playwright routes only the first request of a redirect chain, so a page (or a script's fetch)
 * redirected to 169.254.169.254 would never be seen. The guard proxy sees every hop.
 */
class RequestRouter {
  readonly #options: RenderOptions;
  readonly #timeoutMs: number;
  /** Where the page's own navigation ended after redirects followed in Node. */
  redirectedNavigation: string | undefined;

  constructor(options: RenderOptions, timeoutMs: number) {
    this.#options = options;
    this.#timeoutMs = timeoutMs;
  }

  async handle(route: Route): Promise<void> {
    const request = route.request();
    try {
      if (SKIPPED_RESOURCES.has(request.resourceType())) return await route.abort('blockedbyclient');
      const url = new URL(request.url());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return await route.abort('blockedbyclient');
      if (this.#options.connect?.(url)) return await this.#fulfillFromOverride(route, url);
      return await route.continue();
    } catch (error) {
      // The page or context closed while the request was pending: nothing left to decide.
      if (isClosedError(error)) return;
      await route.abort('failed').catch(() => undefined);
    }
  }

  /**
   * Serves a request of a `connect` host (the demo's `https://www.lumen.example/…` on a plain
   * HTTP server on loopback): Chromium cannot reach it itself. Redirects between such hosts are
   * followed here, because Chromium would send the next hop to the real host name.
   */
  async #fulfillFromOverride(route: Route, first: URL): Promise<void> {
    const request = route.request();
    const headers = { ...(await request.allHeaders()) };
    // Ask for an unencoded body: it is handed to Chromium as is.
    delete headers['accept-encoding'];
    for (const name of Object.keys(headers)) if (name.startsWith(':')) delete headers[name];
    let url = first;
    let method = request.method();
    let body = request.postDataBuffer();
    for (let hop = 0; ; hop++) {
      const target = this.#options.connect!(url)!;
      const response = await plainRequest(target, url, method, { ...headers, host: url.host }, body, this.#timeoutMs);
      const location = response.headers.location;
      const next = REDIRECT_STATUSES.has(response.status) && location ? new URL(location, url) : undefined;
      if (!next || hop >= MAX_REDIRECTS || !this.#options.connect!(next)) {
        if (url !== first && request.isNavigationRequest() && request.frame().parentFrame() === null) this.redirectedNavigation = url.toString();
        return await route.fulfill(response);
      }
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
      }
      url = next;
    }
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function plainRequest(
  target: { host: string; port: number },
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | null,
  timeoutMs: number,
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: target.host, port: target.port, method, path: `${url.pathname}${url.search}`, headers, signal: AbortSignal.timeout(timeoutMs) },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value === undefined || name === 'content-length' || name === 'transfer-encoding' || name === 'connection') continue;
            flat[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value;
          }
          resolve({ status: incoming.statusCode ?? 502, headers: flat, body: Buffer.concat(chunks) });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body ?? undefined);
  });
}

type Destination = { address: string } | { refused: 'blocked' | 'dns'; problem: string };

/**
 * A forward proxy on loopback through which Chromium sends every request of one render: it
 * resolves each host itself, applies the address rule to every address, and connects to the
 * address it checked. Being the proxy, it sees every redirect hop and every script's request,
 * and Chromium never resolves a name, so a host cannot answer DNS with a public address for the
 * check and a private one for the connection.
 */
class GuardProxy {
  readonly #server: http.Server;
  readonly #allowLoopback: boolean;
  readonly #connect: RenderOptions['connect'];
  /** No upstream connection outlives the render that opened it. */
  readonly #timeoutMs: number;
  readonly #tunnels = new Set<net.Socket>();
  /** The latest refusal or failed lookup, to explain a failed navigation. */
  lastProblem: string | undefined;
  lastRefusal: 'blocked' | 'dns' | undefined;

  private constructor(allowLoopback: boolean, connect: RenderOptions['connect'], timeoutMs: number) {
    this.#allowLoopback = allowLoopback;
    this.#connect = connect;
    this.#timeoutMs = timeoutMs;
    this.#server = http.createServer((request, response) => void this.#forward(request, response));
    this.#server.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => void this.#tunnel(request, socket, head));
  }

  static async start(options: RenderOptions): Promise<GuardProxy> {
    const proxy = new GuardProxy(options.allowLoopback ?? false, options.connect, options.timeoutMs ?? 30_000);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get server(): string {
    return `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#tunnels) socket.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #destination(host: string): Promise<Destination> {
    const bare = host.replace(/^\[|\]$/g, '');
    const refuse = (refused: 'blocked' | 'dns', problem: string): Destination => {
      this.lastProblem = problem;
      this.lastRefusal = refused;
      return { refused, problem };
    };
    if (isIP(bare)) return isAllowedAddress(bare, this.#allowLoopback) ? { address: bare } : refuse('blocked', `refusing the non-public address ${bare}`);
    if (isInternalHostname(bare) && !(this.#allowLoopback && bare === 'localhost')) return refuse('blocked', `refusing the internal host name ${bare}`);
    let addresses: { address: string }[];
    try {
      addresses = await dns.lookup(bare, { all: true });
    } catch (error) {
      return refuse('dns', `host not found: ${bare} (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
    }
    const bad = addresses.find((entry) => !isAllowedAddress(entry.address, this.#allowLoopback));
    if (bad || addresses.length === 0) return refuse('blocked', `${bare} resolves to the non-public address ${bad?.address ?? '(none)'}`);
    return { address: addresses[0]!.address };
  }

  /** Plain HTTP through the proxy: the request line holds the absolute URL. */
  async #forward(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url ?? '');
    } catch {
      return void response.writeHead(400).end();
    }
    const override = url.protocol === 'http:' ? this.#connect?.(url) : undefined;
    const destination: Destination = override ? { address: override.host } : await this.#destination(url.hostname);
    // Refused like a network failure, not with an error page: a script's fetch must fail, not
    // receive an answer, and the navigation failure is explained from lastProblem.
    if ('refused' in destination) return void request.socket.destroy();
    const headers = { ...request.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const outgoing = http.request(
      {
        host: destination.address,
        port: override?.port ?? (url.port || 80),
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers,
        signal: AbortSignal.timeout(this.#timeoutMs),
      },
      (incoming) => {
        response.writeHead(incoming.statusCode ?? 502, incoming.rawHeaders);
        incoming.pipe(response);
      },
    );
    outgoing.on('error', () => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
    response.on('close', () => outgoing.destroy());
    request.pipe(outgoing);
  }

  /** HTTPS through the proxy: a CONNECT tunnel to the checked address; TLS stays end to end. */
  async #tunnel(request: http.IncomingMessage, client: net.Socket, head: Buffer): Promise<void> {
    this.#tunnels.add(client);
    client.on('close', () => this.#tunnels.delete(client));
    client.on('error', () => client.destroy());
    const [host = '', port = '443'] = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(request.url ?? '')?.slice(1) ?? [];
    // A `connect` host is served by the router; a tunnel to it is a preconnect nobody will use.
    if (!host || this.#connect?.(new URL(`https://${host}:${port}/`))) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const destination = await this.#destination(host);
    if ('refused' in destination) return void client.end(`HTTP/1.1 ${destination.refused === 'dns' ? 502 : 403} Refused\r\n\r\n`);
    const upstream = net.connect({ host: destination.address, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.#tunnels.add(upstream);
    upstream.setTimeout(this.#timeoutMs, () => upstream.destroy());
    upstream.on('close', () => {
      this.#tunnels.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => {
      if (client.writable && !client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('close', () => upstream.destroy());
  }
}

function navigationFailure(url: string, error: unknown, proxy: GuardProxy): FetchError {
  const message = firstLine(error);
  // Chromium sees a refused request as a failed tunnel or an empty response; the proxy knows why.
  // Nothing but the page's own request (and its redirects) goes out before the navigation ends.
  if (/net::ERR_(?:TUNNEL_CONNECTION_FAILED|EMPTY_RESPONSE|CONNECTION_CLOSED)/.test(message) && proxy.lastRefusal) {
    return new FetchError(url, proxy.lastRefusal === 'dns' ? 'dns' : 'blocked-address', proxy.lastProblem!, { cause: error, transient: false });
  }
  if (/ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED/.test(message)) return new FetchError(url, 'dns', `host not found (${message})`, { cause: error, transient: false });
  if (/net::ERR_/.test(message)) return new FetchError(url, 'network', message, { cause: error });
  return new FetchError(url, 'browser', `the browser could not load the page: ${message}`, { cause: error, transient: true });
}

function isClosedError(error: unknown): boolean {
  return /Target page, context or browser has been closed|has been closed|Route is already handled/i.test(firstLine(error));
}

function missingBrowser(tried: string | undefined): string {
  if (process.env.CHROMIUM_PATH && (tried === undefined || tried === process.env.CHROMIUM_PATH)) {
    return `CHROMIUM_PATH is ${process.env.CHROMIUM_PATH}, which does not exist: ${INSTALL_HINT}`;
  }
  if (tried) return `no Chromium at ${tried}: ${INSTALL_HINT}`;
  return `no Chromium found (looked at ${CANDIDATES.join(', ')}): this source needs a browser to render; ${INSTALL_HINT}`;
}

function noBrowser(where: string, message: string, cause?: unknown): FetchError {
  return new FetchError(where, 'browser', message, { transient: false, ...(cause === undefined ? {} : { cause }) });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
