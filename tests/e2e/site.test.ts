import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../src/site/static-server.ts';
import { demoSite, hostileSite, type BuiltSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

/** Where Debian, Ubuntu and Google put Chromium; CHROMIUM_PATH overrides them. */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p): p is string => Boolean(p && existsSync(p)));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

if (!CHROMIUM) console.warn('tests/e2e: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH); the browser tests are skipped');

/** Collects what a page reports that a reader would not want: CSP violations, script errors, dialogs. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`${page.url()}: a ${dialog.type()} dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}

describe.skipIf(!CHROMIUM)('the site in Chromium', () => {
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    site = await demoSite();
    server = await serveStatic(site.distDir);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: FLAGS, headless: true, chromiumSandbox: false });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  }, SITE_BUILD_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('goes from the home page to a platform, a version, its diff, and copies its citation', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Chirpy', exact: true }).first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/platforms/chirpy/');

    // The newest Privacy Policy version in the timeline.
    await page.locator('section:has(#history) .version-item', { hasText: 'Privacy Policy' }).first().getByRole('link').click();
    // The layouts are switched by the stylesheet: judge visibility once it has loaded.
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toMatch(/^\/platforms\/chirpy\/privacy-policy\/\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\/$/);
    await expect.poll(() => page.locator('#diff-line-by-line').isVisible()).toBe(true);
    expect(await page.locator('#diff-side-by-side').isVisible()).toBe(false);
    expect(await page.locator('#diff-line-by-line .d2h-ins').count()).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'side by side' }).click();
    expect(await page.locator('#diff-side-by-side').isVisible()).toBe(true);
    expect(await page.locator('#diff-line-by-line').isVisible()).toBe(false);
    // Long lines wrap: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

    // Copy the plain-text citation with the keyboard, as a reader without a mouse would.
    const plain = page.getByLabel('Plain text');
    await plain.focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+C');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await plain.inputValue());
    expect(copied).toContain(await page.locator('a.commit code').textContent());
    expect(problems).toEqual([]);
  });

  it('searches a phrase from a document and lands on it', async () => {
    const latest = JSON.parse(await readFile(path.join(site.distDir, 'data', 'latest.json'), 'utf8')) as { documents: Array<{ platform: string; document: string; text: string }> };
    const document = latest.documents.find((d) => d.platform === 'trailmate' && d.document === 'terms-of-service')!;
    // A sentence that names the platform, as a reader looking for this document would type it.
    const sentence = document.text.split('\n').map((line) => line.replace(/^\(\d+\)\s*/, '')).find((line) => /^[A-Z][a-z]+ [a-z]+ [^*_[\]()"]*TrailMate [^*_[\]()"]{20,}$/.test(line))!;
    const phrase = sentence.split(' ').slice(0, 8).join(' ');
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/search/`);
    const input = page.getByRole('searchbox').or(page.locator('.pagefind-ui__search-input')).first();
    await input.waitFor();
    await input.focus();
    await page.keyboard.type(phrase);
    const result = page.locator('.pagefind-ui__result-link', { hasText: 'TrailMate Terms of Service' }).first();
    await result.waitFor({ timeout: 10_000 });
    await result.click();
    await page.waitForURL(new RegExp(`/platforms/${document.platform}/${document.document}/`));
    expect(await page.locator('.document-text').innerText()).toContain(phrase);
    expect(problems).toEqual([]);
  });

  it('filters search results by topic, and goes from a topic to a platform’s clause and its history', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/search/`);
    // Pagefind's own API, as its UI uses it: the topic filter narrows results to documents with such a provision.
    // A string, not a function: vitest would rewrite the dynamic import inside a function.
    const found = (await page.evaluate(`(async () => {
      const pagefind = await import(location.origin + '/pagefind/pagefind.js');
      await pagefind.init();
      const filters = await pagefind.filters();
      const all = await pagefind.search(null, { filters: {} });
      const narrowed = await pagefind.search(null, { filters: { category: 'Training AI on user content' } });
      return { topics: filters.category || {}, all: all.results.length, urls: await Promise.all(narrowed.results.map(async (r) => (await r.data()).url)) };
    })()`)) as { topics: Record<string, number>; all: number; urls: string[] };
    expect(found.topics['Training AI on user content']).toBeGreaterThan(0);
    expect(found.urls.length).toBe(found.topics['Training AI on user content']);
    expect(found.urls.length).toBeLessThan(found.all);
    expect(found.urls).toContain('/platforms/chirpy/privacy-policy/');

    await page.goto(`${server.url}/categories/`);
    await page.getByRole('link', { name: 'Training AI on user content' }).click();
    await page.waitForURL(/\/categories\/ai-training\/$/);
    const entry = page.locator('article.category-entry', { has: page.getByRole('heading', { name: 'Chirpy' }) });
    await entry.getByRole('link', { name: '4.3 Training our AI features' }).click();
    await page.waitForURL(/\/platforms\/chirpy\/privacy-policy\/provisions\/training-our-ai-features\/$/);
    expect(await page.locator('h1').innerText()).toContain('Training our AI features');
    expect(await page.locator('.provision-history > li').count()).toBeGreaterThan(0);
    // Its citation names its place in the latest version; following its latest state lands on the clause there.
    const anchor = '#provision-training-our-ai-features';
    expect(await page.locator('#cite-plain').inputValue()).toContain(`/platforms/chirpy/privacy-policy/2025-02-14-ef2f390a/${anchor}`);
    await page.locator('.provision-history > li').first().getByRole('link', { name: /^The whole version of/ }).click();
    await page.waitForURL((url) => url.hash === anchor);
    const clause = page.locator(anchor);
    expect(await clause.evaluate((element) => element.tagName)).toBe('P');
    expect(await clause.innerText()).toMatch(/train/i);
    await expect.poll(() => clause.evaluate((element) => { const box = element.getBoundingClientRect(); return box.top >= 0 && box.top < innerHeight; })).toBe(true);
    // Marked as the place the link pointed to (the stylesheet's :target tint).
    const background = (selector: string) => page.locator(selector).evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(await background(anchor)).not.toBe(await background('section.text .document-text > p:not([id]) >> nth=0'));
    expect(problems).toEqual([]);
  });

  it('announces and links the feeds, which the server delivers', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/platforms/chirpy/privacy-policy/`);
    const alternates = await page.locator('head link[rel="alternate"]').evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
    expect(alternates).toEqual(expect.arrayContaining([`${server.url}/feeds/all.rss.xml`, `${server.url}/feeds/chirpy/privacy-policy.atom.xml`]));
    await page.getByRole('link', { name: 'RSS' }).last().click();
    expect(page.url()).toBe(`${server.url}/feeds/chirpy/privacy-policy.rss.xml`);
    for (const feed of alternates) {
      const response = await page.request.get(feed);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toMatch(/^application\/(rss|atom)\+xml/);
    }
  });

  it('serves share images that a browser decodes at 1200×630', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/platforms/chirpy/privacy-policy/`);
    const image = await page.locator('meta[property="og:image"]').getAttribute('content');
    await page.goto(`${server.url}${new URL(image!).pathname}`);
    expect(await page.evaluate(() => [document.images[0]?.naturalWidth, document.images[0]?.naturalHeight])).toEqual([1200, 630]);
  });

  it('works without JavaScript: diffs switch layouts with links alone', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const page = await noScript.newPage();
    await page.goto(`${server.url}/platforms/chirpy/privacy-policy/`);
    await page.locator('#history ~ .timeline .version-item').nth(1).getByRole('link').click();
    await page.getByRole('link', { name: 'side by side' }).click();
    expect(await page.locator('#diff-side-by-side').isVisible()).toBe(true);
    expect(await page.locator('#diff-line-by-line').isVisible()).toBe(false);
    await page.getByRole('link', { name: 'line by line' }).click();
    expect(await page.locator('#diff-line-by-line').isVisible()).toBe(true);
    await noScript.close();
  });

  it('reads well on a phone: no sideways scrolling on any kind of page', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
    const page = await phone.newPage();
    const version = (await page.request.get(`${server.url}/api/platforms/bazaario.json`).then((r) => r.json())) as { versions: Array<{ url: string; change: string }> };
    const changed = version.versions.find((v) => v.change === 'substantive')!.url.replace(site.siteUrl, '');
    for (const where of ['/', '/platforms/', '/platforms/bazaario/', '/platforms/bazaario/terms-of-service/', changed, `${changed}#diff-side-by-side`, '/feeds/', '/about/', '/categories/', '/categories/ai-training/', '/platforms/bazaario/privacy-policy/provisions/why-we-process-your-data/']) {
      await page.goto(`${server.url}${where}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, where).toBeLessThanOrEqual(0);
    }
    await phone.close();
  });

  it('runs none of the hostile archive’s scripts', { timeout: SITE_BUILD_TIMEOUT }, async () => {
    const hostile = await hostileSite();
    // The hostile site is built for /governance/: serve its folder under that path.
    const mount = await serveStatic(path.dirname(hostile.distDir), {});
    const page = await context.newPage();
    const problems = watch(page);
    const base = `${mount.url}/dist`;
    try {
      // The hostile text's provisions have pages too (their ids are slugs of hostile headings).
      const documentHtml = await readFile(path.join(hostile.distDir, 'platforms', 'hostile', 'terms-of-service', 'index.html'), 'utf8');
      const provisions = [...new Set([...documentHtml.matchAll(/href="\/governance(\/platforms\/hostile\/terms-of-service\/provisions\/[^"]+\/)"/g)].map((m) => m[1]!))];
      expect(provisions.length).toBeGreaterThan(0);
      for (const where of ['/platforms/hostile/', '/platforms/hostile/terms-of-service/', ...hostile.ids.map((id) => `/platforms/hostile/terms-of-service/${id}/`), ...provisions]) {
        await page.goto(`${base}${where}`);
        await page.waitForTimeout(100);
        // Links in the scraped text (the site's own link to each section's history aside).
        for (const link of await page.locator('.document-text a:not(.provision-link), .d2h-wrapper a, .clause-diff a').all()) {
          expect(await link.getAttribute('href')).toMatch(/^(https?:|mailto:|tel:|#)/);
        }
        expect(await page.evaluate(() => document.querySelectorAll('script, iframe, img, svg').length)).toBe(0);
      }
    } finally {
      await mount.close();
    }
    // Stylesheets live under /governance/ and are not found here: only 404s may be reported.
    expect(problems.filter((p) => !/404|Failed to load resource/.test(p))).toEqual([]);
  });
});
