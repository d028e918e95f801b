import path from 'node:path';
import { loadSources, type Source, type SourceFilter } from './sources/index.ts';
import { ExtractError } from './extract/index.ts';
import { extractDocument } from './extract/document.ts';
import { normalizeMarkdown } from './normalize/index.ts';
import { guardVersion } from './guard/index.ts';
import { ArchiveWriter } from './record/index.ts';
import { readHistory } from '../history/log.ts';
import { CatFile } from '../history/cat-file.ts';
import { evidenceCommitOf, type VersionCommit } from '../history/commit-format.ts';
import { archivePath } from '../history/version-file.ts';

export type ReextractOutcome =
  | { status: 'recorded'; commit: string }
  | { status: 'would-record' }
  | { status: 'unchanged' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; reason: string };

export interface ReextractResult {
  document: string;
  outcome: ReextractOutcome;
}

interface CaptureMeta {
  pages: Array<{ file: string; url: string; final_url: string; media_type: string }>;
}

/**
 * Re-derives the latest version of every document from its recorded raw capture with the
 * current extractor and declaration. A different text is recorded as `Change: technical`,
 * pointing at the same evidence: the document did not change, our reading of it did.
 */
export async function reextractArchive(options: {
  archiveDir: string;
  sourcesDir?: string;
  filter?: SourceFilter;
  dryRun?: boolean;
  onResult?: (result: ReextractResult) => void;
}): Promise<ReextractResult[]> {
  const archiveDir = path.resolve(options.archiveDir);
  const { sources } = await loadSources(options.sourcesDir ?? path.join(archiveDir, 'content', 'platforms'), options.filter);
  const latestCommit = new Map<string, VersionCommit>();
  for (const entry of await readHistory(archiveDir, 'HEAD', ['content/archive'])) {
    if (entry.version) latestCommit.set(`${entry.version.platform}/${entry.version.document}`, entry.version);
  }
  const writer = options.dryRun ? undefined : await ArchiveWriter.open(archiveDir);
  const cat = new CatFile(archiveDir);
  const results: ReextractResult[] = [];
  const report = (document: string, outcome: ReextractOutcome) => {
    const result = { document, outcome };
    results.push(result);
    options.onResult?.(result);
  };
  try {
    for (const source of sources) {
      const id = `${source.platform}/${source.document}`;
      const version = latestCommit.get(id);
      const evidence = version && evidenceCommitOf(version.evidence);
      if (!version || !evidence) {
        report(id, { status: 'skipped', reason: version ? 'no evidence commit' : 'no recorded version' });
        continue;
      }
      const latestText = await cat.text(`HEAD:${archivePath(source.platform, source.document)}`);
      const latestBody = latestText?.replace(/^---\n[\s\S]*?\n---\n\n?/, '');
      let markdown: string;
      try {
        markdown = await rederive(cat, evidence, source);
      } catch (error) {
        if (error instanceof ExtractError) {
          report(id, { status: 'failed', reason: error.message });
          continue;
        }
        throw error;
      }
      if (markdown === latestBody) {
        report(id, { status: 'unchanged' });
        continue;
      }
      const verdict = guardVersion({ markdown, language: source.language, ...(latestBody ? { previous: latestBody } : {}) });
      if (verdict.verdict !== 'accept') {
        report(id, { status: 'failed', reason: `the guard refuses the re-extracted text (${verdict.reason}): ${verdict.detail}` });
        continue;
      }
      if (!writer) {
        report(id, { status: 'would-record' });
        continue;
      }
      const result = await writer.record({
        platform: source.platform,
        document: source.document,
        heading: `${source.platformName} ${source.documentName}`,
        title: source.title,
        sourceUrls: version.sourceUrls,
        capturedAt: version.capturedAt,
        markdown,
        evidence: { commit: evidence, captureSha256: version.captureSha256 },
        // Derived again from the same capture: an imported text stays imported.
        ...(version.importedFrom !== undefined ? { importedFrom: version.importedFrom } : {}),
        change: 'technical',
      });
      report(id, result.status === 'recorded' ? { status: 'recorded', commit: result.commit } : { status: 'unchanged' });
    }
  } finally {
    await cat.close();
    await writer?.close();
  }
  return results;
}

async function rederive(cat: CatFile, evidence: string, source: Source): Promise<string> {
  const meta = JSON.parse((await cat.text(`${evidence}:capture.json`)) ?? '{"pages":[]}') as CaptureMeta;
  const files = [];
  for (const page of meta.pages) {
    const bytes = (await cat.read(`${evidence}:${page.file}`)) ?? Buffer.alloc(0);
    files.push({ url: page.url, finalUrl: page.final_url, mediaType: page.media_type, bytes });
  }
  if (files.length === 0) throw new ExtractError(source.urls[0] ?? evidence, 'empty', `evidence ${evidence.slice(0, 12)} holds no page`);
  return normalizeMarkdown(await extractDocument(files, source));
}
