import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addOneVersion } from '../../src/bench/site-bench.ts';
import { readArchive } from '../../src/site/archive.ts';
import { readSettings } from '../../src/site/settings.ts';
import { buildSite, builtExists, demoSite, SITE_BUILD_TIMEOUT, SITE_TESTS_DIR } from '../support/site.ts';

/** Pages Astro's incremental build took from its cache rather than rendering again. */
const reused = (log: string) => (log.match(/\((?:cached|restored)\)/g) ?? []).length;

describe('rebuilding the site after a new version', () => {
  const dir = path.join(SITE_TESTS_DIR, `rebuild-${process.pid}-${Date.now()}`);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('analyses only the changed document, reuses unchanged pages, and shows the new version everywhere', { timeout: SITE_BUILD_TIMEOUT }, async () => {
    const demo = await demoSite();
    const archiveDir = path.join(dir, 'archive');
    execFileSync('git', ['clone', '--quiet', demo.archiveDir, archiveDir]);
    const site = { archiveDir, outDir: path.join(dir, 'dist'), cacheDir: path.join(dir, 'cache') };

    const cold = await buildSite(site);
    expect(cold).toMatch(/\[provisions\] 18 document\(s\) analysed in [\d.]+ s \(0 from the cache, 0 extended by their new versions\)/);
    expect(reused(cold)).toBe(0);

    await addOneVersion(archiveDir);
    const archive = await readArchive(readSettings({ ARCHIVE_DIR: archiveDir }));
    const added = archive.versions[0]!;
    const document = archive.document(added.platform, added.document)!;
    const before = archive.previous(added)!;
    await archive.close();

    // An analysis no build has used for a month goes; a recent one (another archive's, say) stays.
    const analyses = path.join(site.cacheDir, 'provisions');
    const stale = path.join(analyses, `${'0'.repeat(64)}.json`);
    const recent = path.join(analyses, `${'1'.repeat(64)}.json`);
    await writeFile(stale, '{}');
    await writeFile(recent, '{}');
    const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    await utimes(stale, monthAgo, monthAgo);

    const after = await buildSite(site);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    // The changed document's analysis is extended by its new version, not redone.
    expect(after).toMatch(/\[provisions\] 18 document\(s\) analysed in [\d.]+ s \(17 from the cache, 1 extended by their new versions\)/);
    // Every other document's version pages are reused; only the changed document's neighbours are redrawn.
    const versionPages = (after.match(/\/platforms\/[^/]+\/[^/]+\/\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\/index\.html \((?:cached|restored)\)/g) ?? []).length;
    expect(versionPages).toBeGreaterThanOrEqual(archive.versions.length - document.versions.length);

    expect(await builtExists(site.outDir, added.path)).toBe(true);
    const previousPage = await readFile(path.join(site.outDir, before.path, 'index.html'), 'utf8');
    expect(previousPage).toContain(`href="${added.path}" rel="next"`);
    // The sentence the new version added is in the last provision's history, on that version.
    const documentPage = await readFile(path.join(site.outDir, document.path, 'index.html'), 'utf8');
    expect(documentPage).toContain(added.path);
    const provisions = [...documentPage.matchAll(/href="(\/platforms\/[^"]+\/provisions\/[^"]+\/)"/g)].map((m) => m[1]!);
    let found = false;
    for (const provision of new Set(provisions)) {
      const page = await readFile(path.join(site.outDir, provision, 'index.html'), 'utf8');
      // Its state on that version links to where it starts in the new version's page.
      if (page.includes('This sentence was added by the site benchmark.') && page.includes(`href="${added.path}#provision-`)) found = true;
    }
    expect(found).toBe(true);
  });
});
