import * as cheerio from 'cheerio';
import { parseFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../src/history/git.ts';
import { AFTER_IMPORT } from '../../src/site/labels.ts';
import { HOSTILE_ORIGINS, HOSTILE_SUMMARY as SUMMARY } from '../support/hostile-archive.ts';
import { builtPages, hostileSite, readBuilt, SITE_BUILD_TIMEOUT } from '../support/site.ts';

/**
 * Scraped text is untrusted: none of the hostile archive's markup may become active in the built
 * site (tests/e2e checks the same in Chromium). The site is built under a base path, as a GitHub
 * Pages project site is.
 */

describe('a site built over hostile archived content', () => {
  let distDir: string;
  let archiveDir: string;
  let ids: string[];

  beforeAll(async () => {
    ({ distDir, archiveDir, ids } = await hostileSite());
  }, SITE_BUILD_TIMEOUT);

  it('renders no script, event handler, dangerous URL, frame or remote image from the content', async () => {
    const pages = await builtPages(distDir);
    expect(pages).toContain(`/platforms/hostile/terms-of-service/${ids[1]}/`);
    for (const page of pages) {
      const html = await readBuilt(distDir, page);
      const $ = cheerio.load(html);
      expect($('script').toArray().filter((s) => $(s).attr('src') !== '/governance/search.js'), page).toEqual([]);
      expect($('iframe, object, embed, img, svg, form, base, meta[http-equiv="refresh"]').length, page).toBe(0);
      for (const element of $('*').toArray()) {
        for (const [name, value] of Object.entries((element as { attribs: Record<string, string> }).attribs)) {
          expect(name.startsWith('on'), `${page}: ${name}="${value}"`).toBe(false);
          if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)) {
            expect(value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase(), `${page}: ${name}="${value}"`).not.toMatch(/^(javascript|data|vbscript):/);
          }
        }
      }
      // Attribute values may hold "<" (only quotes need escaping there); markup may not.
      expect(html.replace(/="[^"]*"/g, '=""'), page).not.toMatch(/<script>alert|<img[\s>]|<iframe|<svg|<div onclick/);
    }
  });

  it('shows the hostile markup as text, so that a reader sees what the page contained', async () => {
    const $ = cheerio.load(await readBuilt(distDir, '/platforms/hostile/terms-of-service/'));
    const text = $('.document-text').text();
    expect(text).toContain('<script>alert("inline")</script>');
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect($('.document-text a[href^="https://tracker.example/"]').text()).toBe('[image: tracking pixel]');
    expect($('.document-text .dropped-link').length).toBeGreaterThanOrEqual(5);
    expect($('h1').text()).toContain('Hostile <script>alert(16)</script>');
  });

  it('escapes the hostile lines in both diff layouts', async () => {
    const $ = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[1]}/`));
    const lineByLine = $('#diff-line-by-line').text();
    expect(lineByLine).toContain('<img src=y onerror=alert(11)>');
    expect(lineByLine).toContain('New <script>alert(12)</script> clause.');
    expect($('#diff-side-by-side').text()).toContain('New <script>alert(12)</script> clause.');
    expect($('.version-summary').text()).toContain(SUMMARY);
  });

  it('folds the technical version in timelines and leaves it out of feeds; escapes feed text', async () => {
    const $ = cheerio.load(await readBuilt(distDir, '/platforms/hostile/'));
    expect($('.timeline details .version-item a').attr('href')).toBe(`/governance/platforms/hostile/terms-of-service/${ids[2]}/`);
    for (const file of ['/feeds/all.rss.xml', '/feeds/hostile.atom.xml', '/feeds/hostile/terms-of-service.rss.xml']) {
      const xml = await readBuilt(distDir, file);
      expect(xml).not.toMatch(/<script|<img/);
      const parsed = parseFeed(xml);
      const titles = parsed.format === 'rss' ? (parsed.feed.items ?? []).map((i) => i.title) : parsed.format === 'atom' ? (parsed.feed.entries ?? []).map((e) => e.title?.value) : [];
      expect(titles).toHaveLength(3);
      expect(titles).toContain(`Hostile <script>alert(16)</script> Terms of Service: ${SUMMARY}`);
      expect(xml).toContain('https://example.org/governance/platforms/hostile/terms-of-service/');
      expect(xml).not.toContain(ids[2]);
    }
  });

  it('links within the base path, and shows only web addresses as source links', async () => {
    const $ = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[0]}/`));
    for (const element of $('a[href^="/"], link[href^="/"]').toArray()) expect($(element).attr('href')).toMatch(/^\/governance\//);
    expect($('link[rel="canonical"]').attr('href')).toBe(`https://example.org/governance/platforms/hostile/terms-of-service/${ids[0]}/`);
    expect($('.source-url').text()).toContain('javascript:alert(15)');
    expect($('.source-url a').toArray().map((a) => $(a).attr('href'))).toEqual(['https://hostile.example/terms']);
    expect($('a.commit').attr('href')).toBe(`https://forge.example.org/governance/archive/commit/${await git(archiveDir, ['rev-parse', 'HEAD~3']).then((s) => s.trim())}`);
  });

  it('says where an imported version comes from, in its citation, linking only a web address', async () => {
    const first = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[0]}/`));
    expect(first('.imported-from a').attr('href')).toBe(HOSTILE_ORIGINS[0]);
    expect(first('#cite-plain').text()).toContain(`(imported from ${HOSTILE_ORIGINS[0]})`);
    expect(first('#cite-bibtex').text()).toContain(`imported from ${HOSTILE_ORIGINS[0]}`);
    expect(JSON.parse(first('#cite-csl-json').text())[0].note).toContain(`imported from ${HOSTILE_ORIGINS[0]}`);
    const second = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[1]}/`));
    expect(second('.imported-from a').length).toBe(0);
    expect(second('.imported-from code').text()).toBe(HOSTILE_ORIGINS[1]);
    // The archive's own capture after them: no such row, and a word on what its diff may hold.
    const fourth = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[3]}/`));
    expect(fourth('.imported-from').length).toBe(0);
    expect(fourth('#cite-plain').text()).not.toContain('imported from');
    expect(fourth('.after-import').text()).toBe(AFTER_IMPORT);
    for (const id of ids.slice(0, 3)) expect(cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${id}/`))('.after-import').length).toBe(0);
    const versions = JSON.parse(await readBuilt(distDir, '/api/platforms/hostile.json')).versions;
    const origin = (id: string) => versions.find((v: { id: string }) => v.id === id).importedFrom;
    expect(ids.map(origin)).toEqual([...HOSTILE_ORIGINS, HOSTILE_ORIGINS[1], null]);
  });
});
