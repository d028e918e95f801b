import type { Archive, ArchivedDocument, Platform, Version } from './archive.ts';
import { citationOf, type Citation } from './citation.ts';
import { renderDiff, type RenderedDiff } from './diff.ts';
import { renderMarkdown, type RenderedText } from './markdown.ts';
import { commitUrl } from './settings.ts';
import { sha256 } from '../history/version-file.ts';
import { absoluteUrl, feedPath } from './urls.ts';

/**
 * What each kind of page shows, computed here once so that pages and components only render it.
 */

export interface FeedRef {
  title: string;
  rss: string;
  atom: string;
}

export function feedRef(title: string, platform?: string, document?: string): FeedRef {
  return { title, rss: feedPath('rss', platform, document), atom: feedPath('atom', platform, document) };
}

export function renderText(archive: Archive, version: Version): RenderedText {
  return renderMarkdown(archive.text(version), { base: version.sourceUrls.find((url) => /^https?:/i.test(url)) });
}

export interface VersionPage {
  version: Version;
  document: ArchivedDocument;
  platform: Platform;
  previous: Version | undefined;
  next: Version | undefined;
  text: RenderedText;
  diff: RenderedDiff | undefined;
  citation: Citation;
}

export function versionPage(archive: Archive, version: Version): VersionPage {
  const platform = archive.platform(version.platform)!;
  const document = archive.document(version.platform, version.document)!;
  const previous = archive.previous(version);
  const next = version.nextId ? archive.version(version.platform, version.document, version.nextId) : undefined;
  return {
    version,
    document,
    platform,
    previous,
    next,
    text: renderText(archive, version),
    diff: previous ? renderDiff(archive.text(previous), archive.text(version), `${version.document}.md`) : undefined,
    citation: citationOf(version, {
      permalink: absoluteUrl(archive.settings.siteUrl, version.path),
      commitUrl: commitUrl(archive.settings.repositoryUrl, version.commit),
      owner: platform.owner,
    }),
  };
}

/**
 * What a version page depends on besides the code: the version itself (immutable), its
 * neighbours' ids (a new version adds a "next" link to the one before), and the settings that
 * appear in it. Astro's incremental build skips the page while this stays the same and the
 * code it is built from (which Astro hashes itself) does not change.
 */
export function versionCacheKey(archive: Archive, version: Version): string {
  const platform = archive.platform(version.platform);
  return sha256(
    JSON.stringify([
      version,
      platform?.name,
      platform?.owner,
      archive.settings.siteUrl,
      archive.settings.repositoryUrl,
      archive.shallow,
    ]),
  );
}

/** When the archive was last checked: set by the deploy workflow from the capture run, else the latest capture. */
export function lastChecked(archive: Archive): { at: string; exact: boolean } | undefined {
  const checked = process.env.ARCHIVE_CHECKED_AT;
  if (checked && !Number.isNaN(Date.parse(checked))) return { at: new Date(checked).toISOString().replace(/\.000Z$/, 'Z'), exact: true };
  return archive.lastCapturedAt ? { at: archive.lastCapturedAt, exact: false } : undefined;
}
