import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compileTaxonomy, type Classifier } from '../analysis/categories/classify.ts';
import { articleIndex, loadTaxonomy, type Taxonomy } from '../analysis/categories/taxonomy.ts';
import type { Article, Category, Regulation } from '../analysis/categories/schema.ts';
import type { Archive, ArchivedDocument, Platform, Version } from './archive.ts';
import { analyzeHistory, classifierOf, type AnalysisState, type DocumentAnalysis, type ProvisionRecord, type ProvisionStep, type VersionChange } from './analysis.ts';

/** A cache file: a document's analysis, and where it left off (to extend it by new versions). */
interface CachedAnalysis {
  analysis: DocumentAnalysis;
  state: AnalysisState;
}

/** How many versions back a cached analysis is looked for, to be extended. */
const RESUME_WITHIN = 8;
import { clauseDiff, type ClauseDiff } from './clause-diff.ts';
import { renderAnalysisJob } from './render-pool.ts';

/**
 * Provisions and categories for the pages: each document's analysis (src/site/analysis.ts),
 * computed once per build on the render pool's threads and kept on disk between builds, keyed by
 * the SHA-256 of the document's version texts, of the analysis code and of the taxonomy — a
 * recorded version never changes, so a new version re-analyses its document only.
 */

export interface DocumentProvisions {
  document: ArchivedDocument;
  /** The analysis's cache key: the document's versions (ids, texts, kinds), the analysis code and the taxonomy. */
  key: string;
  analysis: DocumentAnalysis;
  byId: Map<string, ProvisionRecord>;
}

/** A current provision of a platform matching a category. */
export interface CategoryEntry {
  platform: Platform;
  document: ArchivedDocument;
  provision: ProvisionRecord;
  category: string;
  score: number;
  /** The version where its text last changed (or appeared). */
  changed: Version;
}

export interface CategoryView {
  category: Category;
  /** The regulations' articles the category cites, resolved. */
  articles: Array<{ regulation: Regulation; article: Article }>;
  /** The best-matching current provision of each platform, platforms by name. */
  platforms: Array<{ platform: Platform; best: CategoryEntry; others: CategoryEntry[] }>;
  /** Versions that added, removed or modified a provision of this category, newest first. */
  versions: Version[];
}

export interface SiteAnalysis {
  taxonomy: Taxonomy;
  documents: Map<string, DocumentProvisions>;
  /** A document's analysis (`documents` by the document itself). */
  of(document: ArchivedDocument): DocumentProvisions | undefined;
  categories: CategoryView[];
  category(id: string): CategoryView | undefined;
  /** A version's provision-level change (undefined for a first version). */
  change(version: Version): VersionChange | undefined;
  /** The ids of a version's provisions, in order (each has its anchor in the version's page). */
  ids(version: Version): string[];
  /** Seconds spent analysing, and how many documents came from the cache. */
  stats: { seconds: number; analysed: number; cached: number; resumed: number };
}

/** Where this repository is (astro.config.ts says so: this module is bundled into the build). */
function sourceRoot(): string {
  return process.env.SITE_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..');
}

export function taxonomyDir(): string {
  return process.env.SITE_TAXONOMY_DIR ?? path.join(sourceRoot(), 'content', 'taxonomy');
}

/** The analysis cache: beside Astro's own cache (SITE_ANALYSIS_CACHE overrides). */
function cacheDir(): string {
  return process.env.SITE_ANALYSIS_CACHE ?? path.join(process.env.SITE_CACHE_DIR ?? path.join(sourceRoot(), 'node_modules', '.astro'), 'provisions');
}

/** A hash of everything an analysis is made with besides the texts: the analysis code and the taxonomy. */
async function codeKey(): Promise<string> {
  const hash = createHash('sha256');
  const root = sourceRoot();
  const files = [
    ...(await readdir(path.join(root, 'src', 'analysis'), { recursive: true }))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(root, 'src', 'analysis', file)),
    path.join(root, 'src', 'site', 'analysis.ts'),
    ...(await readdir(taxonomyDir())).filter((file) => file.endsWith('.yaml')).map((file) => path.join(taxonomyDir(), file)),
  ].sort();
  for (const file of files) hash.update(`${path.relative(root, file)}\0`).update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

