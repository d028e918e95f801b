import type { Archive, ArchivedDocument, Platform, Version } from './archive.ts';
import { ARCHIVE_NAME } from './citation.ts';
import { formatDate, kindLabel, plural } from './labels.ts';
import type { ShareCard } from './share-image.ts';
import { sha256 } from '../history/version-file.ts';

/** What each share image says, and where it lives: `/og/<platform>.png`, `/og/<platform>/<document>.png`, `/og/<platform>/<document>/<version>.png`. */

export const platformImagePath = (platform: string) => `/og/${platform}.png`;
export const documentImagePath = (platform: string, document: string) => `/og/${platform}/${document}.png`;
export const versionImagePath = (version: Version) => `/og/${version.platform}/${version.document}/${version.id}.png`;

export interface ShareImageRoute {
  /** The image's path without `/og/` and `.png`: the route's rest parameter. */
  slug: string;
  card: ShareCard;
  /** Changes when the card does (the incremental build redraws only those). */
  cacheKey: string;
}

function route(path: string, card: ShareCard): ShareImageRoute {
  return { slug: path.slice('/og/'.length, -'.png'.length), card, cacheKey: sha256(JSON.stringify(card)) };
}

export function platformCard(platform: Platform): ShareCard {
  return { eyebrow: `${ARCHIVE_NAME} · ${kindLabel(platform.kind)}`, title: platform.name, lines: [plural(platform.documents.length, 'document') + ' tracked', platform.timeline[0] ? `Latest change ${formatDate(platform.timeline[0].capturedAt)}` : 'No version yet'] };
}

export function documentCard(document: ArchivedDocument): ShareCard {
  return { eyebrow: `${ARCHIVE_NAME} · ${document.name}`, title: `${document.platformName} ${document.name}`, lines: [`${plural(document.versions.length, 'version')} since ${formatDate(document.versions[0]!.capturedAt)}`, `Latest captured ${formatDate(document.latest.capturedAt)}`] };
}

export function versionCard(version: Version): ShareCard {
  return { eyebrow: `${ARCHIVE_NAME} · ${version.documentName}`, title: `${version.platformName} ${version.documentName}`, lines: [`As captured on ${formatDate(version.capturedAt)}`, version.summary] };
}

/**
 * Whether each version gets its own image (the default). They are most of a cold build's time
 * (a few thousand PNGs, ~5 ms each, kept by the incremental build afterwards);
 * SITE_VERSION_IMAGES=0 gives version pages their document's image instead.
 */
export function versionImagesEnabled(): boolean {
  return process.env.SITE_VERSION_IMAGES !== '0';
}

/** The share image of a version page. */
export function versionPageImage(version: Version): string {
  return versionImagesEnabled() ? versionImagePath(version) : documentImagePath(version.platform, version.document);
}

export function shareImageRoutes(archive: Archive): ShareImageRoute[] {
  return [
    ...archive.platforms.map((platform) => route(platformImagePath(platform.slug), platformCard(platform))),
    ...archive.documents.map((document) => route(documentImagePath(document.platform, document.slug), documentCard(document))),
    ...(versionImagesEnabled() ? archive.versions.map((version) => route(versionImagePath(version), versionCard(version))) : []),
  ];
}
