import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../src/site/static-server.ts';
import { hasOtaCorpus } from '../support/corpus.ts';
import { builtPages, corpusSite, demoSite, hostileSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p): p is string => Boolean(p && existsSync(p)));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
}

describe.skipIf(!CHROMIUM)('accessibility (axe) on every kind of page', () => {
  let server: StaticServer;
  let browser: Browser;
  let pages: string[];

  beforeAll(async () => {
    const site = await demoSite();
    server = await serveStatic(site.distDir);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: FLAGS, headless: true, chromiumSandbox: false });
    const versions = JSON.parse(readFileSync(`${site.distDir}/api/platforms/chirpy.json`, 'utf8')) as { versions: Array<{ url: string; change: string }> };
    const version = versions.versions.find((v) => v.change === 'substantive')!.url.replace(site.siteUrl, '');
    pages = ['/', '/platforms/', '/platforms/chirpy/', '/platforms/chirpy/privacy-policy/', version, `${version}#diff-side-by-side`, '/search/', '/feeds/', '/about/', '/methodology/', '/no-such-page/',
      '/categories/', '/categories/ai-training/', '/platforms/chirpy/privacy-policy/provisions/training-our-ai-features/', '/platforms/chirpy/privacy-policy/provisions/sharing-your-information/'];
  }, SITE_BUILD_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function violations(colorScheme: 'light' | 'dark', origin: string, where: string[]): Promise<string[]> {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const found: string[] = [];
    for (const address of where) {
      await page.goto(`${origin}${address}`);
      if (address === '/search/') {
        await page.locator('.pagefind-ui__search-input').waitFor();
        await page.locator('.pagefind-ui__search-input').fill('privacy');
        await page.locator('.pagefind-ui__result').first().waitFor();
      }
      // Evaluated through the DevTools protocol, which the pages' CSP does not govern.
      await page.evaluate(AXE);
      const result = (await page.evaluate(() => (window as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({ resultTypes: ['violations'] }))) as AxeResult;
      for (const violation of result.violations) found.push(`${address}: ${violation.id} (${violation.impact}) ${violation.help}: ${violation.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    }
    await context.close();
    return found;
  }

  it.each(['light', 'dark'] as const)('reports no violation in the %s colour scheme', async (colorScheme) => {
    expect(await violations(colorScheme, server.url, pages)).toEqual([]);
  });

  // Scraped texts skip heading levels, have tables without a header row, wrap images in links:
  // what the renderer makes of them must stay accessible too.
  it('reports no violation on the hostile archive’s document, version and provision pages', { timeout: SITE_BUILD_TIMEOUT }, async () => {
    const hostile = await hostileSite();
    // Built for /governance/: served under that path, its stylesheet included.
    const root = await mkdtemp(path.join(tmpdir(), 'hostile-site-'));
    await symlink(hostile.distDir, path.join(root, 'governance'));
    const mount = await serveStatic(root);
    try {
      const documentHtml = await readFile(path.join(hostile.distDir, 'platforms', 'hostile', 'terms-of-service', 'index.html'), 'utf8');
      const provisions = [...new Set([...documentHtml.matchAll(/href="(\/governance\/platforms\/hostile\/terms-of-service\/provisions\/[^"]+\/)"/g)].map((m) => m[1]!))];
      expect(provisions.length).toBeGreaterThan(2);
      const where = ['/governance/platforms/hostile/terms-of-service/', ...hostile.ids.map((id) => `/governance/platforms/hostile/terms-of-service/${id}/`), ...provisions];
      expect(await violations('light', mount.url, where)).toEqual([]);
    } finally {
      await mount.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  // Skipped, with a message from tests/support/corpus.ts, when ../shared is absent.
  it.skipIf(!hasOtaCorpus)('reports no violation on real histories: every document page, and versions and provisions of each', { timeout: SITE_BUILD_TIMEOUT }, async () => {
    const site = await corpusSite();
    const pages = await builtPages(site.distDir);
    const documents = pages.filter((page) => /^\/platforms\/[^/]+\/[^/]+\/$/.test(page) && !page.endsWith('/feeds/'));
    const sample = (pattern: RegExp) => documents.flatMap((document) => pages.filter((page) => page.startsWith(document) && pattern.test(page.slice(document.length))).slice(-2));
    const where = [...documents, ...sample(/^\d{4}-\d\d-\d\d-[0-9a-f]{8}\/$/), ...sample(/^provisions\/[^/]+\/$/)];
    expect(documents.length).toBeGreaterThan(10);
    const mount = await serveStatic(site.distDir);
    try {
      expect(await violations('light', mount.url, where)).toEqual([]);
    } finally {
      await mount.close();
    }
  });
});
