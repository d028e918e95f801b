import type { Source } from '../sources/schema.ts';
import { FetchError } from './errors.ts';
import { fetchCapture, type Capture, type FetchOptions, type FetchResult, type Validators } from './index.ts';
import type { FetchScheduler } from './scheduler.ts';
import type { BrowserPool } from './browser.ts';

export interface Capturer {
  /** Fetches one URL of a source: over HTTP, or rendered in Chromium when the source says so. */
  capture(source: Source, url: string, validators?: Validators): Promise<FetchResult>;
  close(): Promise<void>;
}

/**
 * The fetch stage for a whole run: plain HTTP through the polite scheduler, and one Chromium,
 * launched on first need, for sources declared `browser: true` (loaded lazily: most runs and
 * most machines never need it).
 */
export function createCapturer(scheduler: FetchScheduler, fetchOptions: Omit<FetchOptions, 'validators'>): Capturer {
  let browser: Promise<BrowserPool> | undefined;
  const render = async (source: Source, url: string): Promise<Capture> => {
    const { BrowserPool, launchFailureFor } = await import('./browser.ts');
    browser ??= BrowserPool.launch();
    const pool = await browser.catch((error: unknown) => {
      throw error instanceof FetchError ? launchFailureFor(url, error) : error;
    });
    const selector = source.select.find((s): s is string => typeof s === 'string');
    return pool.render(url, {
      ...(fetchOptions.timeoutMs ? { timeoutMs: fetchOptions.timeoutMs } : {}),
      ...(fetchOptions.allowLoopback ? { allowLoopback: true } : {}),
      ...(fetchOptions.connect ? { connect: fetchOptions.connect } : {}),
      ...(fetchOptions.userAgent ? { userAgent: fetchOptions.userAgent } : {}),
      ...(fetchOptions.now ? { now: fetchOptions.now } : {}),
      ...(selector ? { waitForSelector: selector } : {}),
    });
  };
  return {
    capture: (source, url, validators) =>
      scheduler.schedule(url, async (): Promise<FetchResult> =>
        source.browser
          ? { notModified: false, ...(await render(source, url)) }
          : fetchCapture(url, { ...fetchOptions, ...(validators ? { validators } : {}) }),
      ),
    async close() {
      if (browser) await browser.then((pool) => pool.close(), () => undefined);
    },
  };
}
