import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { normalizeMarkdown } from '../normalize/index.ts';
import { guardVersion, type GuardReason } from '../guard/index.ts';
import { ArchiveWriter } from '../record/index.ts';
import { DOCUMENT_TYPES, SLUG, documentTypeName, loadSources, type PlatformSource } from '../sources/index.ts';
import type { ChangeKind } from '../../history/commit-format.ts';
import { sha256 } from '../../history/version-file.ts';
import { isFlap, type HoldReason, type RecentVersion } from '../held.ts';

/**
 * Imports an existing history laid out as `<platform>/<document>/<timestamp>.md` (timestamps
 * `YYYY-MM-DDTHH-MM-SSZ`, optionally `-2`, `-3`… for versions within the same second) through
 * the same normalize → guard → record path as a capture, one commit per version at its
 * original date, all documents interleaved in date order.
 */
export interface ImportedFile {
  /** Where the version goes in the archive (the folder's names, unless `as` maps them elsewhere). */
  platform: string;
  document: string;
  /** The folder's own names for it. */
  from: { platform: string; document: string };
  file: string;
  date: string;
  /** Position among same-second versions of one document. */
  sequence: number;
}

export interface ImportOptions {
  archiveDir: string;
  folder: string;
  /** Only these platforms of the folder (its own names). */
  platforms?: string[];
  /**
   * Where the folder's platforms or documents go when the archive names them otherwise:
   * `claude-ai` → `claude` (every document of it), `microsoft-copilot/terms-of-service` →
   * `copilot/ai-terms` (one document; wins over its platform's mapping).
   */
  as?: Record<string, string>;
  onProgress?: (done: number, total: number, item: ImportedFile, outcome: ImportOutcome) => void;
}

export type ImportOutcome =
  | { status: 'recorded'; change: ChangeKind }
  | { status: 'unchanged' }
  | { status: 'already-imported' }
  | { status: 'refused'; reason: GuardReason; detail: string }
  | { status: 'held'; reason: HoldReason; detail: string };

export interface ImportReport {
  files: number;
  documents: number;
  recorded: Record<ChangeKind, number>;
  unchanged: number;
  /** Files dated at or before the document's latest version in the archive: an import resumes. */
  alreadyImported: number;
  refused: Array<{ file: string; reason: GuardReason; detail: string }>;
  /**
   * Suspicious versions (docs/decisions/0006) replayed: a shrink or collapse is recorded when the
   * next version does not return to the text before it (`confirmed`), dropped when it does
   * (`dropped`), and left held when it is the last one (`stillHeld`); a flap is dropped.
   */
  held: { confirmed: number; dropped: number; stillHeld: number; flaps: number; examples: Array<{ file: string; reason: HoldReason; detail: string }> };
}

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:-(\d+))?\.md$/;

export async function listHistory(folder: string, platforms: string[] = []): Promise<ImportedFile[]> {
  const files: ImportedFile[] = [];
  const entries = await readdir(folder, { withFileTypes: true }).catch((error) => {
    throw new ImportError(`cannot read the import folder ${folder}: ${(error as Error).message}`, { cause: error });
  });
  for (const platformEntry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const platform = platformEntry.name;
    if (platforms.length > 0 && !platforms.includes(platform)) continue;
    if (!SLUG.test(platform)) throw new ImportError(`${path.join(folder, platform)}: "${platform}" is not a platform slug (a-z, 0-9, hyphens)`);
    const documents = (await readdir(path.join(folder, platform), { withFileTypes: true })).filter((e) => e.isDirectory());
    for (const documentEntry of documents) {
      const document = documentEntry.name;
      if (!SLUG.test(document)) throw new ImportError(`${path.join(folder, platform, document)}: "${document}" is not a document slug`);
      for (const name of await readdir(path.join(folder, platform, document))) {
        if (!name.endsWith('.md')) continue;
        const match = TIMESTAMP.exec(name);
        if (!match) throw new ImportError(`${path.join(folder, platform, document, name)}: file name is not a timestamp like 2024-05-01T12-00-00Z.md`);
        files.push({
          platform,
          document,
          from: { platform, document },
          file: path.join(folder, platform, document, name),
          date: `${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`,
          sequence: Number(match[5] ?? 1),
        });
      }
    }
  }
  // Chronological across documents, so the archive's history reads like it was captured live.
  return files.sort((a, b) => a.date.localeCompare(b.date) || a.platform.localeCompare(b.platform) || a.document.localeCompare(b.document) || a.sequence - b.sequence);
}

