import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveWriter, initArchive } from '../../src/archive/record/index.ts';
import { readArchive, shortId } from '../../src/site/archive.ts';
import { feedsOf, rss } from '../../src/site/feeds.ts';
import { AFTER_IMPORT } from '../../src/site/labels.ts';
import { commitUrl, readSettings, repositoryUrlOf } from '../../src/site/settings.ts';
import { demoSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

describe('reading the archive for the site', () => {
  let archiveDir: string;
  let scratch: string;

  beforeAll(async () => {
    archiveDir = (await demoSite()).archiveDir;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'site-archive-'));
  }, SITE_BUILD_TIMEOUT);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('derives platforms, documents and versions, each version linked to the one before', async () => {
    const archive = await readArchive(readSettings({ ARCHIVE_DIR: archiveDir }));
    expect(archive.warnings).toEqual([]);
    expect(archive.platforms.map((p) => p.slug)).toEqual(['bazaario', 'chirpy', 'lumen-ai', 'parley', 'quillnote', 'trailmate', 'vidnest']);
    expect(archive.documents).toHaveLength(18);
    const chirpy = archive.platform('chirpy')!;
    expect(chirpy).toMatchObject({ name: 'Chirpy', owner: 'Chirpy Social Ltd.', jurisdiction: 'IE', kind: 'social', declared: true });
    const policy = archive.document('chirpy', 'privacy-policy')!;
    expect(policy.versions[0]!.change).toBe('initial');
    for (const [index, version] of policy.versions.entries()) {
      expect(version.id).toBe(shortId(version.capturedAt, version.contentSha256));
      expect(version.number).toBe(index + 1);
      expect(version.previousId).toBe(policy.versions[index - 1]?.id);
      expect(version.path).toBe(`/platforms/chirpy/privacy-policy/${version.id}/`);
    }
    expect(archive.versions[0]!.capturedAt >= archive.versions.at(-1)!.capturedAt).toBe(true);
    expect(await archive.text(policy.latest)).toMatch(/^# /);
    expect((await archive.file(policy.latest)).title).toBe(policy.title);
    await archive.close();
  });

  it('builds from a shallow clone, saying what is missing', async () => {
    const shallow = path.join(scratch, 'shallow');
    execFileSync('git', ['clone', '--quiet', '--depth', '5', `file://${archiveDir}`, shallow]);
    const archive = await readArchive(readSettings({ ARCHIVE_DIR: shallow }));
    expect(archive.shallow).toBe(true);
    expect(archive.warnings.join('\n')).toMatch(/shallow clone: only \d+ archive commit\(s\) are present.*git fetch --unshallow/s);
    expect(archive.versions.length).toBeGreaterThan(0);
    expect(archive.versions.length).toBeLessThanOrEqual(5);
    expect(archive.versions.some((v) => v.previousMissing)).toBe(true);
    await archive.close();
  });

  it('builds an older commit when ARCHIVE_REF names one', async () => {
    const head = await readArchive(readSettings({ ARCHIVE_DIR: archiveDir }));
    const older = await readArchive(readSettings({ ARCHIVE_DIR: archiveDir, ARCHIVE_REF: 'HEAD~10' }));
    expect(older.versions.length).toBe(head.versions.length - 10);
    await Promise.all([head.close(), older.close()]);
  });

  it('marks the first capture after imported versions, on its page data and in feeds', async () => {
    const dir = path.join(scratch, 'after-import');
    await initArchive(dir);
    const writer = await ArchiveWriter.open(dir);
    const body = (n: number) => `# Terms\n\n## Using the service\n\nVersion ${n}: you may use the service for lawful purposes only, and we may close accounts that break these terms.\n`;
    for (const [n, importedFrom] of [[1, 'acme/terms-of-service/2025-01-01T00-00-00Z.md'], [2, 'acme/terms-of-service/2025-02-01T00-00-00Z.md'], [3], [4]] as const) {
      const at = `2025-0${n}-01T00:00:00Z`;
      await writer.record({
        platform: 'acme', document: 'terms-of-service', heading: 'Acme Terms of Service', title: 'Terms', sourceUrls: ['https://acme.example/terms'], capturedAt: at, markdown: body(n),
        evidence: [{ url: 'https://acme.example/terms', mediaType: 'text/html', fetchedAt: at, bytes: Buffer.from(body(n)) }],
        ...(importedFrom ? { importedFrom } : {}),
      });
    }
    await writer.close();
    const archive = await readArchive(readSettings({ ARCHIVE_DIR: dir }));
    const versions = archive.document('acme', 'terms-of-service')!.versions;
    expect(versions.map((v) => v.afterImport)).toEqual([false, false, true, false]);
    const feed = rss(feedsOf(archive).find((f) => f.key === 'acme/terms-of-service')!, archive);
    expect(feed.split('<item>').filter((item) => item.includes(AFTER_IMPORT.replace(/'/g, '&apos;')))).toHaveLength(1);
    expect(feed.split('<item>').find((item) => item.includes(AFTER_IMPORT.replace(/'/g, '&apos;')))).toContain(versions[2]!.id);
    await archive.close();
  });

  it('links commits to the forge named by the settings, or to none', () => {
    expect(repositoryUrlOf({ ARCHIVE_REPOSITORY_URL: 'https://git.example.org/a/b.git/' })).toBe('https://git.example.org/a/b');
    expect(repositoryUrlOf({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'owner/repo' })).toBe('https://github.com/owner/repo');
    expect(repositoryUrlOf({})).toBeUndefined();
    expect(commitUrl('https://github.com/owner/repo', 'abc')).toBe('https://github.com/owner/repo/commit/abc');
    expect(commitUrl(undefined, 'abc')).toBeUndefined();
    expect(() => repositoryUrlOf({ ARCHIVE_REPOSITORY_URL: 'javascript:alert(1)' })).toThrow(/http/);
  });
});
