import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { parseFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../../src/analysis/categories/taxonomy.ts';
import { builtExists, demoSite, readBuilt, TEST_SITE_URL, type BuiltSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

const taxonomy = await loadTaxonomy();

/** The page's visible text, for assertions on what a reader sees. */
function textOf(html: string): string {
  const main = html.slice(html.indexOf('<main'));
  return main.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;|&#x27;/g, "'").replace(/\s+/g, ' ');
}

const links = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);

describe('provisions, topics and their feeds on the built site', () => {
  let site: BuiltSite;

  beforeAll(async () => {
    site = await demoSite();
  }, SITE_BUILD_TIMEOUT);

  it('gives every provision of a document a history page, linked from the document page', async () => {
    const dir = path.join(site.distDir, 'platforms', 'chirpy', 'privacy-policy', 'provisions');
    const ids = (await readdir(dir)).sort();
    expect(ids.length).toBeGreaterThan(10);
    const documentPage = await readBuilt(site.distDir, '/platforms/chirpy/privacy-policy/');
    for (const id of ids) expect(documentPage).toContain(`href="/platforms/chirpy/privacy-policy/provisions/${id}/"`);
    // Headings of the latest text carry a provision anchor beside their own.
    expect(documentPage).toMatch(/<a class="provision-link" id="provision-how-we-use-your-information-and-our-legal-bases" href="\/platforms\/chirpy\/privacy-policy\/provisions\/how-we-use-your-information-and-our-legal-bases\/"/);
  });

  it('links every section heading of every version to its provision’s history', async () => {
    const dir = path.join(site.distDir, 'platforms', 'chirpy', 'privacy-policy');
    const versions = (await readdir(dir)).filter((name) => /^\d{4}-\d\d-\d\d-[0-9a-f]{8}$/.test(name)).sort();
    expect(versions.length).toBeGreaterThan(2);
    const everyId = new Set<string>();
    for (const version of versions) {
      const html = await readBuilt(site.distDir, `/platforms/chirpy/privacy-policy/${version}/`);
      const text = html.slice(html.indexOf('id="text"'));
      const headings = [...text.matchAll(/<h[2-6] id="([^"]+)"/g)].filter((m) => m[1] !== 'footnote-label' && m[1] !== 'contents');
      const anchors = [...text.matchAll(/<a class="provision-link" id="provision-([^"]+)" href="([^"]+)"/g)];
      expect(anchors.length, version).toBe(headings.length);
      for (const [, id, href] of anchors) {
        expect(href).toBe(`/platforms/chirpy/privacy-policy/provisions/${id}/`);
        expect(await builtExists(site.distDir, href!), href).toBe(true);
        everyId.add(id!);
      }
    }
    // Sections that later versions removed or renamed keep the ids of their history.
    const latest = await readBuilt(site.distDir, '/platforms/chirpy/privacy-policy/');
    expect([...everyId].filter((id) => !latest.includes(`id="provision-${id}"`)).length).toBeGreaterThan(0);
  });

  it('lists the provisions under a heading that has no text of its own, each with its page', async () => {
    const html = await readBuilt(site.distDir, '/platforms/parley/privacy-policy/provisions/retention/');
    expect(textOf(html)).toMatch(/This heading has no text of its own; it groups \d+ provisions:/);
    const children = links(html).filter((href) => href.startsWith('/platforms/parley/privacy-policy/provisions/') && !href.endsWith('/retention/'));
    expect(children.length).toBeGreaterThanOrEqual(2);
    for (const href of children) expect(await builtExists(site.distDir, href)).toBe(true);
  });

  it('shows a provision’s current text, its topics with the rules that matched, and each version of it', async () => {
    const html = await readBuilt(site.distDir, '/platforms/chirpy/privacy-policy/provisions/training-our-ai-features/');
    const text = textOf(html);
    expect(text).toMatch(/Training our AI features a provision of Chirpy’s Privacy Policy/);
    expect(html).toContain('href="/categories/ai-training/"');
    expect(text).toMatch(/Why: \d+ rules? matched \(score \d+, threshold 3\)/);
    expect(text).toMatch(/First appears/);
    // Each state links to where the provision starts in its version: a clause (no heading of its
    // own) to its paragraph, a section to its heading.
    const versionLinks = (page: string) => [...page.matchAll(/<a href="([^"]+)">The whole version of/g)].map((m) => m[1]!);
    const section = 'how-we-use-your-information-and-our-legal-bases';
    for (const [id, element] of [['training-our-ai-features', /<p id="provision-training-our-ai-features">/], [section, /<a class="provision-link" id="provision-how-we-use/]] as const) {
      const states = versionLinks(await readBuilt(site.distDir, `/platforms/chirpy/privacy-policy/provisions/${id}/`));
      expect(states.length, id).toBeGreaterThan(0);
      for (const href of states) {
        const [page, place] = href.split('#');
        expect(place).toBe(`provision-${id}`);
        expect(await readBuilt(site.distDir, page!)).toMatch(element);
      }
    }
  });

  it('gives every provision a citation: as the last version that has it words it, at its anchor there', async () => {
    const pages: Array<{ document: string; id: string }> = [];
    for (const platform of await readdir(path.join(site.distDir, 'platforms'), { withFileTypes: true })) {
      if (!platform.isDirectory()) continue;
      for (const document of await readdir(path.join(site.distDir, 'platforms', platform.name))) {
        const ids = await readdir(path.join(site.distDir, 'platforms', platform.name, document, 'provisions')).catch(() => []);
        pages.push(...ids.map((id) => ({ document: `${platform.name}/${document}`, id })));
      }
    }
    expect(pages.length).toBeGreaterThan(100);
    let removed = 0;
    for (const { document, id } of pages) {
      const $ = cheerio.load(await readBuilt(site.distDir, `/platforms/${document}/provisions/${id}/`));
      const citation = $('section.citation');
      expect(citation.find('h2').text()).toBe('Cite this provision');
      const permalink = citation.find('a.permalink').attr('href')!;
      const [page, place] = permalink.slice(TEST_SITE_URL.length).split('#');
      expect(place).toBe(`provision-${id}`);
      // The latest state that is not a removal (the history goes newest first) names that version.
      const states = $('.provision-history > li').toArray().map((li) => ({ what: $(li).find('h3').text(), href: $(li).find('p > a').first().attr('href')! }));
      const last = states.find((state) => !/Removed/.test(state.what))!;
      expect(last.href).toBe(`${page}#${place}`);
      if (/Removed/.test(states[0]!.what)) removed++;
      // The version page has the anchor, and the same commit and text hash in its own citation.
      const $version = cheerio.load(await readBuilt(site.distDir, page!));
      expect($version(`#${place}`).length).toBe(1);
      expect(citation.find('a.commit code').text()).toBe($version('section.citation a.commit code').text());
      expect(citation.find('code.content-sha256').text()).toBe($version('section.citation code.content-sha256').text());
      const label = $('h1').contents().first().text().trim();
      expect($('#cite-plain').text()).toContain(`provision “${label}”`);
      expect($('#cite-bibtex').text()).toMatch(new RegExp(`^@misc\\{[A-Za-z0-9-]+-${id.replace(/[^A-Za-z0-9-]/g, '')},`));
      const csl = JSON.parse($('#cite-csl-json').text()) as Array<{ URL: string; title: string }>;
      expect(csl[0]!.URL).toBe(permalink);
      expect(csl[0]!.title.endsWith(`: ${label}`)).toBe(true);
    }
    // Removed provisions are cited as the version before their removal words them.
    expect(removed).toBeGreaterThan(0);
  });

  it('marks a reworded provision’s changes inline on its page', async () => {
    const dir = path.join(site.distDir, 'platforms');
    let found = 0;
    for (const platform of await readdir(dir, { withFileTypes: true })) {
      if (!platform.isDirectory()) continue;
      for (const document of await readdir(path.join(dir, platform.name), { withFileTypes: true })) {
        const provisions = path.join(dir, platform.name, document.name, 'provisions');
        for (const id of await readdir(provisions).catch(() => [])) {
          const html = await readBuilt(site.distDir, `/platforms/${platform.name}/${document.name}/provisions/${id}/`);
          if (html.includes('class="clause-diff"') && /<ins>[^<]+<\/ins>/.test(html)) found++;
        }
      }
    }
    expect(found).toBeGreaterThan(5);
  });

  it('shows on a version page what changed provision by provision, and the topics concerned', async () => {
    const platform = JSON.parse(await readBuilt(site.distDir, '/api/platforms/chirpy.json')) as { versions: Array<{ url: string; change: string; document: string }> };
    const substantive = platform.versions.filter((v) => v.change === 'substantive');
    expect(substantive.length).toBeGreaterThan(0);
    let topics = 0;
    for (const version of substantive) {
      const html = await readBuilt(site.distDir, version.url.replace(TEST_SITE_URL, ''));
      expect(textOf(html)).toMatch(/What changed, provision by provision/);
      for (const href of links(html).filter((l) => l.includes('/provisions/'))) expect(await builtExists(site.distDir, href)).toBe(true);
      if (/Topics concerned: <a href="\/categories\//.test(html)) topics++;
    }
    expect(topics).toBeGreaterThan(0);
  });

  it('has a page per topic: platforms side by side, what it means, the regulations with their articles', async () => {
    const index = await readBuilt(site.distDir, '/categories/');
    for (const category of taxonomy.categories) {
      expect(index).toContain(`href="/categories/${category.id}/"`);
      expect(await builtExists(site.distDir, `/categories/${category.id}/`)).toBe(true);
    }
    const html = await readBuilt(site.distDir, '/categories/ai-training/');
    const text = textOf(html);
    const category = taxonomy.categories.find((c) => c.id === 'ai-training')!;
    expect(text).toContain(category.what_it_means.replace(/'/g, "'"));
    // Chirpy's AI-training clause, with its platform, the provision page and when it last changed.
    expect(html).toContain('href="/platforms/chirpy/privacy-policy/provisions/training-our-ai-features/"');
    expect(text).toMatch(/Chirpy Privacy Policy › 4\.3 Training our AI features Last changed \d+ \w+ \d{4}/);
    expect((html.match(/<article class="category-entry"/g) ?? []).length).toBeGreaterThanOrEqual(3);
    // Each platform's clause is shown in part at most: a long one links to its whole text.
    for (const entry of html.split('<article class="category-entry"').slice(1)) {
      const shown = textOf(`<main>${entry.split('</article>')[0]}`);
      if (shown.length > 2200) expect(entry).toContain('Read the whole provision');
    }
    expect(text).toMatch(/General Data Protection Regulation/);
    expect(html).toMatch(/href="https:\/\/eur-lex\.europa\.eu\/[^"]+"/);
    expect(html).toContain('href="/feeds/categories/ai-training.rss.xml"');
  });

  it('publishes a feed per topic in RSS and Atom, each item a version that changed a provision of the topic', async () => {
    for (const format of ['rss', 'atom'] as const) {
      const xml = await readBuilt(site.distDir, `/feeds/categories/ai-training.${format}.xml`);
      const parsed = parseFeed(xml);
      expect(parsed.format).toBe(format);
      const items = parsed.format === 'rss' ? (parsed.feed.items ?? []).map((i) => ({ link: i.link ?? '', text: i.description ?? '' })) : parsed.format === 'atom' ? (parsed.feed.entries ?? []).map((e) => ({ link: e.links?.find((l) => l.rel === 'alternate')?.href ?? '', text: String(e.summary?.value ?? e.summary ?? '') })) : [];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item.link.startsWith(`${TEST_SITE_URL}/platforms/`)).toBe(true);
        expect(await builtExists(site.distDir, item.link.replace(TEST_SITE_URL, ''))).toBe(true);
        expect(item.text).toMatch(/Provisions about “Training AI on user content”/);
      }
    }
    const feedsPage = await readBuilt(site.distDir, '/feeds/');
    for (const category of taxonomy.categories) expect(feedsPage).toContain(`href="/feeds/categories/${category.id}.atom.xml"`);
  });

  it('lets search filter document pages by topic', async () => {
    const documentPage = await readBuilt(site.distDir, '/platforms/chirpy/privacy-policy/');
    expect(documentPage).toMatch(/<a href="\/categories\/ai-training\/" data-pagefind-filter="category">Training AI on user content<\/a>/);
    const filters = await readdir(path.join(site.distDir, 'pagefind', 'filter'));
    expect(filters.length).toBeGreaterThan(0);
  });

  it('lists provision and topic pages in the sitemap', async () => {
    const sitemap = await readBuilt(site.distDir, '/sitemap.xml');
    expect(sitemap).toContain(`<loc>${TEST_SITE_URL}/categories/ai-training/</loc>`);
    expect(sitemap).toContain(`<loc>${TEST_SITE_URL}/platforms/chirpy/privacy-policy/provisions/training-our-ai-features/</loc>`);
  });
});