/**
 * Where each version of a document was first recorded, by file name, from a `versions.json` beside
 * its files (the layout of Open Terms Archive exports: `{ file, source_repo, source_commit }` per
 * version): the original commit's page on GitHub. Versions it does not place, or a folder without
 * one, are known by their path in the folder imported.
 */
export async function originsOf(folder: string, platform: string, document: string): Promise<Map<string, string>> {
  const file = path.join(folder, platform, document, 'versions.json');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ImportError(`cannot read ${file}: ${error.message}`, { cause: error });
  });
  const origins = new Map<string, string>();
  if (text === undefined) return origins;
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(entries)) throw new ImportError(`${file}: expected an array of versions`);
  for (const entry of entries as Array<Record<string, unknown>>) {
    const { file: name, source_repo: repo, source_commit: commit } = entry ?? {};
    if (typeof name === 'string' && typeof repo === 'string' && typeof commit === 'string' && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) && /^[0-9a-f]{40}$/.test(commit)) {
      origins.set(name, `https://github.com/${repo}/commit/${commit}`);
    }
  }
  return origins;
}

/**
 * Moves the listed files to the archive's names for them (`ImportOptions.as`). Refuses a mapping
 * that names nothing in the folder, a target that is not a slug, and two of the folder's documents
 * going to one archive document (their versions would interleave as one history).
 */
export function mapHistory(files: ImportedFile[], as: Record<string, string>, folder: string): ImportedFile[] {
  const shape = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)?$/;
  for (const [from, to] of Object.entries(as)) {
    if (!shape.test(from) || !shape.test(to) || from.includes('/') !== to.includes('/')) {
      throw new ImportError(`--as ${from}=${to}: map a platform to a platform (a-z, 0-9, hyphens) or a platform/document to a platform/document`);
    }
    const found = files.some((file) => (from.includes('/') ? `${file.from.platform}/${file.from.document}` === from : file.from.platform === from));
    if (!found) throw new ImportError(`--as ${from}=${to}: ${folder} has no ${from.includes('/') ? 'document' : 'platform'} "${from}"`);
  }
  const mapped = files.map((file) => {
    const own = as[`${file.from.platform}/${file.from.document}`];
    const [platform, document] = own ? own.split('/') : [as[file.from.platform] ?? file.from.platform, file.from.document];
    return { ...file, platform: platform!, document: document! };
  });
  const sources = new Map<string, string>();
  for (const file of mapped) {
    const target = `${file.platform}/${file.document}`;
    const source = `${file.from.platform}/${file.from.document}`;
    const other = sources.get(target);
    if (other && other !== source) throw new ImportError(`${other} and ${source} would both become ${target}: map one of them elsewhere (--as)`);
    sources.set(target, source);
  }
  return mapped;
}

