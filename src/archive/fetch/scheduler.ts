import pLimit, { type LimitFunction } from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FetchScheduler {
  /** Runs `task` for `url` within the global limit, one at a time per host, spaced by the delay. */
  schedule<T>(url: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Politeness: a global concurrency limit, and at most one request at a time to any one host
 * with a pause between them, because legal pages often sit behind rate-limited CDNs that answer
 * bursts with bot walls.
 */
export function createFetchScheduler({ concurrency = 4, perHostDelayMs = 1000 } = {}): FetchScheduler {
  const global = pLimit(concurrency);
  const hosts = new Map<string, { limit: LimitFunction; lastEnd: number }>();
  return {
    schedule(url, task) {
      const host = new URL(url).host;
      let entry = hosts.get(host);
      if (!entry) {
        entry = { limit: pLimit(1), lastEnd: 0 };
        hosts.set(host, entry);
      }
      const slot = entry;
      return slot.limit(async () => {
        const wait = slot.lastEnd + perHostDelayMs - Date.now();
        if (slot.lastEnd > 0 && wait > 0) await sleep(wait);
        try {
          return await global(task);
        } finally {
          slot.lastEnd = Date.now();
        }
      });
    },
  };
}
