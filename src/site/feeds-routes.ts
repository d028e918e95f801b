import type { Archive } from './archive.ts';
import { atom as atomXml, feedsOf, rss as rssXml, type Feed } from './feeds.ts';

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

export function documentFeedPaths(archive: Archive) {
  return [...feedsByKey(archive).keys()].filter((key) => key.includes('/')).map((key) => {
    const [platform, document] = key.split('/') as [string, string];
    return { params: { platform, document } };
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
