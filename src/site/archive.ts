import { git } from '../history/git.ts';
import { readHistory } from '../history/log.ts';
import { CatFile } from '../history/cat-file.ts';
import { archivePath, parseVersionFile, sha256 } from '../history/version-file.ts';
import type { ChangeKind } from '../history/commit-format.ts';
import { parsePlatformSource, DOCUMENT_TYPES, documentTypeName, type PlatformSource } from '../archive/sources/index.ts';
import { readSettings, type SiteSettings } from './settings.ts';
import { documentPath, platformPath, versionPath } from './urls.ts';

/**
 * The site's one view of the archive, read once per build from git: one `git log` pass for the
 * timeline, one `git cat-file --batch` for the texts and the declarations. Everything the pages
 * show is derived here, so that components only render what they are handed.
 */

/** One recorded version of a document (one commit). */
export interface Version {
  /** `<YYYY-MM-DD>-<first 8 hex of content_sha256>`: the last segment of its permanent URL. */
  id: string;
  platform: string;
  document: string;
  platformName: string;
  /** The document type's name ("Privacy Policy"). */
  documentName: string;
  capturedAt: string;
  /** The capture day (UTC), `YYYY-MM-DD`. */
  date: string;
  commit: string;
  committedAt: string;
  contentSha256: string;
  captureSha256: string[];
  evidence: string;
  /** Where an imported version was first recorded (its Imported-From trailer); undefined for captures. */
  importedFrom: string | undefined;
  /**
   * The first capture of this archive after imported versions: part of its change may come from
   * how the two archives extract the page rather than from the platform.
   */
  afterImport: boolean;
  change: ChangeKind;
  /** One line saying what changed: the commit subject after "<Platform> <Document>: ". */
  summary: string;
  sourceUrls: string[];
  archiver: string;
  /** 1 for the first recorded version of the document. */
  number: number;
  previousId: string | undefined;
  nextId: string | undefined;
  /** The version before this one exists in git but not in this (shallow) clone. */
  previousMissing: boolean;
  /** Site path: `/platforms/<platform>/<document>/<id>/`. */
  path: string;
}

export interface ArchivedDocument {
  platform: string;
  platformName: string;
  /** The document type (`privacy-policy`): the URL segment. */
  slug: string;
  /** The document type's name ("Privacy Policy"). */
  name: string;
  /** The latest version's title. */
  title: string;
  /** Still declared in `content/platforms/<platform>.yaml` at the built commit. */
  tracked: boolean;
  /** Every version was imported (recorded by another archive first, `Imported-From:`): none was captured here. */
  imported: boolean;
  /** Oldest first. */
  versions: Version[];
  latest: Version;
  path: string;
}

export interface Platform {
  slug: string;
  name: string;
  owner: string | undefined;
  website: string | undefined;
  jurisdiction: string | undefined;
  /** A declared kind (sources schema), or `undeclared` for a platform known only from its history. */
  kind: string;
  /** Declared at the built commit (otherwise only known from its history). */
  declared: boolean;
  documents: ArchivedDocument[];
  /** Declared documents that have no version yet. */
  pending: Array<{ slug: string; name: string; urls: string[] }>;
  /** All versions of all its documents, newest first. */
  timeline: Version[];
  path: string;
}

export interface Archive {
  settings: SiteSettings;
  /** The commit the site is built from. */
  head: { commit: string; date: string } | undefined;
  shallow: boolean;
  /** Problems worth telling the reader and the builder (shallow clone, unreadable files …). */
  warnings: string[];
  platforms: Platform[];
  documents: ArchivedDocument[];
  /** Every version, newest first. */
  versions: Version[];
  /** The most recent capture time of any version. */
  lastCapturedAt: string | undefined;
  platform(slug: string): Platform | undefined;
  document(platform: string, document: string): ArchivedDocument | undefined;
  version(platform: string, document: string, id: string): Version | undefined;
  previous(version: Version): Version | undefined;
  /** A version's file: the title of its front matter and its Markdown body (read when first asked). */
  file(version: Version): Promise<{ title: string; body: string }>;
  /** The Markdown body of a version. */
  text(version: Version): Promise<string>;
  /** Ends the git process that reads texts (a build's process simply exits). */
  close(): Promise<void>;
}

export class ArchiveReadError extends Error {
  override readonly name = 'ArchiveReadError';
}

let cached: Promise<Archive> | undefined;

/** The archive named by the environment, read once per process (once per build). */
export function archive(): Promise<Archive> {
  cached ??= readArchive(readSettings()).then((result) => {
    for (const warning of result.warnings) console.warn(`[archive] ${warning}`);
    return result;
  });
  return cached;
}

/** Newest first: by capture time, then by commit order. */
function newestFirst(a: Version & { order: number }, b: Version & { order: number }): number {
  return a.capturedAt === b.capturedAt ? b.order - a.order : a.capturedAt < b.capturedAt ? 1 : -1;
}

export function shortId(capturedAt: string, contentSha256: string): string {
  return `${new Date(capturedAt).toISOString().slice(0, 10)}-${contentSha256.slice(0, 8)}`;
}

