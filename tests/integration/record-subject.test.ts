import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveWriter } from '../../src/archive/record/index.ts';
import { readHistory } from '../../src/history/log.ts';
import { temporaryArchive } from '../support/archive.ts';

// A document with a long name and a change touching many sections: its summary must fit the
// subject line whole, so that the timeline and the feeds never show a summary cut mid-word.
const heading = 'Google Generative AI Services Generative AI Additional Terms of Service and Prohibited Use Policy';
const sections = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `## ${prefix} topic number ${i + 1} with a long heading\n\nText ${prefix}${i} a${prefix}${i} b${prefix}${i} c${prefix}${i}.\n`).join('\n');

describe('the recorder’s commit subject', () => {
  let archive: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    archive = await temporaryArchive();
    const writer = await ArchiveWriter.open(archive.dir);
    try {
      for (const [markdown, at] of [[sections('old', 12), '2025-01-01T00:00:00Z'], [sections('new', 9), '2025-02-01T00:00:00Z']] as const) {
        await writer.record({
          platform: 'google', document: 'terms-of-service', heading, title: 'Terms of Service',
          sourceUrls: ['https://google.example/terms'], capturedAt: at, markdown,
          evidence: [{ url: 'https://google.example/terms', mediaType: 'text/html', fetchedAt: at, bytes: Buffer.from(markdown) }],
        });
      }
    } finally {
      await writer.close();
    }
  });
  afterAll(() => archive.cleanup());

  it('holds the whole summary after a long document name, ending on a full sentence', async () => {
    const last = (await readHistory(archive.dir)).at(-1)!;
    expect(last.subject.length).toBeLessThanOrEqual(200);
    expect(last.subject).toBe(`${heading}: ${last.version!.summary}`);
    expect(last.version!.summary).toMatch(/^Added: new topic number 1 with a long heading.* more\.( Also \d+ other changes?\.)?$/);
  });
});