const byArchive = new WeakMap<Archive, Promise<SiteAnalysis>>();

/** The archive's provisions and categories, computed once per build. */
export function siteAnalysis(archive: Archive): Promise<SiteAnalysis> {
  let found = byArchive.get(archive);
  if (!found) {
    found = analyse(archive);
    byArchive.set(archive, found);
  }
  return found;
}

async function analyse(archive: Archive): Promise<SiteAnalysis> {
  const started = performance.now();
  const [taxonomy, code] = await Promise.all([loadTaxonomy(taxonomyDir()), codeKey()]);
  const dir = cacheDir();
  await mkdir(dir, { recursive: true });
  let cached = 0;
  let resumed = 0;
  let writes = 0;
  const analysed = await Promise.all(
    archive.documents.map(async (document) => {
      // The key of the analysis of the document's first `count` versions.
      const keyOf = (count: number) => createHash('sha256').update(code).update(document.versions.slice(0, count).map((v) => `${v.id} ${v.contentSha256} ${v.change}`).join('\n')).digest('hex');
      const fileOf = (key: string) => path.join(dir, `${key}.json`);
      const read = (key: string) => readFile(fileOf(key), 'utf8').then((text) => JSON.parse(text) as CachedAnalysis, () => undefined);
      const key = keyOf(document.versions.length);
      const file = fileOf(key);
      let found = await read(key);
      if (found && found.analysis.versions.length === document.versions.length) {
        cached++;
        // Marks it as in use, for pruning (below).
        const now = new Date();
        await utimes(file, now, now).catch(() => {});
      } else {
        // A new version or a few: extend the last build's analysis rather than redo the history.
        let resume: CachedAnalysis | undefined;
        for (let count = document.versions.length - 1; count >= Math.max(1, document.versions.length - RESUME_WITHIN) && !resume; count--) {
          const earlier = await read(keyOf(count));
          if (earlier?.analysis.versions.length === count) resume = earlier;
        }
        if (resume) resumed++;
        const texts = await Promise.all(document.versions.map((version, index) => (index >= (resume?.analysis.versions.length ?? 0) ? archive.text(version) : '')));
        const kinds = document.versions.map((v) => v.change);
        // A version or two more: quicker here than starting the render threads for it.
        found =
          resume && document.versions.length - resume.analysis.versions.length <= 2
            ? analyzeHistory(texts, kinds, await classifierOf(taxonomyDir()), resume)
            : await renderAnalysisJob(texts, kinds, taxonomyDir(), resume);
        // Written whole or not at all: a build killed mid-write leaves no half file behind. Two
        // documents with the same history (one policy published under two names) share a key.
        const partial = `${file}.${process.pid}.${writes++}.tmp`;
        await writeFile(partial, JSON.stringify(found));
        await rename(partial, file);
      }
      const analysis = found.analysis;
      return [`${document.platform}/${document.slug}`, { document, key, analysis, byId: new Map(analysis.provisions.map((p) => [p.id, p])) }] as const;
    }),
  );
  // In the archive's order, whichever finished first.
  const documents = new Map<string, DocumentProvisions>(analysed);
  await prune(dir, new Set([...documents.values()].map((d) => `${d.key}.json`)));
  const changes = new Map<string, VersionChange | undefined>();
  const ids = new Map<string, string[]>();
  for (const { document, analysis } of documents.values()) {
    document.versions.forEach((version, index) => {
      changes.set(version.path, analysis.versions[index]?.change);
      ids.set(version.path, analysis.versions[index]?.ids ?? []);
    });
  }
  const categories = categoryViews(archive, taxonomy, documents, changes);
  const byId = new Map(categories.map((view) => [view.category.id, view]));
  const seconds = (performance.now() - started) / 1000;
  const stats = { seconds, analysed: archive.documents.length - cached, cached, resumed };
  console.log(`[provisions] ${archive.documents.length} document(s) analysed in ${seconds.toFixed(1)} s (${cached} from the cache, ${resumed} extended by their new versions)`);
  return {
    taxonomy,
    documents,
    categories,
    of: (document) => documents.get(`${document.platform}/${document.slug}`),
    category: (id) => byId.get(id),
    change: (version) => changes.get(version.path),
    ids: (version) => ids.get(version.path) ?? [],
    stats,
  };
}

