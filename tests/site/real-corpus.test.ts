import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { hasOtaCorpus } from '../support/corpus.ts';
import { builtPages, corpusSite, CORPUS_SITE_PLATFORMS, readBuilt, SITE_BUILD_TIMEOUT } from '../support/site.ts';
import { brokenLinks, htmlProblems } from '../support/site-checks.ts';

// Real texts hold what no fixture thought of: the whole site is checked over part of the real
// corpus (skipped, with a message from tests/support/corpus.ts, when ../shared is absent).
describe.skipIf(!hasOtaCorpus)(`the site over real histories (${CORPUS_SITE_PLATFORMS.join(', ')})`, () => {
  it('builds a page for every version and provision', async () => {
    const pages = await builtPages((await corpusSite()).distDir);
    for (const platform of CORPUS_SITE_PLATFORMS) {
      expect(pages.filter((page) => page.startsWith(`/platforms/${platform}/`) && /\/\d{4}-\d\d-\d\d-[0-9a-f]{8}\/$/.test(page)).length, platform).toBeGreaterThan(5);
      expect(pages.filter((page) => page.startsWith(`/platforms/${platform}/`) && page.includes('/provisions/')).length, platform).toBeGreaterThan(10);
    }
  }, SITE_BUILD_TIMEOUT);

  it('validates on every page', async () => {
    expect(await htmlProblems((await corpusSite()).distDir)).toEqual([]);
  }, SITE_BUILD_TIMEOUT);

  it('has no internal link to a page or a place on a page that does not exist', async () => {
    expect(await brokenLinks((await corpusSite()).distDir)).toEqual([]);
  }, SITE_BUILD_TIMEOUT);

  it('says that imported platforms are not captured here, and where each version was first recorded', async () => {
    const { distDir } = await corpusSite();
    const platform = cheerio.load(await readBuilt(distDir, '/platforms/deepseek/'));
    expect(platform('.notice').text()).toContain('does not capture this platform');
    // Nothing declares what it is or where its operator is: the page says so rather than guess.
    expect(platform('.facts').text()).toContain('Kind not declared');
    expect(platform('.facts').text()).toContain('Unknown jurisdiction');
    expect(platform('.document-list').text()).toContain('imported, not captured here');
    const versions = (await builtPages(distDir)).filter((page) => /^\/platforms\/deepseek\/[a-z-]+\/\d{4}-\d\d-\d\d-[0-9a-f]{8}\/$/.test(page));
    for (const page of versions.slice(0, 5)) {
      const $ = cheerio.load(await readBuilt(distDir, page));
      const origin = $('.imported-from a').attr('href') ?? '';
      expect(origin, page).toMatch(/^https:\/\/github\.com\/OpenTermsArchive\/[\w.-]+\/commit\/[0-9a-f]{40}$/);
      expect($('#cite-plain').text(), page).toContain(`(imported from ${origin})`);
    }
  }, SITE_BUILD_TIMEOUT);
});
