import { siteUrlOf } from './settings.ts';

/**
 * The site's URLs. They are part of the citation contract (DESIGN: Site) and never change:
 * every page path ends with a slash, every feed and data file with its extension.
 */

export const platformsPath = () => '/platforms/';
export const platformPath = (platform: string) => `/platforms/${platform}/`;
export const documentPath = (platform: string, document: string) => `/platforms/${platform}/${document}/`;
export const versionPath = (platform: string, document: string, id: string) => `/platforms/${platform}/${document}/${id}/`;

/** A provision's history: `/platforms/<platform>/<document>/provisions/<id>/`. */
export const provisionPath = (platform: string, document: string, id: string) => `/platforms/${platform}/${document}/provisions/${id}/`;
export const categoriesPath = () => '/categories/';
export const categoryPath = (category: string) => `/categories/${category}/`;

export type FeedFormat = 'rss' | 'atom';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom'];

/** `/feeds/all.rss.xml`, `/feeds/<platform>.atom.xml`, `/feeds/<platform>/<document>.rss.xml`. */
export function feedPath(format: FeedFormat, platform?: string, document?: string): string {
  if (!platform) return `/feeds/all.${format}.xml`;
  return document ? `/feeds/${platform}/${document}.${format}.xml` : `/feeds/${platform}.${format}.xml`;
}

/** `/feeds/categories/<category>.rss.xml`: changes to any platform's provisions of a category. */
export const categoryFeedPath = (format: FeedFormat, category: string) => `/feeds/categories/${category}.${format}.xml`;

export const apiPlatformsPath = () => '/api/platforms.json';
export const apiPlatformPath = (platform: string) => `/api/platforms/${platform}.json`;
export const apiVersionsPath = () => '/api/versions.json';
export const apiProvisionsPath = (platform: string, document: string) => `/api/provisions/${platform}/${document}.json`;
export const dataLatestPath = () => '/data/latest.json';
export const dataTextPath = (platform: string, document: string) => `/data/latest/${platform}/${document}.md`;
export const dataChecksumsPath = () => '/data/SHA256SUMS';

/** An absolute URL on the site: `siteUrl` is the origin and base path, without a trailing slash. */
export function absoluteUrl(siteUrl: string, path: string): string {
  return `${siteUrl}${path}`;
}

/**
 * The path the site is served under (`/repo` for a GitHub Pages project site, `` at a domain's
 * root), from SITE_URL. Every link in a page goes through `href()`.
 */
export const BASE_PATH = new URL(siteUrlOf()).pathname.replace(/\/+$/, '');

export function href(path: string): string {
  return `${BASE_PATH}${path}`;
}
