import type { Archive, ArchivedDocument, Platform, Version } from './archive.ts';
import type { DocumentAnalysis } from './analysis.ts';
import { lastText, provisionSteps } from './provisions.ts';
import { ARCHIVE_NAME } from './citation.ts';
import { commitUrl } from './settings.ts';
import { absoluteUrl, apiPlatformPath, apiProvisionsPath, categoryPath, dataChecksumsPath, dataLatestPath, dataTextPath, feedPath, provisionPath } from './urls.ts';

/**
 * The open data: a static JSON API (platforms, documents, versions) and a dataset of the latest
 * texts with SHA-256 checksums. Every file carries the licence and the attribution it needs.
 */

export const DATA_LICENSE = {
  code: 'The software that builds this archive is free software under the GNU Affero General Public License v3.0 or later (AGPL-3.0-or-later).',
  texts:
    'The archived documents are the platforms’ own texts: their rights stay with their authors. They are recorded and republished unchanged for public-interest research, journalism and accountability.',
  importedData:
    'Versions imported from Open Terms Archive are available under the Open Data Commons Attribution License 1.0 (ODC-BY 1.0, https://opendatacommons.org/licenses/by/1-0/); attribution: “Open Terms Archive contributors”.',
  affiliation: `${ARCHIVE_NAME} is not affiliated with any platform it archives.`,
} as const;

function versionRecord(archive: Archive, version: Version) {
  const site = archive.settings.siteUrl;
  return {
    platform: version.platform,
    document: version.document,
    id: version.id,
    number: version.number,
    capturedAt: version.capturedAt,
    committedAt: version.committedAt,
    change: version.change,
    summary: version.summary,
    commit: version.commit,
    commitUrl: commitUrl(archive.settings.repositoryUrl, version.commit) ?? null,
    contentSha256: version.contentSha256,
    captureSha256: version.captureSha256,
    evidence: version.evidence,
    importedFrom: version.importedFrom ?? null,
    sourceUrls: version.sourceUrls,
    previous: version.previousId ?? null,
    url: absoluteUrl(site, version.path),
    file: `content/archive/${version.platform}/${version.document}.md`,
  };
}

function documentRecord(archive: Archive, document: ArchivedDocument) {
  const site = archive.settings.siteUrl;
  return {
    platform: document.platform,
    document: document.slug,
    name: document.name,
    title: document.title,
    tracked: document.tracked,
    imported: document.imported,
    url: absoluteUrl(site, document.path),
    feeds: { rss: absoluteUrl(site, feedPath('rss', document.platform, document.slug)), atom: absoluteUrl(site, feedPath('atom', document.platform, document.slug)) },
    provisions: absoluteUrl(site, apiProvisionsPath(document.platform, document.slug)),
    versionCount: document.versions.length,
    firstCapturedAt: document.versions[0]!.capturedAt,
    latest: versionRecord(archive, document.latest),
  };
}

function platformRecord(archive: Archive, platform: Platform) {
  const site = archive.settings.siteUrl;
  return {
    platform: platform.slug,
    name: platform.name,
    owner: platform.owner ?? null,
    website: platform.website ?? null,
    jurisdiction: platform.jurisdiction ?? null,
    kind: platform.kind,
    declared: platform.declared,
    url: absoluteUrl(site, platform.path),
    api: absoluteUrl(site, apiPlatformPath(platform.slug)),
    documents: platform.documents.map((document) => documentRecord(archive, document)),
  };
}

function envelope(archive: Archive) {
  return {
    archive: ARCHIVE_NAME,
    site: archive.settings.siteUrl,
    builtFromCommit: archive.head?.commit ?? null,
    license: DATA_LICENSE,
  };
}

export function platformsJson(archive: Archive): string {
  return `${JSON.stringify({ ...envelope(archive), platforms: archive.platforms.map((platform) => platformRecord(archive, platform)) }, null, 2)}\n`;
}

