import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importHistory, listHistory, ImportError } from '../../src/archive/import/index.ts';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';
import { REPO_ROOT, temporaryArchive } from '../support/archive.ts';
import { hasOtaCorpus, unpackOtaCorpus } from '../support/corpus.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const text = (n: number) => `# Terms\n\n## Using the service\n\nYou may use the service for lawful purposes. Version ${n} of these terms applies to everyone who signs up for an account with us and uses our apps or website. We may suspend accounts that break these terms, and we will tell you before we change them in a way that matters to you.\n`;

describe('import', () => {
  it('builds one commit per version, interleaved by date, at the original dates', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'history-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await mkdir(path.join(folder, 'acme', 'terms-of-service'), { recursive: true });
    await mkdir(path.join(folder, 'acme', 'privacy-policy'), { recursive: true });
    await writeFile(path.join(folder, 'acme', 'terms-of-service', '2020-01-01T10-00-00Z.md'), text(1));
    await writeFile(path.join(folder, 'acme', 'terms-of-service', '2021-06-01T10-00-00Z.md'), text(2));
    await writeFile(path.join(folder, 'acme', 'terms-of-service', '2021-06-01T10-00-00Z-2.md'), text(2).replace('lawful', 'Lawful'));
    await writeFile(path.join(folder, 'acme', 'terms-of-service', '2022-01-01T10-00-00Z.md'), `${text(2).replace('lawful', 'Lawful')}\n\n`);
    await writeFile(path.join(folder, 'acme', 'privacy-policy', '2020-06-01T00-00-00Z.md'), text(9).replace('Terms', 'Privacy'));
    await writeFile(path.join(folder, 'acme', 'privacy-policy', '2023-06-01T00-00-00Z.md'), 'Loading…');
    await writeFile(path.join(folder, 'acme', 'versions.json'), '[]');
    // Where two of the versions were first recorded; the third entry is not usable.
    const origin = (n: number) => ({ source_repo: 'OpenTermsArchive/acme-versions', source_commit: String(n).repeat(40) });
    await writeFile(
      path.join(folder, 'acme', 'terms-of-service', 'versions.json'),
      JSON.stringify([{ file: '2020-01-01T10-00-00Z.md', ...origin(1) }, { file: '2021-06-01T10-00-00Z.md', ...origin(2) }, { file: '2021-06-01T10-00-00Z-2.md', source_repo: 'not a repo', source_commit: 'x' }]),
    );
    const archive = await temporaryArchive();
    cleanups.push(archive.cleanup);
    const report = await importHistory({ archiveDir: archive.dir, folder });
    expect(report).toMatchObject({ files: 6, documents: 2, recorded: { initial: 2, substantive: 1, editorial: 1 }, unchanged: 1 });
    expect(report.refused.map((r) => r.reason)).toEqual(['placeholder']);
    const history = (await readHistory(archive.dir)).map((c) => `${c.date} ${c.version!.document} ${c.version!.change}`);
    expect(history).toEqual([
      '2020-01-01T10:00:00Z terms-of-service initial',
      '2020-06-01T00:00:00Z privacy-policy initial',
      '2021-06-01T10:00:00Z terms-of-service substantive',
      '2021-06-01T10:00:00Z terms-of-service editorial',
    ]);
    expect((await readHistory(archive.dir))[0]!.subject).toBe('Acme Terms of Service: first recorded version');
    // The imported file is kept as evidence, byte for byte.
    const first = (await readHistory(archive.dir))[0]!.version!;
    const evidence = first.evidence.replace('evidence@', '');
    expect(await git(archive.dir, ['show', `${evidence}:1.md`])).toBe(text(1));
    // Each version says where it was first recorded: the original commit, else the file imported.
    expect((await readHistory(archive.dir)).map((c) => c.version!.importedFrom)).toEqual([
      `https://github.com/OpenTermsArchive/acme-versions/commit/${'1'.repeat(40)}`,
      'acme/privacy-policy/2020-06-01T00-00-00Z.md',
      `https://github.com/OpenTermsArchive/acme-versions/commit/${'2'.repeat(40)}`,
      'acme/terms-of-service/2021-06-01T10-00-00Z-2.md',
    ]);
    // Importing again adds nothing.
    const again = await importHistory({ archiveDir: archive.dir, folder });
    expect(again.recorded).toEqual({ initial: 0, substantive: 0, editorial: 0, technical: 0 });
    expect(again.alreadyImported).toBe(4);
    expect(again.refused).toHaveLength(1); // the placeholder, newer than anything recorded, is refused again
  });

  it('imports a platform or a document under the name the archive gives it', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'history-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const put = async (file: string, body: string) => {
      await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
      await writeFile(path.join(folder, file), body);
    };
    await put('acme-inc/declaration.json', JSON.stringify({ name: 'Acme Inc.', terms: { 'Terms of Service': { fetch: 'https://acme.example/terms' } } }));
    await put('acme-inc/terms-of-service/2020-01-01T10-00-00Z.md', text(1));
    await put('acme-inc/terms-of-service/2021-01-01T10-00-00Z.md', text(2));
    await put('acme-inc/ai-policy/2020-03-01T10-00-00Z.md', text(3).replace('Terms', 'AI use'));
    await put('other/terms-of-service/2020-02-01T10-00-00Z.md', text(4));
    const importInto = async (as: Record<string, string>) => {
      const archive = await temporaryArchive();
      cleanups.push(archive.cleanup);
      const attempt = importHistory({ archiveDir: archive.dir, folder, as });
      return { archive, attempt };
    };

    const { archive, attempt } = await importInto({ 'acme-inc': 'acme', 'acme-inc/ai-policy': 'acme-ai/acceptable-use-policy' });
    await attempt;
    const versions = (await readHistory(archive.dir)).map((c) => c.version!);
    expect(versions.map((v) => `${v.platform}/${v.document}`)).toEqual(['acme/terms-of-service', 'other/terms-of-service', 'acme-ai/acceptable-use-policy', 'acme/terms-of-service']);
    // Names, URLs and provenance still come from the folder's own names.
    expect(versions[0]!.sourceUrls).toEqual(['https://acme.example/terms']);
    expect(versions[0]!.importedFrom).toBe('acme-inc/terms-of-service/2020-01-01T10-00-00Z.md');
    expect(versions[2]!.importedFrom).toBe('acme-inc/ai-policy/2020-03-01T10-00-00Z.md');
    expect((await readHistory(archive.dir))[0]!.subject).toBe('Acme Inc. Terms of Service: first recorded version');

    for (const [as, message] of [
      [{ nobody: 'acme' }, /--as nobody=acme: .* has no platform "nobody"/],
      [{ 'acme-inc': 'acme/terms-of-service' }, /--as acme-inc=acme\/terms-of-service: map a platform to a platform/],
      [{ 'acme-inc': 'other' }, /acme-inc\/terms-of-service and other\/terms-of-service would both become other\/terms-of-service|other\/terms-of-service and acme-inc\/terms-of-service would both become other\/terms-of-service/],
    ] as const) {
      const refused = await importInto(as);
      await expect(refused.attempt).rejects.toThrow(message);
      expect(await readHistory(refused.archive.dir)).toEqual([]);
    }

    // The command line: --as from=to, and a malformed pair is a usage error (exit 2).
    const cli = (...args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(REPO_ROOT, 'scripts', 'import.ts'), ...args], (error, _stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }));
      });
    const target = await temporaryArchive();
    cleanups.push(target.cleanup);
    expect(await cli(folder, '--archive', target.dir, '--as', 'acme-inc=acme', '--platform', 'acme-inc')).toMatchObject({ code: 0 });
    expect(new Set((await readHistory(target.dir)).map((c) => c.version!.platform))).toEqual(new Set(['acme']));
    const malformed = await cli(folder, '--archive', target.dir, '--as', 'acme-inc');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--as acme-inc: expected <from>=<to>');
  });

  it('names the versions.json it cannot read', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'history-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await mkdir(path.join(folder, 'acme', 'terms-of-service'), { recursive: true });
    await writeFile(path.join(folder, 'acme', 'terms-of-service', '2020-01-01T10-00-00Z.md'), text(1));
    await writeFile(path.join(folder, 'acme', 'terms-of-service', 'versions.json'), '{"file": ');
    const archive = await temporaryArchive();
    cleanups.push(archive.cleanup);
    const attempt = importHistory({ archiveDir: archive.dir, folder });
    await expect(attempt).rejects.toThrow(ImportError);
    await expect(attempt).rejects.toThrow(path.join(folder, 'acme', 'terms-of-service', 'versions.json'));
    expect(await readHistory(archive.dir)).toEqual([]);
  });

  it('names the file when the layout is wrong', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'history-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await mkdir(path.join(folder, 'acme', 'terms'), { recursive: true });
    await writeFile(path.join(folder, 'acme', 'terms', 'latest.md'), 'x');
    await expect(listHistory(folder)).rejects.toThrow(ImportError);
    await expect(listHistory(folder)).rejects.toThrow(/acme\/terms\/latest\.md: file name is not a timestamp/);
    await expect(listHistory(path.join(folder, 'nope'))).rejects.toThrow(/cannot read the import folder/);
  });
});

