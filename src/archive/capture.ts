import path from 'node:path';
import pLimit from 'p-limit';
import { loadSources, type Source, type SourceFilter } from './sources/index.ts';
import { createFetchScheduler, FetchError, type Capture, type FetchOptions } from './fetch/index.ts';
import { createCapturer } from './fetch/capturer.ts';
import { ExtractError } from './extract/index.ts';
import { extractDocument } from './extract/document.ts';
import { normalizeMarkdown } from './normalize/index.ts';
import { guardVersion, type GuardReason } from './guard/index.ts';
import { DEFAULT_HOLD_POLICY, formatHeld, isFlap, observe, parseHeld, release, type HoldPolicy, type HoldReason, type RecentVersion } from './held.ts';
import { readHistory } from '../history/log.ts';
import { sha256 } from '../history/version-file.ts';
import { ArchiveWriter, readLatestVersion, readState } from './record/index.ts';
import { gitDir } from './record/lock.ts';
import { classifyTextChange } from '../analysis/change-kind.ts';
import { ValidatorsCache } from './validators-cache.ts';
import type { ChangeKind } from '../history/commit-format.ts';

export type SourceOutcome =
  | { status: 'recorded'; change: ChangeKind; summary: string; commit: string }
  | { status: 'would-record'; change: ChangeKind }
  | { status: 'unchanged'; notModified: boolean }
  | { status: 'refused'; reason: GuardReason; detail: string }
  | { status: 'held'; reason: HoldReason; detail: string; sightings: number; needed: number }
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
  /** When suspicious texts (shrinks, collapses, flaps) are recorded: docs/decisions/0006. */
  holdPolicy?: HoldPolicy;
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
    const policy = options.holdPolicy ?? DEFAULT_HOLD_POLICY;
    const held = parseHeld(await readState(archiveDir, 'held.json'));
    let heldChanged = false;
    const recent = await recentVersions(archiveDir);
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
      const verdict = guardVersion({ markdown, language: source.language, ...(latest ? { previous: latest.body } : {}) });
      if (verdict.verdict === 'refuse') return { status: 'refused', reason: verdict.reason, detail: verdict.detail };
      const id = `${source.platform}/${source.document}`;
      if (latest && latest.body === markdown) {
        if (release(held, id)) heldChanged = true;
        return { status: 'unchanged', notModified: false };
      }
      const remember = () => {
        for (const capture of captures) validators.set(capture.url, { ...(capture.etag ? { etag: capture.etag } : {}), ...(capture.lastModified ? { lastModified: capture.lastModified } : {}) });
      };
      const capturedAt = captures[0]!.fetchedAt;
      const evidence = captures.map((capture) => ({
        url: capture.url,
        finalUrl: capture.finalUrl,
        status: capture.status,
        mediaType: capture.mediaType,
        fetchedAt: capture.fetchedAt,
        bytes: capture.body,
      }));
      // Suspicious but maybe real: held until the same text is seen on enough consecutive runs.
      const contentSha = sha256(markdown);
      const flap = isFlap(contentSha, recent.get(id) ?? [], now(), policy);
      const hold =
        verdict.verdict === 'quarantine' ? { reason: verdict.reason, detail: verdict.detail }
        : flap ? { reason: 'flap' as const, detail: `returns to the text recorded at ${flap.capturedAt}, ${policy.flapWindowDays}-day window` }
        : undefined;
      if (hold && policy.confirmations > 1) {
        if (options.dryRun) return { status: 'held', ...hold, sightings: (held.held[id]?.sha256 === contentSha ? held.held[id]!.sightings : 0) + 1, needed: policy.confirmations };
        const known = held.held[id];
        const stored = known?.sha256 === contentSha ? known.evidence : await recorder(() => writer!.storeEvidence(id, capturedAt, evidence));
        const seen = observe(held, { document: id, sha256: contentSha, ...hold, capturedAt, evidence: stored, markdown }, now().toISOString(), policy);
        heldChanged = true;
        if (!seen.confirmed) {
          remember();
          return { status: 'held', ...hold, sightings: seen.entry.sightings, needed: policy.confirmations };
        }
      } else if (release(held, id)) heldChanged = true;
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
          capturedAt,
          markdown,
          evidence,
        }),
      );
      remember();
      if (recorded.status === 'unchanged') return { status: 'unchanged', notModified: false };
      recent.set(id, [...(recent.get(id) ?? []), { sha256: contentSha, capturedAt }]);
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
    if (writer && heldChanged) await writer.writeState({ 'held.json': formatHeld(held) }, 'Update held texts', now().toISOString());
    return { results: sources.map((source) => results.get(source)!), repaired };
  } finally {
    await closeCapturer();
    await writer?.close();
  }
}

/** Every recorded version's text hash by document, oldest first: one `git log` pass. */
async function recentVersions(archiveDir: string): Promise<Map<string, RecentVersion[]>> {
  const byDocument = new Map<string, RecentVersion[]>();
  for (const entry of await readHistory(archiveDir, 'HEAD', ['content/archive'])) {
    const v = entry.version;
    if (!v) continue;
    const id = `${v.platform}/${v.document}`;
    byDocument.set(id, [...(byDocument.get(id) ?? []), { sha256: v.contentSha256, capturedAt: v.capturedAt }]);
  }
  return byDocument;
}
