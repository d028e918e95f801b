import dns from 'node:dns/promises';
import { loadSources, type Source } from './sources/index.ts';
import { createFetchScheduler, FetchError, urlShapeProblem, type FetchOptions } from './fetch/index.ts';
import { createCapturer } from './fetch/capturer.ts';
import { ExtractError } from './extract/index.ts';
import { extractDocument } from './extract/document.ts';
import { normalizeMarkdown } from './normalize/index.ts';
import { guardVersion } from './guard/index.ts';

export interface SourceCheck {
  source: Source;
  problems: string[];
  /** Online checks that ran; empty when offline. */
  checked: string[];
}

export interface ValidateOptions {
  sourcesDir: string;
  platforms?: string[];
  /** true: fetch every source; false: schema and URL shape only; 'auto': online when DNS works. */
  online: boolean | 'auto';
  fetch?: Omit<FetchOptions, 'validators'>;
  perHostDelayMs?: number;
  onChecked?: (check: SourceCheck) => void;
}

export interface ValidateReport {
  online: boolean;
  checks: SourceCheck[];
}

/** Whether this machine can resolve public names: CI and developer machines often cannot. */
export async function hasNetwork(host = 'example.com'): Promise<boolean> {
  try {
    await Promise.race([dns.lookup(host), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks every declaration: the schema (loading throws with file and field), URL shape and the
 * address rule, duplicates; and online, that each source is fetchable, its selectors match, the
 * guard accepts it, and two captures in a row give byte-identical Markdown.
 */
export async function validateSources(options: ValidateOptions): Promise<ValidateReport> {
  const { sources } = await loadSources(options.sourcesDir, { platforms: options.platforms ?? [] });
  const online = options.online === 'auto' ? await hasNetwork(new URL(sources[0]?.urls[0] ?? 'https://example.com').hostname) : options.online;
  const seen = new Map<string, string>();
  const checks: SourceCheck[] = sources.map((source) => {
    const problems: string[] = [];
    for (const url of source.urls) {
      const shape = urlShapeProblem(url, options.fetch?.allowLoopback ?? false);
      if (shape) problems.push(`${url} ${shape}`);
      const other = seen.get(url);
      if (other) problems.push(`${url} is also declared by ${other}`);
      seen.set(url, `${source.platform}/${source.document}`);
    }
    return { source, problems, checked: [] };
  });
  if (!online) {
    for (const check of checks) options.onChecked?.(check);
    return { online, checks };
  }
  const capturer = createCapturer(createFetchScheduler({ perHostDelayMs: options.perHostDelayMs ?? 1000 }), options.fetch ?? {});
  const captureOnce = async (source: Source) => {
    const files = [];
    for (const url of source.urls) {
      const result = await capturer.capture(source, url);
      if (result.notModified) throw new FetchError(url, 'network', 'unexpected 304');
      files.push({ url, finalUrl: result.finalUrl, mediaType: result.mediaType, contentType: result.contentType, bytes: result.body });
    }
    return normalizeMarkdown(await extractDocument(files, source));
  };
  try {
    await Promise.all(
      checks.map(async (check) => {
        try {
          const first = await captureOnce(check.source);
          check.checked.push('fetched', 'selectors match');
          const verdict = guardVersion({ markdown: first, language: check.source.language });
          if (verdict.verdict !== 'accept') check.problems.push(`the guard ${verdict.verdict === 'refuse' ? 'refuses' : 'would hold'} its text (${verdict.reason}): ${verdict.detail}`);
          const second = await captureOnce(check.source);
          if (second !== first) check.problems.push('two captures in a row gave different Markdown: some noise is not removed');
          else check.checked.push('stable');
        } catch (error) {
          if (error instanceof FetchError || error instanceof ExtractError) check.problems.push(error.message);
          else throw error;
        }
        options.onChecked?.(check);
      }),
    );
  } finally {
    await capturer.close();
  }
  return { online, checks };
}
