import type { Archive, Version } from './archive.ts';
import { ARCHIVE_NAME } from './citation.ts';
import { AFTER_IMPORT } from './labels.ts';
import type { CategoryView, SiteAnalysis } from './provisions.ts';
import { absoluteUrl, categoryFeedPath, categoryPath, documentPath, feedPath, platformPath, type FeedFormat } from './urls.ts';

/**
 * Feeds are the alert channel: RSS 2.0 and Atom, for the whole archive, each platform and each
 * document. Each item is one version (technical re-extractions left out), its id the version's
 * permanent URL, its date the capture time. Written by hand: both formats are small, and every
 * string from the archive passes through `xml()`.
 */

/** The newest items a feed carries; older versions stay on the site and in the JSON API. */
export const FEED_LIMIT = 100;

export interface Feed {
  /** `all`, `<platform>` or `<platform>/<document>`: the part of the feed's URL before the format. */
  key: string;
  title: string;
  description: string;
  /** The page the feed follows. */
  pagePath: string;
  paths: Record<FeedFormat, string>;
  items: Version[];
  /** A line added to an item's description (a category feed says which provisions of its topic changed). */
  notes?: Map<string, string>;
}

export function inFeeds(version: Version): boolean {
  return version.change !== 'technical';
}

export function feedsOf(archive: Archive): Feed[] {
  // `/feeds/all.rss.xml` is the whole archive's feed; a platform of that name would take its URL.
  if (archive.platform('all')) throw new Error('a platform cannot be called "all": /feeds/all.rss.xml is the feed of the whole archive');
  if (archive.platform('categories')) throw new Error('a platform cannot be called "categories": /feeds/categories/ holds the topics\' feeds');
  const feed = (key: string, title: string, description: string, pagePath: string, versions: Version[], platform?: string, document?: string): Feed => ({
    key,
    title,
    description,
    pagePath,
    paths: { rss: feedPath('rss', platform, document), atom: feedPath('atom', platform, document) },
    items: versions.filter(inFeeds).slice(0, FEED_LIMIT),
  });
  return [
    feed('all', `${ARCHIVE_NAME}: all changes`, 'Every new version of every document the archive tracks.', '/', archive.versions),
    ...archive.platforms.flatMap((platform) => [
      feed(platform.slug, `${ARCHIVE_NAME}: ${platform.name}`, `New versions of ${platform.name}’s documents.`, platformPath(platform.slug), platform.timeline, platform.slug),
      ...platform.documents.map((document) =>
        feed(
          `${platform.slug}/${document.slug}`,
          `${ARCHIVE_NAME}: ${platform.name} ${document.name}`,
          `New versions of ${platform.name}’s ${document.name}.`,
          documentPath(platform.slug, document.slug),
          [...document.versions].reverse(),
          platform.slug,
          document.slug,
        ),
      ),
    ]),
  ];
}

/**
 * A topic's feed: every version that added, removed or reworded a provision of the category, on
 * any platform, each item saying which provisions of the topic changed.
 */
export function categoryFeed(view: CategoryView, analysis: SiteAnalysis): Feed {
  const { category } = view;
  const items = view.versions.slice(0, FEED_LIMIT);
  const notes = new Map<string, string>();
  for (const version of items) {
    const change = analysis.change(version);
    const provisions = analysis.documents.get(`${version.platform}/${version.document}`);
    if (!change || !provisions) continue;
    const ofTopic = (id: string) => provisions.byId.get(id)?.categories.some((c) => c.category === category.id) ?? false;
    const parts = [
      ['Added', change.added.filter((p) => ofTopic(p.id))],
      ['Removed', change.removed.filter((p) => ofTopic(p.id))],
      ['Reworded', change.modified.filter((p) => ofTopic(p.id))],
    ] as const;
    const text = parts.filter(([, list]) => list.length > 0).map(([verb, list]) => `${verb}: ${list.map((p) => p.label).join('; ')}.`).join(' ');
    notes.set(version.path, `Provisions about “${category.title}”: ${text || 'reworded or moved (their topics changed).'}`);
  }
  return {
    key: `categories/${category.id}`,
    title: `${ARCHIVE_NAME}: ${category.title}`,
    description: `Changes to any platform’s provisions about “${category.title}”.`,
    pagePath: categoryPath(category.id),
    paths: { rss: categoryFeedPath('rss', category.id), atom: categoryFeedPath('atom', category.id) },
    items,
    notes,
  };
}