export async function readArchive(settings: SiteSettings): Promise<Archive> {
  const { archiveDir, ref } = settings;
  const warnings: string[] = [];
  let shallow: boolean;
  try {
    shallow = (await git(archiveDir, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  } catch (error) {
    throw new ArchiveReadError(`ARCHIVE_DIR=${archiveDir} is not a git repository the site can read`, { cause: error });
  }
  const headLine = (await git(archiveDir, ['log', '-1', '--format=%H %ct', ref, '--'], { okExitCodes: [128] })).trim();
  const head = headLine ? { commit: headLine.split(' ')[0]!, date: new Date(Number(headLine.split(' ')[1]) * 1000).toISOString().replace(/\.000Z$/, 'Z') } : undefined;
  const history = head ? await readHistory(archiveDir, ref, ['content/archive']) : [];
  if (shallow) {
    warnings.push(
      `${archiveDir} is a shallow clone: only ${history.length} archive commit(s) are present, so versions recorded before ` +
        `${history[0]?.date ?? 'its oldest commit'} are missing and the oldest versions shown have no diff. ` +
        'Fetch the whole history ("git fetch --unshallow"; in GitHub Actions, actions/checkout with fetch-depth: 0).',
    );
  }

  const cat = new CatFile(archiveDir);
  try {
    const declarations = head ? await readDeclarations(archiveDir, ref, cat, warnings) : new Map<string, PlatformSource>();
    const commits = history.flatMap((entry, order) => {
      const version = entry.version;
      if (!version) {
        const touched = entry.files.filter((file) => file.startsWith('content/archive/'));
        if (touched.length > 0) warnings.push(`commit ${entry.commit.slice(0, 12)} changes ${touched.join(', ')} without version trailers: ignored`);
        return [];
      }
      const file = archivePath(version.platform, version.document);
      if (!entry.files.includes(file)) {
        warnings.push(`commit ${entry.commit.slice(0, 12)} records ${version.platform}/${version.document} but does not touch ${file}: ignored`);
        return [];
      }
      return [{ entry, version, order }];
    });

    // Texts are read when a page needs them: an incremental build reuses most pages and
    // needs few. The latest version of each document is read now, for its title.
    const files = new Map<string, Promise<{ title: string; body: string }>>();
    let reader: CatFile | undefined;
    const readFile = (version: Version): Promise<{ title: string; body: string }> => {
      let found = files.get(version.commit);
      if (!found) {
        const file = archivePath(version.platform, version.document);
        const where = `${file} at ${version.commit.slice(0, 12)}`;
        reader ??= new CatFile(archiveDir);
        found = reader.text(`${version.commit}:${file}`).then((raw) => {
          if (raw === undefined) throw new ArchiveReadError(`${where} is missing`);
          const parsed = parseVersionFile(raw, where);
          const hash = sha256(parsed.body);
          if (hash !== version.contentSha256) console.warn(`[archive] ${where}: text hashes to ${hash}, its Content-Sha256 trailer says ${version.contentSha256} (run npm run verify)`);
          return { title: parsed.title, body: parsed.body };
        });
        files.set(version.commit, found);
      }
      return found;
    };

    const byDocument = new Map<string, Array<Version & { order: number }>>();
    for (const { entry, version, order } of commits) {
      const key = `${version.platform}/${version.document}`;
      const list = byDocument.get(key) ?? [];
      const declared = declarations.get(version.platform);
      const documentName = documentTypeName(version.document);
      let id = shortId(version.capturedAt, version.contentSha256);
      // Two versions of one document with the same text on the same day (a flap back within a
      // day): the later one keeps the date-hash form, suffixed, so that both stay addressable.
      for (let n = 2; list.some((v) => v.id === id); n++) id = `${shortId(version.capturedAt, version.contentSha256)}-${n}`;
      if (id.length > 19) warnings.push(`${key}: two versions share the id ${id.slice(0, 19)}; the later one is ${id}`);
      const previous = list.at(-1);
      list.push({
        id,
        platform: version.platform,
        document: version.document,
        platformName: declared?.name ?? platformNameFromHeading(version.heading, documentName) ?? version.platform,
        documentName,
        capturedAt: version.capturedAt,
        date: new Date(version.capturedAt).toISOString().slice(0, 10),
        commit: entry.commit,
        committedAt: entry.date,
        contentSha256: version.contentSha256,
        captureSha256: version.captureSha256,
        evidence: version.evidence,
        importedFrom: version.importedFrom,
        afterImport: previous?.importedFrom !== undefined && version.importedFrom === undefined && version.change !== 'technical',
        change: version.change,
        summary: version.summary,
        sourceUrls: version.sourceUrls,
        archiver: version.archiver,
        number: list.length + 1,
        previousId: previous?.id,
        nextId: undefined,
        previousMissing: !previous && version.change !== 'initial' && shallow,
        path: versionPath(version.platform, version.document, id),
        order,
      });
      if (previous) previous.nextId = id;
      byDocument.set(key, list);
    }

    const titles = new Map<string, string>();
    await Promise.all(
      [...byDocument.entries()].map(async ([key, list]) => {
        try {
          titles.set(key, (await readFile(list.at(-1)!)).title);
        } catch (error) {
          warnings.push(`${(error as Error).message}: the document's title is its type's name`);
        }
      }),
    );

    const platformSlugs = [...new Set([...declarations.keys(), ...[...byDocument.values()].map((list) => list[0]!.platform)])];
    const platforms: Platform[] = platformSlugs.map((slug) => {
      const declared = declarations.get(slug);
      const documents = [...byDocument.entries()]
        .filter(([key]) => key.startsWith(`${slug}/`))
        .map(([, list]): ArchivedDocument => {
          const latest = list.at(-1)!;
          return {
            platform: slug,
            platformName: declared?.name ?? latest.platformName,
            slug: latest.document,
            name: latest.documentName,
            title: titles.get(`${slug}/${latest.document}`) ?? latest.documentName,
            tracked: Boolean(declared?.documents[latest.document as keyof typeof DOCUMENT_TYPES]),
            imported: list.every((version) => version.importedFrom !== undefined),
            versions: list,
            latest,
            path: documentPath(slug, latest.document),
          };
        })
        .sort((a, b) => documentOrder(a.slug) - documentOrder(b.slug) || a.slug.localeCompare(b.slug));
      const present = new Set(documents.map((d) => d.slug));
      return {
        slug,
        name: declared?.name ?? documents[0]?.platformName ?? slug,
        owner: declared?.owner,
        website: declared?.website,
        jurisdiction: declared?.jurisdiction,
        // Known only from its history: nothing says what it is (the label says so, rather than "other").
        kind: declared?.kind ?? 'undeclared',
        declared: Boolean(declared),
        documents,
        pending: Object.entries(declared?.documents ?? {})
          .filter(([type]) => !present.has(type))
          .map(([type, source]) => ({ slug: type, name: DOCUMENT_TYPES[type as keyof typeof DOCUMENT_TYPES], urls: source!.url })),
        timeline: documents.flatMap((d) => d.versions as Array<Version & { order: number }>).sort(newestFirst),
        path: platformPath(slug),
      };
    }).sort((a, b) => a.name.localeCompare(b.name, 'en') || a.slug.localeCompare(b.slug));

    const documents = platforms.flatMap((p) => p.documents);
    const versions = documents.flatMap((d) => d.versions as Array<Version & { order: number }>).sort(newestFirst);
    const platformIndex = new Map(platforms.map((p) => [p.slug, p]));
    const documentIndex = new Map(documents.map((d) => [`${d.platform}/${d.slug}`, d]));
    const versionIndex = new Map(versions.map((v) => [`${v.platform}/${v.document}/${v.id}`, v]));
    return {
      settings,
      head,
      shallow,
      warnings,
      platforms,
      documents,
      versions,
      lastCapturedAt: versions.reduce<string | undefined>((max, v) => (max === undefined || v.capturedAt > max ? v.capturedAt : max), undefined),
      platform: (slug) => platformIndex.get(slug),
      document: (platform, document) => documentIndex.get(`${platform}/${document}`),
      version: (platform, document, id) => versionIndex.get(`${platform}/${document}/${id}`),
      previous: (version) => (version.previousId ? versionIndex.get(`${version.platform}/${version.document}/${version.previousId}`) : undefined),
      file: readFile,
      text: async (version) => (await readFile(version)).body,
      close: async () => {
        await reader?.close();
        reader = undefined;
      },
    };
  } finally {
    await cat.close();
  }
}

/** The declarations at the built commit, read from git (not the working tree), by platform slug. */
async function readDeclarations(archiveDir: string, ref: string, cat: CatFile, warnings: string[]): Promise<Map<string, PlatformSource>> {
  const listing = await git(archiveDir, ['ls-tree', '-z', '--name-only', `${ref}:content/platforms`], { okExitCodes: [128] });
  const names = listing.split('\0').filter((name) => /^[a-z0-9-]+\.ya?ml$/.test(name)).sort();
  const declarations = new Map<string, PlatformSource>();
  const texts = names.map((name) => cat.text(`${ref}:content/platforms/${name}`));
  for (const [index, name] of names.entries()) {
    const text = await texts[index];
    if (text === undefined) continue;
    try {
      declarations.set(name.replace(/\.ya?ml$/, ''), parsePlatformSource(`content/platforms/${name}`, text));
    } catch (error) {
      warnings.push(`${(error as Error).message} (the platform is shown with what its history says)`);
    }
  }
  return declarations;
}

/** "Chirpy Privacy Policy" with document "Privacy Policy" → "Chirpy", for platforms no longer declared. */
function platformNameFromHeading(heading: string, documentName: string): string | undefined {
  return heading.endsWith(` ${documentName}`) ? heading.slice(0, -documentName.length - 1) : undefined;
}

const DOCUMENT_ORDER = Object.keys(DOCUMENT_TYPES);
function documentOrder(slug: string): number {
  const index = DOCUMENT_ORDER.indexOf(slug);
  return index < 0 ? DOCUMENT_ORDER.length : index;
}