/** Analyses no build has used for this long are deleted (a document's older histories, other archives' documents). */
const KEEP_UNUSED_MS = 14 * 24 * 3600 * 1000;

async function prune(dir: string, used: Set<string>): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir)) {
    if (used.has(name)) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > KEEP_UNUSED_MS) await rm(file, { force: true });
  }
}

const namesTopic = (entry: CategoryEntry) =>
  entry.provision.categories.find((c) => c.category === entry.category)?.matched.some((m) => m.where === 'heading' && m.weight > 0) ?? false;
const textLength = (entry: CategoryEntry) => lastText(entry.provision).trim().length;

/**
 * Which of a platform's provisions on a topic a topic page shows first: one with a text (a heading
 * that only groups sub-provisions has none to show), then one whose heading names the topic, then
 * the higher score, then the shorter text (a long introduction matches many rules), then document
 * and position.
 */
export function bestFirst(a: CategoryEntry, b: CategoryEntry): number {
  return (
    Number(textLength(b) > 0) - Number(textLength(a) > 0) ||
    Number(namesTopic(b)) - Number(namesTopic(a)) ||
    b.score - a.score ||
    textLength(a) - textLength(b) ||
    a.document.slug.localeCompare(b.document.slug) ||
    a.provision.order - b.provision.order
  );
}

/**
 * The provisions right under a provision's heading, as they last stood (for a heading that only groups
 * them and has no text of its own).
 */
export function subProvisions(analysis: DocumentAnalysis, record: ProvisionRecord): ProvisionRecord[] {
  const heading = record.steps.findLast((step) => step.text !== null)?.heading ?? record.steps.at(-1)!.heading;
  if (!heading) return [];
  const path = [...record.headingPath, heading].join('\u0000');
  return analysis.provisions.filter((p) => p !== record && p.current === record.current && p.headingPath.join('\u0000') === path);
}

/** A provision's text as it last read: its current text, or the last one before it was removed. */
export function lastText(provision: ProvisionRecord): string {
  return provision.steps.findLast((step) => step.text !== null)?.text ?? '';
}

/**
 * A provision's text as a topic page shows it: whole when it is short; else about `limit`
 * characters cut at a line end, from the start of the paragraph around `focus` (where the topic
 * matched: a long provision often opens with something else) or from the beginning. A part that
 * starts inside a table keeps the table's header rows, so that it is still a table.
 */
export function excerpt(text: string, focus?: number, limit = 1500): { text: string; cut: boolean; fromMiddle: boolean } {
  if (text.length <= limit) return { text, cut: false, fromMiddle: false };
  let start = 0;
  if (focus !== undefined && focus > limit / 2) {
    const paragraph = text.lastIndexOf('\n\n', focus);
    const line = text.lastIndexOf('\n', focus);
    start = paragraph >= 0 && focus - paragraph < limit / 2 ? paragraph + 2 : line + 1;
  }
  const rest = text.slice(start);
  const head = start > 0 ? tableHead(text, start) : '';
  if (rest.length <= limit) return { text: head + rest.trimEnd(), cut: start > 0, fromMiddle: start > 0 };
  const end = rest.lastIndexOf('\n', limit);
  return { text: head + rest.slice(0, end > limit / 3 ? end : limit).trimEnd(), cut: true, fromMiddle: start > 0 };
}

/** The header and delimiter rows (with their line breaks) of the table whose body row starts at `start`, or ''. */
function tableHead(text: string, start: number): string {
  if (text[start] !== '|') return '';
  let first = start;
  while (first > 0) {
    const previous = text.lastIndexOf('\n', first - 2) + 1;
    if (text[previous] !== '|') break;
    first = previous;
  }
  const rows = text.slice(first, start).split('\n');
  return rows.length >= 3 && /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(rows[1]!) ? `${rows[0]}\n${rows[1]}\n` : '';
}

let compiled: { taxonomy: Taxonomy; classifier: Classifier } | undefined;

/**
 * Where in a provision's text the category's strongest rule matches (the earliest of equals), if
 * in its text at all: a topic page shows a long provision from there. Computed when a topic page
 * is drawn (an incremental build that reuses the page does not run the rules).
 */