/** Text safe in XML content and attributes: escaped, and without the characters XML 1.0 forbids. */
export function xml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function itemTitle(version: Version): string {
  return `${version.platformName} ${version.documentName}: ${version.summary}`;
}

function itemDescription(version: Version, feed?: Feed): string {
  const note = feed?.notes?.get(version.path);
  return `${note ? `${note} ` : ''}${version.afterImport ? `${AFTER_IMPORT} ` : ''}${version.change === 'initial' ? 'First recorded version' : `${version.change[0]!.toUpperCase()}${version.change.slice(1)} change`}, captured ${version.capturedAt} from ${version.sourceUrls.join(', ')}. Commit ${version.commit}; SHA-256 of the text ${version.contentSha256}.`;
}

/** The feed's date: its newest item's capture time (not the build time, so that rebuilds are identical). */
function updated(feed: Feed, archive: Archive): string {
  return feed.items[0]?.capturedAt ?? archive.head?.date ?? '1970-01-01T00:00:00Z';
}

export function rss(feed: Feed, archive: Archive): string {
  const site = archive.settings.siteUrl;
  const items = feed.items.map((version) => {
    const link = absoluteUrl(site, version.path);
    return [
      '    <item>',
      `      <title>${xml(itemTitle(version))}</title>`,
      `      <link>${xml(link)}</link>`,
      `      <guid isPermaLink="true">${xml(link)}</guid>`,
      `      <pubDate>${new Date(version.capturedAt).toUTCString()}</pubDate>`,
      `      <category>${xml(version.change)}</category>`,
      `      <description>${xml(itemDescription(version, feed))}</description>`,
      '    </item>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${xml(feed.title)}</title>`,
    `    <link>${xml(absoluteUrl(site, feed.pagePath))}</link>`,
    `    <description>${xml(feed.description)}</description>`,
    `    <atom:link href="${xml(absoluteUrl(site, feed.paths.rss))}" rel="self" type="application/rss+xml"/>`,
    '    <language>en</language>',
    `    <lastBuildDate>${new Date(updated(feed, archive)).toUTCString()}</lastBuildDate>`,
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

export function atom(feed: Feed, archive: Archive): string {
  const site = archive.settings.siteUrl;
  const entries = feed.items.map((version) => {
    const link = absoluteUrl(site, version.path);
    return [
      '  <entry>',
      `    <title>${xml(itemTitle(version))}</title>`,
      `    <link rel="alternate" type="text/html" href="${xml(link)}"/>`,
      `    <id>${xml(link)}</id>`,
      `    <published>${xml(version.capturedAt)}</published>`,
      `    <updated>${xml(version.capturedAt)}</updated>`,
      `    <category term="${xml(version.change)}"/>`,
      `    <summary>${xml(itemDescription(version, feed))}</summary>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <title>${xml(feed.title)}</title>`,
    `  <subtitle>${xml(feed.description)}</subtitle>`,
    `  <link rel="alternate" type="text/html" href="${xml(absoluteUrl(site, feed.pagePath))}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${xml(absoluteUrl(site, feed.paths.atom))}"/>`,
    `  <id>${xml(absoluteUrl(site, feed.paths.atom))}</id>`,
    `  <updated>${xml(updated(feed, archive))}</updated>`,
    `  <author><name>${xml(ARCHIVE_NAME)}</name></author>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