function titleCase(slug: string): string {
  return slug.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

/** Names and URLs: from the archive's own declarations when it has them, else from the folder. */
async function describe(folder: string, item: ImportedFile, declared: Map<string, PlatformSource>) {
  const { platform, document } = item;
  const source = declared.get(platform);
  const documentName = documentTypeName(document);
  if (source) {
    const entry = source.documents[document as keyof typeof DOCUMENT_TYPES];
    return { platformName: source.name, documentName, title: entry?.title ?? documentName, urls: entry?.url ?? [`urn:import:${platform}/${document}`] };
  }
  // A `declaration.json` beside the history (Open Terms Archive's layout) may name the service.
  const declaration = await readFile(path.join(folder, item.from.platform, 'declaration.json'), 'utf8').then(JSON.parse, () => undefined) as
    | { name?: string; terms?: Record<string, { fetch?: string; combine?: Array<{ fetch?: string }> }> }
    | undefined;
  const terms = Object.entries(declaration?.terms ?? {}).find(([type]) => type.toLowerCase().replace(/[^a-z0-9]+/g, '-') === item.from.document)?.[1];
  const urls = terms?.fetch ? [terms.fetch] : (terms?.combine?.map((page) => page.fetch).filter((u): u is string => Boolean(u)) ?? []);
  return {
    platformName: declaration?.name ?? titleCase(platform),
    documentName,
    title: documentName,
    urls: urls.length > 0 ? urls : [`urn:import:${platform}/${document}`],
  };
}

export async function importHistory(options: ImportOptions): Promise<ImportReport> {
  const archiveDir = path.resolve(options.archiveDir);
  const folder = path.resolve(options.folder);
  const files = mapHistory(await listHistory(folder, options.platforms), options.as ?? {}, folder);
  // An imported file by its path in the folder: its evidence URL, and its origin when none is known.
  const inFolder = (file: string) => path.relative(folder, file).split(path.sep).join('/');
  const declaredDir = path.join(archiveDir, 'content', 'platforms');
  const declared = await loadSources(declaredDir).then((loaded) => loaded.platforms, () => new Map<string, PlatformSource>());
  const writer = await ArchiveWriter.open(archiveDir);
  const report: ImportReport = { files: files.length, documents: 0, recorded: { initial: 0, substantive: 0, editorial: 0, technical: 0 }, unchanged: 0, alreadyImported: 0, refused: [], held: { confirmed: 0, dropped: 0, stillHeld: 0, flaps: 0, examples: [] } };
  try {
    const descriptions = new Map<string, Awaited<ReturnType<typeof describe>>>();
    const origins = new Map<string, Map<string, string>>();
    // Latest capture time of each document before this import: what is older is already there.
    const startedAt = new Map<string, string | undefined>();
    const pending = new Map<string, { item: ImportedFile; markdown: string; bytes: Buffer }>();
    const recent = new Map<string, RecentVersion[]>();
    let done = 0;
    for (const item of files) {
      const key = `${item.platform}/${item.document}`;
      let info = descriptions.get(key);
      if (!info) {
        info = await describe(folder, item, declared);
        descriptions.set(key, info);
        origins.set(key, await originsOf(folder, item.from.platform, item.from.document));
      }
      const originOf = (at: ImportedFile) => origins.get(key)!.get(path.basename(at.file)) ?? inFolder(at.file);
      if (!startedAt.has(key)) startedAt.set(key, (await writer.latest(item.platform, item.document))?.capturedAt);
      const before = startedAt.get(key);
      if (before && Date.parse(before) >= Date.parse(item.date)) {
        report.alreadyImported++;
        options.onProgress?.(++done, files.length, item, { status: 'already-imported' });
        continue;
      }
      const bytes = await readFile(item.file);
      const markdown = normalizeMarkdown(bytes.toString('utf8'));
      const evidenceOf = (file: string, data: Buffer, date: string) => [{ url: inFolder(file), mediaType: 'text/markdown', fetchedAt: date, bytes: data }];
      const record = async (at: ImportedFile, text: string, data: Buffer) => {
        const result = await writer.record({
          platform: at.platform,
          document: at.document,
          heading: `${info.platformName} ${info.documentName}`,
          title: info.title,
          sourceUrls: info.urls,
          capturedAt: at.date,
          markdown: text,
          // The imported file is the only raw material there is: it is the evidence.
          evidence: evidenceOf(at.file, data, at.date),
          importedFrom: originOf(at),
        });
        if (result.status === 'recorded') {
          report.recorded[result.change]++;
          recent.set(key, [...(recent.get(key) ?? []), { sha256: sha256(text), capturedAt: at.date }]);
        } else report.unchanged++;
        return result;
      };
      // A held shrink is settled by the version after it.
      const waiting = pending.get(key);
      if (waiting) {
        pending.delete(key);
        const latest = await writer.latest(item.platform, item.document);
        if (latest && markdown === latest.body) report.held.dropped++;
        else {
          report.held.confirmed++;
          await record(waiting.item, waiting.markdown, waiting.bytes);
        }
      }
      const latest = await writer.latest(item.platform, item.document);
      const verdict = guardVersion({ markdown, ...(latest ? { previous: latest.body } : {}) });
      const flap = latest && markdown !== latest.body ? isFlap(sha256(markdown), recent.get(key) ?? [], new Date(item.date)) : undefined;
      let outcome: ImportOutcome;
      if (verdict.verdict === 'refuse') {
        outcome = { status: 'refused', reason: verdict.reason, detail: verdict.detail };
        report.refused.push({ file: item.file, reason: verdict.reason, detail: verdict.detail });
      } else if (verdict.verdict === 'quarantine') {
        pending.set(key, { item, markdown, bytes });
        outcome = { status: 'held', reason: verdict.reason, detail: verdict.detail };
        if (report.held.examples.length < 50) report.held.examples.push({ file: item.file, reason: verdict.reason, detail: verdict.detail });
      } else if (flap) {
        report.held.flaps++;
        outcome = { status: 'held', reason: 'flap', detail: `returns to the text of ${flap.capturedAt}` };
        if (report.held.examples.length < 50) report.held.examples.push({ file: item.file, reason: 'flap', detail: outcome.detail });
      } else {
        const result = await record(item, markdown, bytes);
        outcome = result.status === 'recorded' ? { status: 'recorded', change: result.change } : { status: 'unchanged' };
      }
      options.onProgress?.(++done, files.length, item, outcome);
    }
    report.held.stillHeld = pending.size;
    report.documents = descriptions.size;
    return report;
  } finally {
    await writer.close();
  }
}