export function topicFocus(taxonomy: Taxonomy, category: string, text: string): number | undefined {
  if (compiled?.taxonomy !== taxonomy) compiled = { taxonomy, classifier: compileTaxonomy(taxonomy) };
  let best: { weight: number; index: number } | undefined;
  for (const rule of compiled.classifier.categories.find((c) => c.id === category)?.rules ?? []) {
    if (rule.weight <= 0 || rule.scope === 'heading') continue;
    const found = rule.regex.exec(text);
    if (found && (!best || rule.weight > best.weight || (rule.weight === best.weight && found.index < best.index))) best = { weight: rule.weight, index: found.index };
  }
  return best?.index;
}

function categoryViews(archive: Archive, taxonomy: Taxonomy, documents: Map<string, DocumentProvisions>, changes: Map<string, VersionChange | undefined>): CategoryView[] {
  const articles = articleIndex(taxonomy.regulations);
  const entries = new Map<string, CategoryEntry[]>(taxonomy.categories.map((c) => [c.id, []]));
  for (const { document, analysis } of documents.values()) {
    const platform = archive.platform(document.platform)!;
    for (const provision of analysis.provisions) {
      if (!provision.current) continue;
      const lastStep = provision.steps.at(-1)!;
      for (const match of provision.categories) {
        entries.get(match.category)?.push({ platform, document, provision, category: match.category, score: match.score, changed: document.versions[lastStep.version]! });
      }
    }
  }
  return taxonomy.categories.map((category): CategoryView => {
    const byPlatform = new Map<string, CategoryEntry[]>();
    for (const entry of entries.get(category.id)!) {
      const list = byPlatform.get(entry.platform.slug) ?? [];
      list.push(entry);
      byPlatform.set(entry.platform.slug, list);
    }
    const platforms = [...byPlatform.values()]
      .map((list) => {
        // The provision that is about the topic, not the one that mentions it most.
        list.sort(bestFirst);
        return { platform: list[0]!.platform, best: list[0]!, others: list.slice(1) };
      })
      .sort((a, b) => a.platform.name.localeCompare(b.platform.name, 'en'));
    return {
      category,
      articles: category.regulations.map((citation) => articles.get(citation)).filter((a): a is NonNullable<typeof a> => a !== undefined),
      platforms,
      versions: archive.versions.filter((version) => version.change !== 'technical' && changes.get(version.path)?.categories.includes(category.id)),
    };
  });
}

/** One entry of a provision's history page, newest first. */
export interface ProvisionHistoryEntry {
  version: Version;
  what: 'added' | 'returned' | 'changed' | 'renamed' | 'moved' | 'removed';
  heading: string;
  /** The provision's text in this version (Markdown source), or the text that went away. */
  text: string;
  /** The text against its previous state, marked inline (not for a first appearance). */
  diff: ClauseDiff | undefined;
}

/** What happened to a provision at each step of its history, oldest first, with its state before. */
export function provisionSteps(record: ProvisionRecord): Array<{ step: ProvisionStep; what: ProvisionHistoryEntry['what']; before: ProvisionStep | undefined }> {
  let before: ProvisionStep | undefined;
  return record.steps.map((step) => {
    const what =
      step.text === null ? 'removed'
      : !before ? 'added'
      : before.text === null ? 'returned'
      : before.text !== step.text ? 'changed'
      : before.heading !== step.heading ? 'renamed'
      : 'moved';
    const entry = { step, what, before } as const;
    before = step;
    return entry;
  });
}

export function provisionHistory(document: ArchivedDocument, record: ProvisionRecord): ProvisionHistoryEntry[] {
  return provisionSteps(record)
    .map(({ step, what, before }): ProvisionHistoryEntry => {
      const version = document.versions[step.version]!;
      if (what === 'removed') return { version, what, heading: step.heading, text: before?.text ?? '', diff: before?.text ? clauseDiff(before.text, '') : undefined };
      const text = step.text!;
      return { version, what, heading: step.heading, text, diff: what === 'changed' ? clauseDiff(before!.text!, text) : undefined };
    })
    .reverse();
}
