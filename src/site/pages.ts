import type { Archive, ArchivedDocument, Platform, Version } from './archive.ts';
import { citationOf, type Citation } from './citation.ts';
import { renderDiff, type RenderedDiff } from './diff.ts';
import { renderMarkdown, type RenderedText } from './markdown.ts';
import { commitUrl } from './settings.ts';
import { versionImagesEnabled } from './share-cards.ts';
import { sha256 } from '../history/version-file.ts';
import { absoluteUrl, feedPath, href, provisionPath } from './urls.ts';

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

/**
 * A version's text; when the ids of its provisions are given (in order), each provision anchored
 * `#provision-<id>` where it starts, and each section's heading linked to its history.
 */
export async function renderText(archive: Archive, version: Version, provisions: readonly string[] = []): Promise<RenderedText> {
  return renderMarkdown(await archive.text(version), {
    base: version.sourceUrls.find((url) => /^https?:/i.test(url)),
    ...(provisions.length ? { provisions: provisions.map((id) => ({ id, href: href(provisionPath(version.platform, version.document, id)) })) } : {}),
  });
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

export async function versionPage(archive: Archive, version: Version, provisions: readonly string[] = []): Promise<VersionPage> {
  const platform = archive.platform(version.platform)!;
  const document = archive.document(version.platform, version.document)!;
  const previous = archive.previous(version);
  const next = version.nextId ? archive.version(version.platform, version.document, version.nextId) : undefined;
  const [file, text, diff] = await Promise.all([
    archive.file(version),
    renderText(archive, version, provisions),
    previous ? Promise.all([archive.text(previous), archive.text(version)]).then(([before, after]) => renderDiff(before, after, `${version.document}.md`)) : undefined,
  ]);
  return {
    version,
    document,
    platform,
    previous,
    next,
    text,
    diff,
    citation: citationIn(archive, version, file.title),
  };
}

/** A version's citation with this archive's settings; a provision's is at its anchor in the version's page. */
function citationIn(archive: Archive, version: Version, title: string, provision?: { id: string; label: string }): Citation {
  const permalink = absoluteUrl(archive.settings.siteUrl, version.path);
  return citationOf(version, {
    permalink: provision ? `${permalink}#provision-${provision.id}` : permalink,
    commitUrl: commitUrl(archive.settings.repositoryUrl, version.commit),
    owner: archive.platform(version.platform)?.owner,
    title,
    ...(provision ? { provision } : {}),
  });
}

/**
 * How to cite a provision: as the last version that has it words it (the latest, while it is
 * current), at its anchor in that version's page.
 */
export async function provisionCitation(archive: Archive, version: Version, provision: { id: string; label: string }): Promise<Citation> {
  const document = archive.document(version.platform, version.document)!;
  const title = version.id === document.latest.id ? document.title : (await archive.file(version)).title;
  return citationIn(archive, version, title, provision);
}

/**
 * The incremental build's key for a page rendered from `data` alone (plus the settings every
 * page shows): the page is rebuilt when any of it changes, and reused otherwise.
 */
export function pageKey(archive: Archive, ...data: unknown[]): string {
  return sha256(JSON.stringify([archive.settings.siteUrl, archive.settings.repositoryUrl, archive.shallow, ...data]));
}

/**
 * What a version page depends on besides the code: the version itself (immutable), its
 * neighbours' ids (a new version adds a "next" link to the one before), and the settings that
 * appear in it. Astro's incremental build skips the page while this stays the same and the
 * code it is built from (which Astro hashes itself) does not change.
 */
export function versionCacheKey(archive: Archive, version: Version, change?: unknown): string {
  const platform = archive.platform(version.platform);
  return sha256(
    JSON.stringify([
      version,
      platform?.name,
      platform?.owner,
      archive.settings.siteUrl,
      archive.settings.repositoryUrl,
      archive.shallow,
      versionImagesEnabled(),
      change,
    ]),
  );
}

/** When the archive was last checked: set by the deploy workflow from the capture run, else the latest capture. */
export function lastChecked(archive: Archive): { at: string; exact: boolean } | undefined {
  const checked = process.env.ARCHIVE_CHECKED_AT;
  if (checked && !Number.isNaN(Date.parse(checked))) return { at: new Date(checked).toISOString().replace(/\.000Z$/, 'Z'), exact: true };
  return archive.lastCapturedAt ? { at: archive.lastCapturedAt, exact: false } : undefined;
}
