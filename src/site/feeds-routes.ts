import type { Archive } from './archive.ts';
import { atom as atomXml, categoryFeed, feedsOf, rss as rssXml, type Feed } from './feeds.ts';
import { siteAnalysis } from './provisions.ts';
import { pageKey } from './pages.ts';

/** The feed endpoints' shared work: find the feed for a route and answer with its XML. */

const byArchive = new WeakMap<Archive, Map<string, Feed>>();

export function feedsByKey(archive: Archive): Map<string, Feed> {
  let feeds = byArchive.get(archive);
  if (!feeds) {
    feeds = new Map(feedsOf(archive).map((feed) => [feed.key, feed]));
    byArchive.set(archive, feeds);
  }
  return feeds;
}

/** The feed routes of one shape, each keyed by what its feed holds (incremental build). */
export function feedPaths(archive: Archive, shape: 'site-or-platform' | 'document') {
  return [...feedsByKey(archive).values()]
    .filter((feed) => feed.key.includes('/') === (shape === 'document'))
    .map((feed) => {
      const [platform, document] = feed.key.split('/') as [string, string | undefined];
      const params = shape === 'document' ? { platform, document: document! } : { feed: feed.key };
      return { params, cacheKey: pageKey(archive, feed) };
    });
}

function feed(archive: Archive, key: string): Feed {
  const found = feedsByKey(archive).get(key);
  if (!found) throw new Error(`no feed "${key}"`);
  return found;
}

export function rss(archive: Archive, key: string): Response {
  return new Response(rssXml(feed(archive, key), archive), { headers: { 'Content-Type': 'application/rss+xml; charset=utf-8' } });
}

export function atom(archive: Archive, key: string): Response {
  return new Response(atomXml(feed(archive, key), archive), { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}

/** The topics' feed routes: `/feeds/categories/<category>.<format>.xml`. */
export async function categoryFeedPaths(archive: Archive) {
  const analysis = await siteAnalysis(archive);
  return analysis.categories.map((view) => {
    const feed = categoryFeed(view, analysis);
    return { params: { category: view.category.id }, props: { feed }, cacheKey: pageKey(archive, feed.key, feed.items, [...(feed.notes ?? [])]) };
  });
}

export function feedResponse(archive: Archive, feed: Feed, format: 'rss' | 'atom'): Response {
  return format === 'rss'
    ? new Response(rssXml(feed, archive), { headers: { 'Content-Type': 'application/rss+xml; charset=utf-8' } })
    : new Response(atomXml(feed, archive), { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
