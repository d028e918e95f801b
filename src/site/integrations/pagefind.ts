import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import * as pagefind from 'pagefind';

/** Pagefind's version: a new one rewrites the index (and its UI files) even over unchanged pages. */
function pagefindVersion(): string {
  // Pagefind's exports hide its package.json: look for it where Node would look for the package.
  for (const dir of createRequire(import.meta.url).resolve.paths('pagefind') ?? []) {
    const file = path.join(dir, 'pagefind', 'package.json');
    if (existsSync(file)) return `pagefind ${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}`;
  }
  throw new SearchIndexError('cannot find the pagefind package');
}

export class SearchIndexError extends Error {
  override readonly name = 'SearchIndexError';
}

/** Document pages (`/platforms/<platform>/<document>/index.html`): the pages that carry `data-pagefind-body`. */
async function documentPages(outDir: string): Promise<string[]> {
  const platformsDir = path.join(outDir, 'platforms');
  const pages: string[] = [];
  for (const platform of await readdir(platformsDir, { withFileTypes: true }).catch(() => [])) {
    if (!platform.isDirectory()) continue;
    for (const document of await readdir(path.join(platformsDir, platform.name), { withFileTypes: true })) {
      const page = path.join(platformsDir, platform.name, document.name, 'index.html');
      if (document.isDirectory() && (await stat(page).catch(() => undefined))?.isFile()) pages.push(page);
    }
  }
  return pages.sort();
}

/** Indexes the document pages of a built site (see pagefindIndex). */
async function indexSite(outDir: string, cacheDir: string | undefined, logger: AstroIntegrationLogger): Promise<void> {
  const started = Date.now();
  const pages = await documentPages(outDir);
  const expected = pages.length;
  // The index depends on the document pages alone: when none changed since the index in
  // this folder was written, it is kept (an incremental build leaves it in place).
  const source = createHash('sha256').update(pagefindVersion());
  for (const page of pages) source.update(path.relative(outDir, page)).update('\0').update(await readFile(page)).update('\0');
  const digest = source.digest('hex');
  const marker = cacheDir ? path.join(cacheDir, 'pagefind-source.sha256') : undefined;
  const previous = marker ? await readFile(marker, 'utf8').catch(() => undefined) : undefined;
  if (previous === `${outDir}\n${digest}` && (await stat(path.join(outDir, 'pagefind', 'pagefind-entry.json')).catch(() => undefined))) {
    logger.info(`search index: unchanged (${expected} document page(s))`);
    return;
  }
  try {
    const created = await pagefind.createIndex({});
    if (!created.index || created.errors.length > 0) throw new SearchIndexError(`Pagefind could not start: ${created.errors.join('; ') || 'no index'}`);
    // Only the document pages are read (thousands of version pages are not searched), each
    // by its path in the site, so that results link to it.
    const errors: string[] = [];
    for (const page of pages) {
      const url = `/${path.relative(outDir, path.dirname(page)).split(path.sep).join('/')}/`;
      const added = await created.index.addHTMLFile({ url, content: await readFile(page, 'utf8') });
      errors.push(...added.errors);
    }
    if (errors.length > 0) throw new SearchIndexError(`Pagefind failed to index ${outDir}: ${errors.join('; ')}`);
    const written = await created.index.writeFiles({ outputPath: path.join(outDir, 'pagefind') });
    if (written.errors.length > 0) throw new SearchIndexError(`Pagefind could not write its index: ${written.errors.join('; ')}`);
    // addDirectory counts every HTML file it read; the index itself says how many it holds.
    const entry = JSON.parse(await readFile(path.join(outDir, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    const indexed = Object.values(entry.languages).reduce((sum, language) => sum + language.page_count, 0);
    if (indexed !== expected) {
      throw new SearchIndexError(`Pagefind indexed ${indexed} page(s) but the site has ${expected} document page(s): the search index would be wrong`);
    }
    if (indexed === 0) logger.warn('the archive has no document yet: the search index is empty');
    logger.info(`search index: ${indexed} document page(s) in ${Date.now() - started} ms`);
    if (marker) await mkdir(path.dirname(marker), { recursive: true }).then(() => writeFile(marker, `${outDir}\n${digest}`));
  } finally {
    await pagefind.close();
  }
}

/**
 * Builds the Pagefind index over the finished site, in the same `astro build`, so that no build
 * can ship without search. It fails the build when Pagefind reports an error or indexes fewer
 * pages than there are documents (a page lost its `data-pagefind-body`, or the build went wrong).
 * Indexing starts as soon as the pages are written (`astro:build:generated`), beside Astro's last
 * steps, and the build waits for it at `astro:build:done`.
 */
export function pagefindIndex(): AstroIntegration {
  let cacheDir: string | undefined;
  let indexing: Promise<void> | undefined;
  return {
    name: 'governance-archive:pagefind',
    hooks: {
      'astro:config:done': ({ config }) => {
        cacheDir = fileURLToPath(config.cacheDir);
      },
      'astro:build:generated': ({ dir, logger }) => {
        indexing = indexSite(fileURLToPath(dir), cacheDir, logger);
        // Handled here so that a failure waits for astro:build:done to fail the build.
        indexing.catch(() => {});
      },
      'astro:build:done': async ({ dir, logger }) => {
        const started = indexing ?? indexSite(fileURLToPath(dir), cacheDir, logger);
        indexing = undefined;
        await started;
      },
    },
  };
}
