import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../../src/analysis/categories/taxonomy.ts';
import { readHistory } from '../../src/history/log.ts';
import { builtExists, demoSite, readBuilt, TEST_SITE_URL, type BuiltSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

interface Item {
  title: string;
  link: string;
  id: string;
  date: string;
}

/** Reads either format through a real feed parser into one shape. */
function itemsOf(xml: string): { format: string; title: string; items: Item[] } {
  const parsed = parseFeed(xml);
  if (parsed.format === 'rss') {
    return {
      format: 'rss',
      title: parsed.feed.title ?? '',
      items: (parsed.feed.items ?? []).map((item) => ({ title: item.title ?? '', link: item.link ?? '', id: item.guid?.value ?? '', date: String(item.pubDate ?? '') })),
    };
  }
  if (parsed.format === 'atom') {
    return {
      format: 'atom',
      title: String(parsed.feed.title?.value ?? ''),
      items: (parsed.feed.entries ?? []).map((entry) => ({
        title: String(entry.title?.value ?? ''),
        link: entry.links?.find((l) => l.rel === 'alternate')?.href ?? '',
        id: entry.id ?? '',
        date: String(entry.published ?? entry.updated ?? ''),
      })),
    };
  }
  throw new Error(`unexpected feed format ${parsed.format}`);
}

describe('feeds', () => {
  let site: BuiltSite;
  let feedFiles: string[];
  let recorded: Map<string, { capturedAt: string; title: string; platform: string; document: string }>;

  beforeAll(async () => {
    site = await demoSite();
    const entries = await readdir(path.join(site.distDir, 'feeds'), { recursive: true, withFileTypes: true });
    feedFiles = entries.filter((e) => e.isFile() && e.name.endsWith('.xml')).map((e) => `/${path.relative(site.distDir, path.join(e.parentPath, e.name)).split(path.sep).join('/')}`);
    recorded = new Map();
    for (const entry of await readHistory(site.archiveDir)) {
      const v = entry.version;
      if (!v) continue;
      const url = `${TEST_SITE_URL}/platforms/${v.platform}/${v.document}/${v.capturedAt.slice(0, 10)}-${v.contentSha256.slice(0, 8)}/`;
      recorded.set(url, { capturedAt: v.capturedAt, title: entry.subject, platform: v.platform, document: v.document });
    }
  }, SITE_BUILD_TIMEOUT);

  it('exist in RSS and Atom for everything, each platform, each document and each topic', async () => {
    const documents = new Set([...recorded.values()].map((v) => `${v.platform}/${v.document}`));
    const platforms = new Set([...recorded.values()].map((v) => v.platform));
    const topics = feedFiles.filter((file) => file.startsWith('/feeds/categories/'));
    expect(feedFiles.length - topics.length).toBe(2 * (1 + platforms.size + documents.size));
    // And one per topic of the taxonomy (tests/site/provisions.test.ts checks what they hold).
    expect(topics.length).toBe(2 * (await loadTaxonomy()).categories.length);
  });

  it('parse, and each item is a version: its page, a unique permanent id, its subject as title, its capture time as date', async () => {
    for (const file of feedFiles) {
      const feed = itemsOf(await readBuilt(site.distDir, file));
      expect(feed.format).toBe(file.endsWith('.rss.xml') ? 'rss' : 'atom');
      // A topic no version has touched yet has an empty feed, which a reader may still subscribe to.
      if (!file.startsWith('/feeds/categories/')) expect(feed.items.length, file).toBeGreaterThan(0);
      expect(new Set(feed.items.map((i) => i.id)).size, file).toBe(feed.items.length);
      for (const item of feed.items) {
        const version = recorded.get(item.link);
        expect(version, `${file}: ${item.link}`).toBeDefined();
        expect(item.id).toBe(item.link);
        expect(item.title).toBe(version!.title);
        expect(Date.parse(item.date)).toBe(Date.parse(version!.capturedAt));
        expect(await builtExists(site.distDir, item.link.slice(TEST_SITE_URL.length))).toBe(true);
      }
      // Newest first.
      const dates = feed.items.map((i) => Date.parse(i.date));
      expect(dates).toEqual([...dates].sort((a, b) => b - a));
    }
  });

  it('follow a document: every version of it, and nothing else', async () => {
    const feed = itemsOf(await readBuilt(site.distDir, '/feeds/chirpy/privacy-policy.atom.xml'));
    const expected = [...recorded.entries()].filter(([, v]) => v.platform === 'chirpy' && v.document === 'privacy-policy').map(([url]) => url);
    expect(feed.items.map((i) => i.link).sort()).toEqual(expected.sort());
    const all = itemsOf(await readBuilt(site.distDir, '/feeds/all.rss.xml'));
    expect(all.items.length).toBe(Math.min(100, recorded.size));
  });

  it('are announced in the head of the pages they follow and linked from them', async () => {
    const page = await readBuilt(site.distDir, '/platforms/chirpy/privacy-policy/');
    expect(page).toContain('<link rel="alternate" type="application/rss+xml" title="Chirpy Privacy Policy (RSS)" href="/feeds/chirpy/privacy-policy.rss.xml">');
    expect(page).toContain('<link rel="alternate" type="application/atom+xml" title="Chirpy Privacy Policy (Atom)" href="/feeds/chirpy/privacy-policy.atom.xml">');
    expect(page).toMatch(/<p class="feed-links">[^]*href="\/feeds\/chirpy\/privacy-policy.rss.xml"/);
    const index = await readBuilt(site.distDir, '/feeds/');
    for (const file of feedFiles) expect(index).toContain(`href="${file}"`);
  });
});