describe.skipIf(!hasOtaCorpus)('the real Open Terms Archive corpus', () => {
  it('normalizes a sample of real versions idempotently', async () => {
    const ota = await unpackOtaCorpus();
    let checked = 0;
    for (const platform of (await readdir(ota, { withFileTypes: true })).filter((e) => e.isDirectory())) {
      for (const document of (await readdir(path.join(ota, platform.name), { withFileTypes: true })).filter((e) => e.isDirectory())) {
        const files = (await readdir(path.join(ota, platform.name, document.name))).filter((f) => f.endsWith('.md')).sort();
        // The last version of every document: 230 texts of every shape (the whole corpus is
        // checked by the benchmark; all of it in a test would take minutes).
        for (const file of [files.at(-1)!]) {
          const once = normalizeMarkdown(await readFile(path.join(ota, platform.name, document.name, file), 'utf8'));
          expect(normalizeMarkdown(once), `${platform.name}/${document.name}/${file}`).toBe(once);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  }, 300_000);

  it('imports real histories with the names and URLs found beside them', async () => {
    const ota = await unpackOtaCorpus();
    const archive = await temporaryArchive();
    cleanups.push(archive.cleanup);
    const report = await importHistory({ archiveDir: archive.dir, folder: ota, platforms: ['bluesky', 'bereal'] });
    expect(report.documents).toBe(6);
    const history = await readHistory(archive.dir);
    const versions = history.map((c) => c.version!);
    expect(versions.length).toBe(report.recorded.initial + report.recorded.substantive + report.recorded.editorial);
    expect(versions.filter((v) => v.change === 'initial')).toHaveLength(6);
    expect(history.every((c) => c.files.length === 1)).toBe(true);
    expect(history.some((c) => c.subject.startsWith('Bluesky Terms of Service: '))).toBe(true);
    expect(versions.every((v) => v.sourceUrls[0]!.startsWith('https://'))).toBe(true);
    expect(versions.every((v) => /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/commit\/[0-9a-f]{40}$/.test(v.importedFrom ?? ''))).toBe(true);
    await git(archive.dir, ['fsck', '--strict', '--no-dangling']);
  }, 300_000);
});
