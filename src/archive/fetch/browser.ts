import { existsSync } from 'node:fs';
import dns from 'node:dns/promises';
import http from 'node:http';
import { isIP } from 'node:net';
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
  /** The page the browser is launched for, named in launch errors (renderWithBrowser passes it). */
  forUrl?: string;
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
    const where = options.forUrl ?? executablePath ?? 'chromium';
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
    let context: BrowserContext | undefined;
    try {
      context = await this.#browser.newContext({
        userAgent: options.userAgent ?? USER_AGENT,
        // Service workers fetch outside page.route; a legal page does not need one.
        serviceWorkers: 'block',
        acceptDownloads: false,
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      return await renderInContext(context, url, options);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new FetchError(url, 'browser', `the browser failed: ${firstLine(error)}`, { cause: error, transient: true });
    } finally {
      await context?.close().catch(() => undefined);
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
  const pool = await BrowserPool.launch({ ...(options.executablePath ? { executablePath: options.executablePath } : {}), forUrl: url });
  try {
    return await pool.render(url, options);
  } finally {
    await pool.close();
  }
}

async function renderInContext(context: BrowserContext, url: string, options: RenderOptions): Promise<Capture> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  const guard = new RequestGuard(options, timeoutMs);
  await context.route('**/*', (route) => guard.handle(route));
  // Nothing a legal page shows needs a live socket, and its target would escape the address rule.
  await context.routeWebSocket(/.*/, (socket) => socket.close({ code: 1008, reason: 'blocked by the archiver' }));
  const page = await context.newPage();

  let response;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  } catch (error) {
    const blocked = guard.blockedNavigation;
    if (blocked) throw new FetchError(url, 'blocked-address', blocked, { cause: error });
    if (error instanceof playwrightErrors.TimeoutError) {
      throw new FetchError(url, 'browser', `the page did not load within ${timeoutMs} ms`, { cause: error, transient: true });
    }
    throw navigationFailure(url, error);
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
  return {
    url,
    finalUrl: page.url(),
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
 * Decides every request the page makes. Pages run scripts, and a script can ask for any address,
 * so the address rule of plain fetching applies to each request, not only to the page's URL.
 */
class RequestGuard {
  readonly #options: RenderOptions;
  readonly #timeoutMs: number;
  readonly #allowLoopback: boolean;
  /** One lookup per host and render. */
  readonly #verdicts = new Map<string, Promise<string | undefined>>();
  /** Why the page's own navigation (or a redirect of it) was refused, to explain a failed goto. */
  blockedNavigation: string | undefined;

  constructor(options: RenderOptions, timeoutMs: number) {
    this.#options = options;
    this.#timeoutMs = timeoutMs;
    this.#allowLoopback = options.allowLoopback ?? false;
  }

  async handle(route: Route): Promise<void> {
    const request = route.request();
    try {
      if (SKIPPED_RESOURCES.has(request.resourceType())) return await route.abort('blockedbyclient');
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:') return await route.continue();
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return await this.#refuse(route, `refusing the ${url.protocol} protocol at ${url}`);
      const override = this.#options.connect?.(url);
      if (override) return await this.#fulfillFrom(route, url, override);
      const problem = await this.#addressProblem(url.hostname.replace(/^\[|\]$/g, ''));
      if (problem) return await this.#refuse(route, problem);
      // Chromium resolves the name again when it connects; a host that answers DNS with a public
      // address to us and a private one a moment later could slip through. Closing that gap would
      // mean proxying every request through Node; the window is one lookup wide.
      return await route.continue();
    } catch (error) {
      // The page or context closed while the request was pending: nothing left to decide.
      if (isClosedError(error)) return;
      await route.abort('failed').catch(() => undefined);
    }
  }

  async #refuse(route: Route, problem: string): Promise<void> {
    const request = route.request();
    if (request.isNavigationRequest() && request.frame().parentFrame() === null) this.blockedNavigation = problem;
    await route.abort('blockedbyclient');
  }

  #addressProblem(host: string): Promise<string | undefined> {
    let verdict = this.#verdicts.get(host);
    if (!verdict) {
      verdict = this.#checkHost(host);
      this.#verdicts.set(host, verdict);
    }
    return verdict;
  }

  async #checkHost(host: string): Promise<string | undefined> {
    if (isIP(host)) return isAllowedAddress(host, this.#allowLoopback) ? undefined : `refusing the non-public address ${host}`;
    if (isInternalHostname(host) && !(this.#allowLoopback && host === 'localhost')) return `refusing the internal host name ${host}`;
    let addresses: { address: string }[];
    try {
      addresses = await dns.lookup(host, { all: true });
    } catch {
      // Let Chromium fail the request the way it fails unknown hosts (net::ERR_NAME_NOT_RESOLVED).
      return undefined;
    }
    const bad = addresses.find((entry) => !isAllowedAddress(entry.address, this.#allowLoopback));
    return bad ? `${host} resolves to the non-public address ${bad.address}` : undefined;
  }

  /** Serves a request from the `connect` override: a plain HTTP request to it, with the original Host. */
  async #fulfillFrom(route: Route, url: URL, target: { host: string; port: number }): Promise<void> {
    const request = route.request();
    const headers = { ...(await request.allHeaders()) };
    // Ask for an unencoded body: it is handed to Chromium as is.
    delete headers['accept-encoding'];
    for (const name of Object.keys(headers)) if (name.startsWith(':')) delete headers[name];
    headers.host = url.host;
    const body = request.postDataBuffer();
    const response = await new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const outgoing = http.request(
        { host: target.host, port: target.port, method: request.method(), path: `${url.pathname}${url.search}`, headers, signal: AbortSignal.timeout(this.#timeoutMs) },
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
    await route.fulfill(response);
  }
}

function navigationFailure(url: string, error: unknown): FetchError {
  const message = firstLine(error);
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