export function platformJson(archive: Archive, platform: Platform): string {
  // No build commit here: the file changes only when the platform's versions do.
  const { builtFromCommit: _commit, ...common } = envelope(archive);
  return `${JSON.stringify(
    {
      ...common,
      ...platformRecord(archive, platform),
      versions: [...platform.timeline].map((version) => versionRecord(archive, version)),
    },
    null,
    2,
  )}\n`;
}

/** Every version, oldest first (a stable order that only ever grows at the end, per document). */
export function versionsJson(archive: Archive): string {
  return `${JSON.stringify({ ...envelope(archive), versions: [...archive.versions].reverse().map((version) => versionRecord(archive, version)) }, null, 2)}\n`;
}

/**
 * A document's provisions as data: each one's id, label, topics (with the rules that matched, so a
 * reader can see why), its last text, and what happened to it version by version (each state's
 * address: where it starts in that version's page, or the version that removed it); and each
 * version's change provision by provision. Texts of earlier states are in the versions (git).
 */
export function provisionsJson(archive: Archive, document: ArchivedDocument, analysis: DocumentAnalysis): string {
  const site = archive.settings.siteUrl;
  const { builtFromCommit: _commit, ...common } = envelope(archive);
  const versionOf = (index: number) => document.versions[index]!;
  return `${JSON.stringify(
    {
      ...common,
      platform: document.platform,
      document: document.slug,
      name: document.name,
      url: absoluteUrl(site, document.path),
      provisions: analysis.provisions.map((record) => ({
        id: record.id,
        label: record.label,
        kind: record.kind,
        current: record.current,
        headingPath: record.headingPath,
        url: absoluteUrl(site, provisionPath(document.platform, document.slug, record.id)),
        topics: record.categories.map((match) => ({
          category: match.category,
          url: absoluteUrl(site, categoryPath(match.category)),
          score: match.score,
          matched: match.matched.map(({ rule, weight, where, excerpt }) => ({ rule, weight, where, excerpt })),
        })),
        text: lastText(record),
        history: provisionSteps(record).map(({ step, what }) => {
          const version = versionOf(step.version);
          const words = what === 'changed' ? analysis.versions[step.version]?.change?.modified.find((m) => m.id === record.id) : undefined;
          return {
            version: version.id,
            capturedAt: version.capturedAt,
            url: absoluteUrl(site, version.path) + (what === 'removed' ? '' : `#provision-${record.id}`),
            what,
            heading: step.heading,
            ...(words ? { wordsAdded: words.wordsAdded, wordsRemoved: words.wordsRemoved } : {}),
          };
        }),
      })),
      versions: document.versions.map((version, index) => ({
        id: version.id,
        capturedAt: version.capturedAt,
        url: absoluteUrl(site, version.path),
        provisions: analysis.versions[index]?.ids ?? [],
        change: analysis.versions[index]?.change ?? null,
      })),
    },
    null,
    2,
  )}\n`;
}

/** The latest text of every document with its metadata. */
export async function latestJson(archive: Archive): Promise<string> {
  const site = archive.settings.siteUrl;
  const texts = await Promise.all(archive.documents.map((document) => archive.text(document.latest)));
  return `${JSON.stringify(
    {
      ...envelope(archive),
      checksums: absoluteUrl(site, dataChecksumsPath()),
      documents: archive.documents.map((document, index) => ({
        ...versionRecord(archive, document.latest),
        platformName: document.platformName,
        documentName: document.name,
        title: document.title,
        textFile: absoluteUrl(site, dataTextPath(document.platform, document.slug)),
        text: texts[index],
      })),
    },
    null,
    2,
  )}\n`;
}

/**
 * `sha256sum -c SHA256SUMS` in a folder holding the downloaded files checks them: each text's
 * checksum is its version's Content-Sha256, so it also checks the text against the archive.
 */
export function checksums(archive: Archive, latestJsonText: string, sha256: (text: string) => string): string {
  const lines = archive.documents.map((document) => `${document.latest.contentSha256}  ${dataTextPath(document.platform, document.slug).replace(/^\/data\//, '')}`);
  lines.push(`${sha256(latestJsonText)}  ${dataLatestPath().replace(/^\/data\//, '')}`);
  return `${lines.join('\n')}\n`;
}
