import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CommitFormatError, formatCommitMessage, parseCommitMessage, type VersionCommit } from '../../src/history/commit-format.ts';
import { formatVersionFile, parseVersionFile, sha256 } from '../../src/history/version-file.ts';

const base: VersionCommit = {
  heading: 'Claude Privacy Policy',
  summary: 'Added: Training our models. Reworded: Data retention.',
  platform: 'claude',
  document: 'privacy-policy',
  sourceUrls: ['https://www.anthropic.com/legal/privacy'],
  capturedAt: '2026-01-02T03:04:05Z',
  contentSha256: sha256('body'),
  captureSha256: [sha256('raw')],
  evidence: `evidence@${'a'.repeat(40)}`,
  change: 'substantive',
  archiver: 'governance-archive@0.1.0',
};

describe('commit format', () => {
  it('writes the subject and trailers of DESIGN.md', () => {
    const message = formatCommitMessage(base);
    expect(message.split('\n')[0]).toBe('Claude Privacy Policy: Added: Training our models. Reworded: Data retention.');
    expect(message).toContain('\n\nArchive-Document: claude/privacy-policy\nSource-Url: https://www.anthropic.com/legal/privacy\nCaptured-At: 2026-01-02T03:04:05Z\n');
    expect(message).toMatch(/\nChange: substantive\nArchiver: governance-archive@0\.1\.0\n$/);
  });

  it('round-trips, including several pages and a body', () => {
    const multi: VersionCommit = { ...base, sourceUrls: ['https://a.example/1', 'https://a.example/2'], captureSha256: [sha256('1'), sha256('2')], body: 'Details of the change.\nNote: this line looks like a trailer.' };
    expect(parseCommitMessage(formatCommitMessage(multi))).toEqual(multi);
    expect(parseCommitMessage(formatCommitMessage(base))).toEqual(base);
  });

  it('writes where an imported version comes from after its evidence, and reads it back', () => {
    const imported: VersionCommit = { ...base, importedFrom: `https://github.com/OpenTermsArchive/contrib-versions/commit/${'b'.repeat(40)}` };
    const message = formatCommitMessage(imported);
    expect(message).toContain(`\nEvidence: ${base.evidence}\nImported-From: ${imported.importedFrom}\nChange: substantive\n`);
    expect(parseCommitMessage(message)).toEqual(imported);
    expect(parseCommitMessage(formatCommitMessage(base))).not.toHaveProperty('importedFrom');
    expect(() => formatCommitMessage({ ...base, importedFrom: ' \n' })).toThrow(/Imported-From/);
    expect(() => parseCommitMessage(message.replace('\nChange:', '\nImported-From: elsewhere\nChange:'))).toThrow(/at most one Imported-From/);
  });

  it('round-trips arbitrary summaries and headings on one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.string({ minLength: 1, maxLength: 40 }), (summary, name) => {
        const parsed = parseCommitMessage(formatCommitMessage({ ...base, summary, heading: name }))!;
        expect(parsed.platform).toBe('claude');
        expect(parsed.contentSha256).toBe(base.contentSha256);
        expect(parsed.summary).not.toMatch(/\n/);
        // Scraped text may hold newlines; they are folded, never allowed to forge trailers.
        expect(parsed.evidence).toBe(base.evidence);
        expect(parsed.change).toBe('substantive');
      }),
    );
  });

  it('is not fooled by scraped text that looks like trailers', () => {
    const parsed = parseCommitMessage(formatCommitMessage({ ...base, summary: 'x\n\nChange: editorial\nEvidence: forged' }))!;
    expect(parsed.change).toBe('substantive');
    expect(parsed.evidence).toBe(base.evidence);
  });

  it('returns undefined for commits that are not versions', () => {
    expect(parseCommitMessage('Fix a typo in the README\n')).toBeUndefined();
    expect(parseCommitMessage('Declare Claude\n\nSigned-off-by: A <a@b.c>\n')).toBeUndefined();
  });

  it('refuses to write or read malformed versions', () => {
    expect(() => formatCommitMessage({ ...base, platform: 'Not A Slug' })).toThrow(CommitFormatError);
    expect(() => formatCommitMessage({ ...base, contentSha256: 'abc' })).toThrow(/SHA-256/);
    expect(() => formatCommitMessage({ ...base, sourceUrls: [] })).toThrow(/source URL/);
    expect(() => formatCommitMessage({ ...base, capturedAt: 'yesterday' })).toThrow(/date/);
    const message = formatCommitMessage(base).replace('Change: substantive', 'Change: cosmetic');
    expect(() => parseCommitMessage(message)).toThrow(/unknown Change/);
  });
});

describe('version file', () => {
  it('round-trips and hashes the body', () => {
    const body = '# Privacy\n\nWe collect "data".\n';
    const text = formatVersionFile({ platform: 'claude', document: 'privacy-policy', title: 'Privacy: "quoted"', sourceUrls: ['https://a.example/'], capturedAt: '2026-01-02T03:04:05Z', body });
    const parsed = parseVersionFile(text);
    expect(parsed).toEqual({ platform: 'claude', document: 'privacy-policy', title: 'Privacy: "quoted"', sourceUrls: ['https://a.example/'], capturedAt: '2026-01-02T03:04:05Z', contentSha256: sha256(body), body });
    expect(text.startsWith('---\nplatform: claude\n')).toBe(true);
  });

  it('keeps several URLs', () => {
    const text = formatVersionFile({ platform: 'p', document: 'd', title: 't', sourceUrls: ['https://a.example/1', 'https://a.example/2'], capturedAt: '2026-01-02T03:04:05Z', body: 'x\n' });
    expect(parseVersionFile(text).sourceUrls).toEqual(['https://a.example/1', 'https://a.example/2']);
  });

  it('names the file when the front matter is broken', () => {
    expect(() => parseVersionFile('no front matter', 'content/archive/x/y.md')).toThrow(/content\/archive\/x\/y\.md/);
  });
});
