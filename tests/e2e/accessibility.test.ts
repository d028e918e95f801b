import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../src/site/static-server.ts';
import { demoSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

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

  it.each(['light', 'dark'] as const)('reports no violation in the %s colour scheme', async (colorScheme) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const found: string[] = [];
    for (const where of pages) {
      await page.goto(`${server.url}${where}`);
      if (where === '/search/') {
        await page.locator('.pagefind-ui__search-input').waitFor();
        await page.locator('.pagefind-ui__search-input').fill('privacy');
        await page.locator('.pagefind-ui__result').first().waitFor();
      }
      // Evaluated through the DevTools protocol, which the pages' CSP does not govern.
      await page.evaluate(AXE);
      const result = (await page.evaluate(() => (window as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({ resultTypes: ['violations'] }))) as AxeResult;
      for (const violation of result.violations) found.push(`${where}: ${violation.id} (${violation.impact}) ${violation.help}: ${violation.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    }
    await context.close();
    expect(found).toEqual([]);
  });
});
