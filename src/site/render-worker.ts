import { parentPort } from 'node:worker_threads';
import { renderDiffUncached } from './diff.ts';
import { renderMarkdownUncached } from './markdown.ts';
import type { RenderJob } from './render-pool.ts';
import { renderShareImageUncached } from './share-image.ts';
import { analyzeHistory, classifierOf } from './analysis.ts';

/** A render-pool thread: renders the texts, diffs and share images it is sent, one at a time. */
parentPort!.on('message', async ({ id, job }: { id: number; job: RenderJob }) => {
  try {
    const result =
      job.kind === 'text' ? renderMarkdownUncached(job.markdown, job.options)
      : job.kind === 'diff' ? renderDiffUncached(job.previous, job.next, job.fileName)
      : job.kind === 'analysis' ? analyzeHistory(job.texts, job.kinds, await classifierOf(job.taxonomyDir), job.resume)
      : await renderShareImageUncached(job.card);
    parentPort!.postMessage({ id, result });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
