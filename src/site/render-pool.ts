import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { renderDiffUncached, type RenderedDiff } from './diff.ts';
import { renderMarkdownUncached, type RenderedText, type RenderOptions } from './markdown.ts';
import { renderShareImageUncached, type ShareCard } from './share-image.ts';
import { analyzeHistory, classifierOf, type AnalysisState, type DocumentAnalysis } from './analysis.ts';
import type { ChangeKind } from '../history/commit-format.ts';

/**
 * Renders texts, diffs and share images on worker threads, so that a build uses every core:
 * Astro renders one page at a time on the main thread, and a version page spends most of its
 * time in Markdown and diff rendering, a share image in drawing. The workers run src/site/render-worker.ts from the repository (astro.config.ts
 * says where it is: this module is bundled into the build); without it, or with
 * SITE_RENDER_WORKERS=0, everything renders in-process.
 */

export type RenderJob =
  | { kind: 'text'; markdown: string; options: RenderOptions }
  | { kind: 'diff'; previous: string; next: string; fileName: string }
  | { kind: 'image'; card: ShareCard }
  | { kind: 'analysis'; texts: string[]; kinds: ChangeKind[]; taxonomyDir: string; resume: { analysis: DocumentAnalysis; state: AnalysisState } | undefined };

type Waiting = { resolve: (value: unknown) => void; reject: (error: Error) => void };

class RenderPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ id: number; job: RenderJob }> = [];
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;

  constructor(file: string, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(file);
      // The build's process ends when Astro is done, whatever the workers are doing.
      worker.unref();
      worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
        const entry = this.waiting.get(id);
        this.waiting.delete(id);
        if (error !== undefined) entry?.reject(new Error(`render worker: ${error}`));
        else entry?.resolve(result);
        this.idle.push(worker);
        this.pump();
      });
      worker.on('error', (error) => {
        for (const entry of this.waiting.values()) entry.reject(error);
        this.waiting.clear();
      });
      this.idle.push(worker);
    }
  }

  run<T>(job: RenderJob): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.queue.push({ id, job });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) this.idle.pop()!.postMessage(this.queue.shift()!);
  }
}

let pool: RenderPool | null | undefined;

function renderPool(): RenderPool | null {
  if (pool === undefined) {
    const root = process.env.SITE_SOURCE_DIR;
    const file = root ? path.join(root, 'src', 'site', 'render-worker.ts') : undefined;
    const size = Number(process.env.SITE_RENDER_WORKERS ?? Math.max(1, os.availableParallelism()));
    pool = file && existsSync(file) && size > 0 ? new RenderPool(file, size) : null;
  }
  return pool;
}

export function renderTextJob(markdown: string, options: RenderOptions): Promise<RenderedText> {
  const workers = renderPool();
  return workers ? workers.run<RenderedText>({ kind: 'text', markdown, options }) : Promise.resolve(renderMarkdownUncached(markdown, options));
}

export function renderDiffJob(previous: string, next: string, fileName: string): Promise<RenderedDiff> {
  const workers = renderPool();
  return workers ? workers.run<RenderedDiff>({ kind: 'diff', previous, next, fileName }) : Promise.resolve(renderDiffUncached(previous, next, fileName));
}

export async function renderImageJob(card: ShareCard): Promise<Buffer> {
  const workers = renderPool();
  // A Uint8Array comes back from a thread (structured clone); Buffer.from views it without a copy.
  if (workers) {
    const bytes = await workers.run<Uint8Array>({ kind: 'image', card });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return renderShareImageUncached(card);
}

/** Analyses a document's history (src/site/analysis.ts) on the render pool's threads. */
export async function renderAnalysisJob(
  texts: string[],
  kinds: ChangeKind[],
  taxonomyDir: string,
  resume?: { analysis: DocumentAnalysis; state: AnalysisState },
): Promise<{ analysis: DocumentAnalysis; state: AnalysisState }> {
  const workers = renderPool();
  return workers ? workers.run({ kind: 'analysis', texts, kinds, taxonomyDir, resume }) : analyzeHistory(texts, kinds, await classifierOf(taxonomyDir), resume);
}
