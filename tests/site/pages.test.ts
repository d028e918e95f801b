import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { parseVersionFile, sha256 } from '../../src/history/version-file.ts';
import { brokenLinks } from '../support/site-checks.ts';
import { builtExists, builtPages, demoSite, HOSTILE_SITE_URL, hostileSite, readBuilt, TEST_REPOSITORY_URL, TEST_SITE_URL, type BuiltSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

interface Recorded {
  platform: string;
  document: string;
  commit: string;
  capturedAt: string;
  contentSha256: string;
  change: string;
  summary: string;
  id: string;
}

describe('the site built over the demo archive', () => {
  let site: BuiltSite;
  let versions: Recorded[];

  beforeAll(async () => {
    site = await demoSite();
    versions = (await readHistory(site.archiveDir))
      .filter((entry) => entry.version)
      .map((entry) => ({
        platform: entry.version!.platform,
        document: entry.version!.document,
        commit: entry.commit,
        capturedAt: entry.version!.capturedAt,
        contentSha256: entry.version!.contentSha256,
        change: entry.version!.change,
        summary: entry.version!.summary,
        id: `${entry.version!.capturedAt.slice(0, 10)}-${entry.version!.contentSha256.slice(0, 8)}`,
      }));
    expect(versions.length).toBeGreaterThan(50);
  }, SITE_BUILD_TIMEOUT);

  it('has every URL of the contract', async () => {
    const documents = [...new Set(versions.map((v) => `${v.platform}/${v.document}`))];
    const platforms = [...new Set(versions.map((v) => v.platform))];
    const expected = [
      '/', '/platforms/', '/search/', '/feeds/', '/about/', '/methodology/', '/404.html', '/sitemap.xml', '/robots.txt',
      '/feeds/all.rss.xml', '/feeds/all.atom.xml', '/api/platforms.json', '/api/versions.json', '/data/latest.json', '/data/SHA256SUMS',
      ...platforms.flatMap((p) => [`/platforms/${p}/`, `/feeds/${p}.rss.xml`, `/feeds/${p}.atom.xml`, `/api/platforms/${p}.json`]),
      ...documents.flatMap((d) => [`/platforms/${d}/`, `/feeds/${d}.rss.xml`, `/feeds/${d}.atom.xml`, `/data/latest/${d}.md`]),
      ...versions.map((v) => `/platforms/${v.platform}/${v.document}/${v.id}/`),
    ];
    const missing = [];
    for (const sitePath of expected) if (!(await builtExists(site.distDir, sitePath))) missing.push(sitePath);
    expect(missing).toEqual([]);
    expect(versions.length).toBe(new Set(versions.map((v) => `${v.platform}/${v.document}/${v.id}`)).size);
  });

  it('gives every page a canonical URL, the CSP, a skip link, landmarks and the feed links', async () => {
    const pages = await builtPages(site.distDir);
    expect(pages.length).toBeGreaterThan(80);
    for (const page of pages) {
      const $ = cheerio.load(await readBuilt(site.distDir, page));
      const canonical = page === '/404.html' ? `${TEST_SITE_URL}/404.html` : `${TEST_SITE_URL}${page}`;
      expect($('link[rel="canonical"]').attr('href'), page).toBe(canonical);
      expect($('meta[http-equiv="Content-Security-Policy"]').attr('content'), page).toMatch(/default-src 'none'/);
      expect($('html').attr('lang'), page).toBe('en');
      expect($('a.skip-link').attr('href'), page).toBe('#main');
      expect($('main#main').length, page).toBe(1);
      expect($('header nav[aria-label]').length, page).toBe(1);
      expect($('h1').length, page).toBe(1);
      expect($('link[rel="alternate"][type="application/rss+xml"]').length, page).toBeGreaterThanOrEqual(1);
      expect($('link[rel="alternate"][type="application/atom+xml"]').length, page).toBeGreaterThanOrEqual(1);
      // No script anywhere but on the search page, and never an inline one.
      const scripts = $('script').toArray();
      if (page === '/search/') {
        expect(scripts.map((s) => $(s).attr('src'))).toEqual(['/search.js']);
      } else {
        expect(scripts, page).toEqual([]);
      }
      expect($('[style]').length, page).toBe(0);
      expect($('style').length, page).toBe(0);
      const ids = $('[id]').toArray().map((element) => $(element).attr('id'));
      expect(ids.length, `${page}: duplicate ids`).toBe(new Set(ids).size);
    }
  });

  it('serves only internal links that exist, to places that exist on their page', async () => {
    expect(await brokenLinks(site.distDir)).toEqual([]);
  });

  it('keeps no link of the hostile archive’s texts that goes nowhere', { timeout: SITE_BUILD_TIMEOUT }, async () => {
    const hostile = await hostileSite();
    expect(await brokenLinks(hostile.distDir, new URL(HOSTILE_SITE_URL).pathname)).toEqual([]);
    // Its text links to one of its sections, and to a place no heading marks.
    const $ = cheerio.load(await readBuilt(hostile.distDir, '/platforms/hostile/terms-of-service/'));
    expect($('.document-text p a[href="#a-heading-two-levels-down"]').length).toBe(1);
    expect($('.document-text .dead-link').text()).toBe('a place the page marked');
  });

  it('puts a citation block on every version page with its commit, the SHA-256 of its text and its diff', async () => {
    for (const version of versions) {
      const path = `/platforms/${version.platform}/${version.document}/${version.id}/`;
      const $ = cheerio.load(await readBuilt(site.distDir, path));
      const citation = $('section.citation');
      expect(citation.find('a.permalink').attr('href')).toBe(`${TEST_SITE_URL}${path}`);
      expect(citation.find('a.commit').attr('href')).toBe(`${TEST_REPOSITORY_URL}/commit/${version.commit}`);
      expect(citation.find('a.commit code').text()).toBe(version.commit);
      expect(citation.find('code.content-sha256').text()).toBe(version.contentSha256);
      expect(citation.find('time').attr('datetime')).toBe(version.capturedAt);
      expect($('#cite-plain').text()).toContain(version.commit);
      expect($('#cite-bibtex').text()).toMatch(/^@misc\{/);
      const csl = JSON.parse($('#cite-csl-json').text()) as Array<{ URL: string; type: string }>;
      expect(csl[0]).toMatchObject({ URL: `${TEST_SITE_URL}${path}`, type: 'webpage' });
      expect($('.version-summary').text()).toContain(version.summary);
      if (version.change === 'initial') {
        expect($('#diff-line-by-line').length).toBe(0);
      } else {
        expect($('#diff-line-by-line table.d2h-diff-table').length).toBe(1);
        expect($('#diff-side-by-side table.d2h-side-by-side').length).toBe(1);
        expect($('#diff-line-by-line .d2h-ins, #diff-line-by-line .d2h-del').length).toBeGreaterThan(0);
      }
    }
  });

  it('shows on each version page the text of that version, rendered from the commit', async () => {
    for (const version of versions.filter((_, index) => index % 7 === 0)) {
      const file = parseVersionFile(await git(site.archiveDir, ['show', `${version.commit}:content/archive/${version.platform}/${version.document}.md`]));
      expect(sha256(file.body)).toBe(version.contentSha256);
      const $ = cheerio.load(await readBuilt(site.distDir, `/platforms/${version.platform}/${version.document}/${version.id}/`));
      const text = $('section.text .document-text').text().replace(/\s+/g, ' ');
      const sentence = file.body.split('\n').find((line) => /^[A-Z][^*_[\]`|#<>]{40,}\.$/.test(line));
      if (sentence) expect(text).toContain(sentence);
    }
  });

  it('gives every heading of a document page an anchor, and marks it for search', async () => {
    const $ = cheerio.load(await readBuilt(site.distDir, '/platforms/chirpy/privacy-policy/'));
    expect($('[data-pagefind-body]').length).toBe(1);
    expect($('[data-pagefind-filter="platform"]').text()).toBe('Chirpy');
    expect($('[data-pagefind-filter="document type"]').text()).toBe('Privacy Policy');
    expect($('[data-pagefind-filter="platform kind"]').text()).toBe('Social networks');
    const headings = $('.document-text :is(h2, h3, h4, h5, h6)').toArray();
    expect(headings.length).toBeGreaterThan(5);
    for (const heading of headings) {
      const id = $(heading).attr('id');
      expect(id).toMatch(/^[\p{L}\p{N}-]+$/u);
      expect($(heading).next(`a.anchor[href="#${id}"]`).length).toBe(1);
    }
    // The latest text is cited by its version's permanent address: the page says where.
    const latest = versions.filter((v) => v.platform === 'chirpy' && v.document === 'privacy-policy').sort((a, b) => b.capturedAt.localeCompare(a.capturedAt))[0]!;
    expect($('a.cite-latest').attr('href')).toBe(`/platforms/chirpy/privacy-policy/${latest.id}/#citation`);
    // Only document pages carry data-pagefind-body.
    expect(cheerio.load(await readBuilt(site.distDir, '/'))('[data-pagefind-body]').length).toBe(0);
    expect(cheerio.load(await readBuilt(site.distDir, `/platforms/chirpy/privacy-policy/${versions.find((v) => v.platform === 'chirpy' && v.document === 'privacy-policy')!.id}/`))('[data-pagefind-body]').length).toBe(0);
  });

  it('lists on the home page the latest substantive changes with their summaries', async () => {
    const $ = cheerio.load(await readBuilt(site.distDir, '/'));
    const latest = versions.filter((v) => v.change === 'substantive').sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : -1))[0]!;
    const first = $('#latest ~ .timeline .version-item, section:has(#latest) .version-item').first();
    expect(first.find('a').attr('href')).toBe(`/platforms/${latest.platform}/${latest.document}/${latest.id}/`);
    expect(first.find('.summary').text()).toBe(latest.summary);
    expect($('main').text()).toMatch(/7 platforms, 18 documents, \d+ recorded versions/);
  });

  it('shows each platform’s documents and one timeline of all their versions', async () => {
    const $ = cheerio.load(await readBuilt(site.distDir, '/platforms/chirpy/'));
    const chirpy = versions.filter((v) => v.platform === 'chirpy');
    expect($('section:has(#history) .version-item').length).toBe(chirpy.length);
    expect($('section:has(#documents) li').length).toBe(new Set(chirpy.map((v) => v.document)).size);
    const index = cheerio.load(await readBuilt(site.distDir, '/platforms/'));
    expect(index('#by-kind ~ section h3, section:has(#by-kind) h3').length).toBeGreaterThan(1);
    expect(index('section:has(#by-jurisdiction) h3').text()).toContain('Ireland');
  });

  it('writes a sitemap of every page and a robots.txt that points to it', async () => {
    const sitemap = await readBuilt(site.distDir, '/sitemap.xml');
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    for (const version of versions) expect(locs).toContain(`${TEST_SITE_URL}/platforms/${version.platform}/${version.document}/${version.id}/`);
    for (const loc of locs) expect(await builtExists(site.distDir, loc.slice(TEST_SITE_URL.length))).toBe(true);
    expect(await readBuilt(site.distDir, '/robots.txt')).toContain(`Sitemap: ${TEST_SITE_URL}/sitemap.xml`);
  });

  it('gives platform, document and version pages a share image: a 1200×630 PNG', async () => {
    const version = versions.find((v) => v.platform === 'chirpy' && v.document === 'privacy-policy')!;
    for (const page of ['/platforms/chirpy/', '/platforms/chirpy/privacy-policy/', `/platforms/chirpy/privacy-policy/${version.id}/`]) {
      const $ = cheerio.load(await readBuilt(site.distDir, page));
      const image = $('meta[property="og:image"]').attr('content')!;
      expect(image, page).toMatch(new RegExp(`^${TEST_SITE_URL}/og/chirpy.*\\.png$`));
      const png = await readFile(path.join(site.distDir, image.slice(TEST_SITE_URL.length)));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
    }
    for (const version of versions) expect(await builtExists(site.distDir, `/og/${version.platform}/${version.document}/${version.id}.png`)).toBe(true);
  });

  it('indexes every document page for search, with its filters', async () => {
    const entry = JSON.parse(await readBuilt(site.distDir, '/pagefind/pagefind-entry.json')) as { languages: Record<string, { page_count: number }> };
    const documents = new Set(versions.map((v) => `${v.platform}/${v.document}`)).size;
    expect(Object.values(entry.languages).reduce((sum, l) => sum + l.page_count, 0)).toBe(documents);
    expect(await builtExists(site.distDir, '/pagefind/pagefind-ui.js')).toBe(true);
    expect(site.log).toMatch(/search index: 18 document page\(s\)/);
  });
});
