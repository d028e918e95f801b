import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveWriter, EVIDENCE_BRANCH } from '../../src/archive/record/index.ts';
import { verifyArchive } from '../../src/history/verify.ts';
import { reextractArchive } from '../../src/archive/reextract.ts';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { formatCommitMessage } from '../../src/history/commit-format.ts';
import { formatVersionFile, sha256 } from '../../src/history/version-file.ts';
import { temporaryArchive } from '../support/archive.ts';

const long = (topic: string) =>
  `# Privacy Policy\n\n## ${topic}\n\nWe collect the information you give us when you create an account, such as your name and email address.\nWe use it to provide the service, to keep it safe, and to tell you about changes to these terms.\nWe keep it for as long as your account is open and delete it within ninety days after you close it.\n`;
const page = (topic: string, promo = '') =>
  `<html><body><main><h1>Privacy Policy</h1>${promo}<h2>${topic}</h2><p>We collect the information you give us when you create an account, such as your name and email address. We use it to provide the service, to keep it safe, and to tell you about changes to these terms. We keep it for as long as your account is open and delete it within ninety days after you close it.</p></main></body></html>`;

async function record(dir: string, markdown: string, at: string, html = page('Data'), importedFrom?: string) {
  const writer = await ArchiveWriter.open(dir);
  try {
    return await writer.record({
      platform: 'acme', document: 'privacy-policy', heading: 'Acme Privacy Policy', title: 'Privacy Policy',
      sourceUrls: ['https://acme.example/privacy'], capturedAt: at, markdown,
      evidence: [{ url: 'https://acme.example/privacy', mediaType: 'text/html', fetchedAt: at, bytes: Buffer.from(html) }],
      ...(importedFrom ? { importedFrom } : {}),
    });
  } finally {
    await writer.close();
  }
}

describe('verify', () => {
  let archive: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    archive = await temporaryArchive();
    await record(archive.dir, long('Data'), '2025-01-01T00:00:00Z');
    await record(archive.dir, long('Your data'), '2025-02-01T00:00:00Z');
  });
  afterEach(() => archive.cleanup());

  it('passes on an archive written by the recorder, hashing texts and captures', async () => {
    const report = await verifyArchive(archive.dir);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ versions: 2, evidenceCommits: 2, documents: 1 });
    expect(report.bytesHashed).toBeGreaterThan(1000);
  });

  it('catches a hand edit of an archive file', async () => {
    await writeFile(path.join(archive.dir, 'content/archive/acme/privacy-policy.md'), 'edited by hand\n');
    await git(archive.dir, ['commit', '-qam', 'Fix a typo']);
    const report = await verifyArchive(archive.dir);
    expect(report.problems.join('\n')).toMatch(/changes content\/archive\/acme\/privacy-policy\.md without being a recorded version/);
  });

  it('catches a version whose text does not match its hash, and one that touches two files', async () => {
    const last = (await readHistory(archive.dir)).at(-1)!.version!;
    const file = 'content/archive/acme/privacy-policy.md';
    await writeFile(path.join(archive.dir, file), formatVersionFile({ platform: 'acme', document: 'privacy-policy', title: 'Privacy Policy', sourceUrls: last.sourceUrls, capturedAt: '2025-03-01T00:00:00Z', body: long('Forged') }));
    await writeFile(path.join(archive.dir, 'NOTES.md'), 'x\n');
    await git(archive.dir, ['add', '-A']);
    const message = formatCommitMessage({ ...last, summary: 'forged', capturedAt: '2025-03-01T00:00:00Z', contentSha256: sha256('something else') });
    await git(archive.dir, ['commit', '-q', '-F', '-'], { input: message, env: { GIT_AUTHOR_DATE: '1740787200 +0000', GIT_COMMITTER_DATE: '1740787200 +0000' } });
    const problems = (await verifyArchive(archive.dir)).problems.join('\n');
    expect(problems).toMatch(/text hashes to [0-9a-f]{64}, Content-Sha256 says/);
    expect(problems).toMatch(/must touch exactly content\/archive\/acme\/privacy-policy\.md, touches .*NOTES\.md/);
    expect(problems).toMatch(/already the proof of another version/);
  });

  it('catches evidence that was rewritten', async () => {
    const tree = (await git(archive.dir, ['mktree'], { input: '' })).trim();
    const orphan = (await git(archive.dir, ['commit-tree', tree, '-m', 'rewritten'])).trim();
    await git(archive.dir, ['update-ref', EVIDENCE_BRANCH, orphan]);
    const problems = (await verifyArchive(archive.dir)).problems;
    expect(problems.filter((p) => /not on the evidence branch/.test(p))).toHaveLength(2);
  });

  it('catches history rewritten since the last checkpoint', async () => {
    const head = (await git(archive.dir, ['rev-parse', 'HEAD'])).trim();
    const evidence = (await git(archive.dir, ['rev-parse', EVIDENCE_BRANCH])).trim();
    const checkpoint = { head, evidence, verifiedAt: '2025-02-02T00:00:00Z' };
    expect((await verifyArchive(archive.dir, checkpoint)).checkpoint).toBe('kept');
    await git(archive.dir, ['reset', '-q', '--hard', 'HEAD~1']);
    await record(archive.dir, long('Something else'), '2025-02-01T00:00:00Z');
    const report = await verifyArchive(archive.dir, checkpoint);
    expect(report.checkpoint).toBe('broken');
    expect(report.problems.join('\n')).toMatch(/history was rewritten/);
  });
});

describe('reextract', () => {
  it('re-derives the latest version from its evidence as a technical version, once, keeping where it was imported from', async () => {
    const archive = await temporaryArchive();
    try {
      const declarations = path.join(archive.dir, 'content', 'platforms');
      await mkdir(declarations, { recursive: true });
      const declare = (remove: string) =>
        writeFile(path.join(declarations, 'acme.yaml'), `name: Acme\nwebsite: https://acme.example/\nowner: Acme Inc.\njurisdiction: US\nkind: other\ndocuments:\n  privacy-policy:\n    url: https://acme.example/privacy\n    remove: [${remove}]\n`);
      await declare('');
      // Recorded by an older declaration that let a promotion through.
      const html = page('Data', '<p class="promo">Try Acme Plus for free today!</p>');
      await record(archive.dir, `# Privacy Policy\n\nTry Acme Plus for free today!\n\n${long('Data').split('\n\n').slice(1).join('\n\n')}`, '2025-01-01T00:00:00Z', html, 'acme/privacy-policy/2025-01-01T00-00-00Z.md');
      await declare('.promo');
      const results = await reextractArchive({ archiveDir: archive.dir });
      expect(results.map((r) => r.outcome.status)).toEqual(['recorded']);
      const last = (await readHistory(archive.dir)).at(-1)!.version!;
      expect(last.change).toBe('technical');
      expect(last.capturedAt).toBe('2025-01-01T00:00:00Z');
      expect(last.importedFrom).toBe('acme/privacy-policy/2025-01-01T00-00-00Z.md');
      const first = (await readHistory(archive.dir))[0]!.version!;
      expect(last.evidence).toBe(first.evidence);
      expect(await git(archive.dir, ['show', 'HEAD:content/archive/acme/privacy-policy.md'])).not.toContain('Acme Plus');
      expect((await verifyArchive(archive.dir)).problems).toEqual([]);
      expect((await reextractArchive({ archiveDir: archive.dir })).map((r) => r.outcome.status)).toEqual(['unchanged']);
    } finally {
      await archive.cleanup();
    }
  });
});
