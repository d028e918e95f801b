import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';

export class SearchIndexError extends Error {
  override readonly name = 'SearchIndexError';
}

/** Document pages (`/platforms/<platform>/<document>/`): the pages that carry `data-pagefind-body`. */
async function countDocumentPages(outDir: string): Promise<number> {
  const platformsDir = path.join(outDir, 'platforms');
  let count = 0;
  for (const platform of await readdir(platformsDir, { withFileTypes: true }).catch(() => [])) {
    if (!platform.isDirectory()) continue;
    for (const document of await readdir(path.join(platformsDir, platform.name), { withFileTypes: true })) {
      if (document.isDirectory()) count++;
    }
  }
  return count;
}

/**
 * Builds the Pagefind index over the finished site, in the same `astro build`, so that no build
 * can ship without search. It fails the build when Pagefind reports an error or indexes fewer
 * pages than there are documents (a page lost its `data-pagefind-body`, or the build went wrong).
 */
export function pagefindIndex(): AstroIntegration {
  return {
    name: 'governance-archive:pagefind',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = fileURLToPath(dir);
        const started = Date.now();
        const expected = await countDocumentPages(outDir);
        try {
          const created = await pagefind.createIndex({});
          if (!created.index || created.errors.length > 0) throw new SearchIndexError(`Pagefind could not start: ${created.errors.join('; ') || 'no index'}`);
          // Without any data-pagefind-body page Pagefind would index every page: an archive with
          // no document yet gets an empty index (and the search page still loads).
          const added = expected > 0 ? await created.index.addDirectory({ path: outDir }) : { errors: [], page_count: 0 };
          if (added.errors.length > 0) throw new SearchIndexError(`Pagefind failed to index ${outDir}: ${added.errors.join('; ')}`);
          const written = await created.index.writeFiles({ outputPath: path.join(outDir, 'pagefind') });
          if (written.errors.length > 0) throw new SearchIndexError(`Pagefind could not write its index: ${written.errors.join('; ')}`);
          // addDirectory counts every HTML file it read; the index itself says how many it holds.
          const entry = JSON.parse(await readFile(path.join(outDir, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
          const indexed = Object.values(entry.languages).reduce((sum, language) => sum + language.page_count, 0);
          if (indexed !== expected) {
            throw new SearchIndexError(`Pagefind indexed ${indexed} page(s) but the site has ${expected} document page(s): the search index would be wrong`);
          }
          if (indexed === 0) logger.warn('the archive has no document yet: the search index is empty');
          logger.info(`search index: ${indexed} document page(s) (of ${added.page_count} read) in ${Date.now() - started} ms`);
        } finally {
          await pagefind.close();
        }
      },
    },
  };
}
