import path from 'node:path';
import pLimit from 'p-limit';
import { loadSources, type Source, type SourceFilter } from './sources/index.ts';
import { createFetchScheduler, FetchError, type Capture, type FetchOptions } from './fetch/index.ts';
import { createCapturer } from './fetch/capturer.ts';
import { ExtractError } from './extract/index.ts';
import { extractDocument } from './extract/document.ts';
import { normalizeMarkdown } from './normalize/index.ts';
import { guardVersion, type GuardReason } from './guard/index.ts';
import { ArchiveWriter, readLatestVersion } from './record/index.ts';
import { gitDir } from './record/lock.ts';
import { classifyTextChange } from '../analysis/change-kind.ts';
import { ValidatorsCache } from './validators-cache.ts';
import type { ChangeKind } from '../history/commit-format.ts';

export type SourceOutcome =
  | { status: 'recorded'; change: ChangeKind; summary: string; commit: string }
  | { status: 'would-record'; change: ChangeKind }
  | { status: 'unchanged'; notModified: boolean }
  | { status: 'refused'; reason: GuardReason; detail: string }
  | { status: 'failed'; stage: 'fetch' | 'extract'; reason: string; message: string; url: string; transient: boolean };

export interface SourceResult {
  source: Source;
  outcome: SourceOutcome;
  attempts: number;
}

export interface CaptureOptions {
  archiveDir: string;
  /** Where the declarations are; defaults to the archive's own `content/platforms`. */
  sourcesDir?: string;
  filter?: SourceFilter;
  /** A finer filter than platform/document names (the demo skips documents not yet published). */
  include?: (source: Source) => boolean;
  dryRun?: boolean;
  fetch?: Omit<FetchOptions, 'validators' | 'now'>;
  concurrency?: number;
  perHostDelayMs?: number;
  /** The clock; the demo replays history with a simulated one. */
  now?: () => Date;
  onProgress?: (result: SourceResult, done: number, total: number) => void;
}

export interface CaptureReport {
  results: SourceResult[];
  repaired: string[];
}

/**
 * One capture run: loadSources → fetchCapture → extractContent → normalizeMarkdown →
 * guardVersion → recordVersion for every declared source. Fetch and extract failures are
 * expected: they are collected, retried once at the end when transient, and never touch the
 * archive. Record failures are not: they abort the run.
 */
export async function runCapture(options: CaptureOptions): Promise<CaptureReport> {
  const archiveDir = path.resolve(options.archiveDir);
  const sourcesDir = options.sourcesDir ?? path.join(archiveDir, 'content', 'platforms');
  const sources = (await loadSources(sourcesDir, options.filter)).sources.filter((source) => options.include?.(source) ?? true);
  const writer = options.dryRun ? undefined : await ArchiveWriter.open(archiveDir);
  let closeCapturer = async () => {};
  try {
    const repaired = writer?.repaired ?? [];
    const validators = await new ValidatorsCache(await gitDir(archiveDir)).load();
    const scheduler = createFetchScheduler({ concurrency: options.concurrency ?? 4, perHostDelayMs: options.perHostDelayMs ?? 1000 });
    const now = options.now ?? (() => new Date());
    const capturer = createCapturer(scheduler, { ...options.fetch, now });
    closeCapturer = () => capturer.close();
    // Commits must be made one after the other; everything before them runs in parallel.
    const recorder = pLimit(1);
    const total = sources.length;
    let done = 0;

    const attempt = async (source: Source): Promise<SourceOutcome> => {
      const latest = writer ? await writer.latest(source.platform, source.document) : await readLatestVersion(archiveDir, source.platform, source.document);
      let captures: Capture[];
      try {
        const conditional = latest !== undefined && source.urls.length === 1;
        const results = await Promise.all(source.urls.map((url) => capturer.capture(source, url, conditional && !source.browser ? validators.get(url) : undefined)));
        if (results.every((result) => result.notModified)) return { status: 'unchanged', notModified: true };
        captures = results.filter((result): result is Capture & { notModified: false } => !result.notModified);
        if (captures.length !== source.urls.length) {
          throw new FetchError(source.urls[0]!, 'network', 'a page answered 304 without validators being sent');
        }
      } catch (error) {
        if (error instanceof FetchError) {
          return { status: 'failed', stage: 'fetch', reason: error.reason, message: error.message, url: error.url, transient: error.transient };
        }
        throw error;
      }
      let markdown: string;
      try {
        const files = captures.map((c) => ({ url: c.url, finalUrl: c.finalUrl, mediaType: c.mediaType, contentType: c.contentType, bytes: c.body }));
        markdown = normalizeMarkdown(await extractDocument(files, source));
      } catch (error) {
        if (error instanceof ExtractError) {
          return { status: 'failed', stage: 'extract', reason: error.reason, message: error.message, url: error.url, transient: false };
        }
        throw error;
      }
      const verdict = guardVersion({ markdown, ...(latest ? { previous: latest.body } : {}) });
      if (!verdict.accepted) return { status: 'refused', reason: verdict.reason, detail: verdict.detail };

      const remember = () => {
        for (const capture of captures) validators.set(capture.url, { ...(capture.etag ? { etag: capture.etag } : {}), ...(capture.lastModified ? { lastModified: capture.lastModified } : {}) });
      };
      if (options.dryRun) {
        const change = classifyTextChange(latest?.body, markdown);
        return change === 'none' ? { status: 'unchanged', notModified: false } : { status: 'would-record', change };
      }
      const recorded = await recorder(() =>
        writer!.record({
          platform: source.platform,
          document: source.document,
          heading: `${source.platformName} ${source.documentName}`,
          title: source.title,
          sourceUrls: source.urls,
          capturedAt: captures[0]!.fetchedAt,
          markdown,
          evidence: captures.map((capture) => ({
            url: capture.url,
            finalUrl: capture.finalUrl,
            status: capture.status,
            mediaType: capture.mediaType,
            fetchedAt: capture.fetchedAt,
            bytes: capture.body,
          })),
        }),
      );
      remember();
      if (recorded.status === 'unchanged') return { status: 'unchanged', notModified: false };
      return { status: 'recorded', change: recorded.change, summary: recorded.summary, commit: recorded.commit };
    };

    const results = new Map<Source, SourceResult>();
    const runOne = async (source: Source, attempts: number) => {
      const outcome = await attempt(source);
      const result = { source, outcome, attempts };
      results.set(source, result);
      return result;
    };
    await Promise.all(
      sources.map(async (source) => {
        const result = await runOne(source, 1);
        if (!(result.outcome.status === 'failed' && result.outcome.transient)) options.onProgress?.(result, ++done, total);
      }),
    );
    // Transient failures get one more try, after everything else, when the site may have recovered.
    const retry = sources.filter((source) => {
      const outcome = results.get(source)!.outcome;
      return outcome.status === 'failed' && outcome.transient;
    });
    await Promise.all(
      retry.map(async (source) => {
        const result = await runOne(source, 2);
        options.onProgress?.(result, ++done, total);
      }),
    );
    if (!options.dryRun) await validators.save();
    return { results: sources.map((source) => results.get(source)!), repaired };
  } finally {
    await closeCapturer();
    await writer?.close();
  }
}
