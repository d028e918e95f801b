import { readFile, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfToMarkdown, runsOf } from '../../src/archive/extract/pdf.ts';
import { blocksOf, dropPageFurniture, joinLines, linesOfPage, toMarkdown, type Line, type TextRun } from '../../src/archive/extract/pdf/layout.ts';
import { ExtractError } from '../../src/archive/extract/index.ts';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';
import { POLICY_MARKDOWN, POLICY_PDF, makeEncryptedPdf, makeImageOnlyPdf, makePolicyPdf } from '../fixtures/pdf/make-policy-pdf.ts';

const update = process.env.UPDATE_FIXTURES === '1';

let policy: Uint8Array;
let markdown: string;

beforeAll(async () => {
  if (update) await writeFile(POLICY_PDF, await makePolicyPdf());
  policy = new Uint8Array(await readFile(POLICY_PDF));
  markdown = await pdfToMarkdown(policy, { url: 'https://www.lumen.example/legal/privacy.pdf' });
  if (update) await writeFile(POLICY_MARKDOWN, markdown);
});

async function extractFailure(promise: Promise<string>): Promise<ExtractError> {
  const error = await promise.then(
    (text) => {
      throw new Error(`expected an ExtractError, got text: ${text.slice(0, 200)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(ExtractError);
  return error as ExtractError;
}

describe('pdfToMarkdown on a three-page policy', () => {
  it('gives the reviewed Markdown (regenerate with UPDATE_FIXTURES=1)', async () => {
    expect(markdown).toBe(await readFile(POLICY_MARKDOWN, 'utf8'));
  });

  it('is built from the committed generator: the fixture PDF is what make-policy-pdf.ts makes', async () => {
    expect(Buffer.from(await makePolicyPdf()).equals(Buffer.from(policy))).toBe(true);
  });

  it('turns type sizes into heading levels: the 24 pt title, then the 16 pt sections', () => {
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# Lumen AI Privacy Policy',
      '## 1. Information we collect',
      '## 2. How we use information',
      '## 3. Sharing',
      '## 4. Retention',
      '## 5. Contact',
    ]);
  });

  it('keeps clause numbers at the start of their paragraphs', () => {
    const paragraphs = markdown.split('\n\n');
    for (const start of ['1.1 Account information.', '1.2 Content.', '1.3 Technical data.', '2.1 We use', '4.2 We delete', '(a) conversations', '(b) files', '(c) ratings']) {
      expect(paragraphs.some((paragraph) => paragraph.startsWith(start)), start).toBe(true);
    }
    expect(markdown).toContain('4.2 We delete conversations 30 days after you delete them, except where we must keep them longer to comply with a legal obligation.');
  });

  it('drops the running header, the footer and the page numbers', () => {
    expect(markdown).not.toMatch(/Page \d of 3/);
    expect(markdown).not.toContain('Effective 1 March 2026');
    // The header repeats the title; only the title is left.
    expect(markdown.match(/Lumen AI Privacy Policy/g)).toHaveLength(1);
  });

  it('mends words hyphenated across lines, and keeps the hyphen of a compound before a capital', () => {
    expect(markdown).toContain('we use this information to provide and secure the service');
    expect(markdown).not.toContain('in-');
    expect(markdown).toContain('Transfers to non-EU processors rely on standard contractual clauses.');
  });

  it('continues a paragraph that runs onto the next page', () => {
    expect(markdown).toContain('Where we rely on service providers, they process this data on our behalf under written contracts.');
  });

  it('is deterministic, and leaves the caller’s bytes intact (they are the evidence)', async () => {
    const copy = Buffer.from(policy);
    const again = await pdfToMarkdown(policy);
    expect(again).toBe(markdown);
    expect(policy.byteLength).toBe(copy.length);
    expect(Buffer.from(policy).equals(copy)).toBe(true);
  });

  it('survives normalization with its structure', () => {
    const normalized = normalizeMarkdown(markdown);
    expect(normalizeMarkdown(normalized)).toBe(normalized);
    expect(normalized).toContain('## 1. Information we collect\n');
    expect(normalized).toContain('1.2 Content.\nWe collect the prompts');
  });
});

describe('pdfToMarkdown failures', () => {
  it('refuses what is not a PDF', async () => {
    const error = await extractFailure(pdfToMarkdown(new TextEncoder().encode('<!doctype html><h1>Privacy</h1>'), { url: 'https://x.example/privacy.pdf' }));
    expect(error).toMatchObject({ reason: 'unsupported', url: 'https://x.example/privacy.pdf', transient: false });
    expect(error.message).toContain('not a readable PDF');
    await expect(pdfToMarkdown(new Uint8Array(0))).rejects.toBeInstanceOf(ExtractError);
  });

  it('refuses a PDF that needs a password', async () => {
    const error = await extractFailure(pdfToMarkdown(await makeEncryptedPdf()));
    expect(error).toMatchObject({ reason: 'unsupported' });
    expect(error.message).toContain('encrypted and needs a password');
  });

  it('refuses a scan (an image and no text layer) as empty', async () => {
    const error = await extractFailure(pdfToMarkdown(await makeImageOnlyPdf()));
    expect(error).toMatchObject({ reason: 'empty' });
    expect(error.message).toContain('no text layer');
  });
});

describe('PDF layout rules', () => {
  const run = (text: string, x: number, y: number, size = 11): TextRun => ({ text, x, y, size, width: text.length * size * 0.5 });
  const line = (page: number, text: string, y: number, size = 11, x = 72): Line => ({ page, text, x, y, size });

  it('builds lines from runs in any drawing order, with a raised footnote mark on its line', () => {
    const lines = linesOfPage([run('world.', 110, 700), run('Hello', 72, 700), run('1', 100, 704, 7), run('Next line', 72, 686)], 1);
    expect(lines.map((each) => each.text)).toEqual(['Hello1 world.', 'Next line']);
    expect(lines[0]).toMatchObject({ y: 700, size: 11 });
  });

  it('joins hyphenated line breaks only before a lower-case letter', () => {
    expect(joinLines(['in-', 'formation'])).toBe('information');
    expect(joinLines(['non-', 'EU'])).toBe('non-EU');
    expect(joinLines(['pages 1 -', 'and more'])).toBe('pages 1 - and more');
    expect(joinLines(['two', 'lines'])).toBe('two lines');
  });

  it('keeps, on a single page, a lone number that is not at an edge, and drops one that is', () => {
    const page = [line(1, 'Fees', 700, 16), line(1, 'The fee is', 680), line(1, '12', 666), line(1, 'euros.', 652), line(1, 'More text follows here.', 630), line(1, '3', 40)];
    expect(dropPageFurniture([page])[0]!.map((each) => each.text)).toEqual(['Fees', 'The fee is', '12', 'euros.', 'More text follows here.']);
  });

  it('gives at most three heading levels, larger type first', () => {
    const lines = [line(1, 'Title', 700, 30), line(1, 'Part', 660, 22), line(1, 'Section', 630, 18), line(1, 'Subsection', 600, 14), line(1, 'Body text here.', 580), line(1, 'More body text.', 566)];
    expect(blocksOf(lines).map((block) => (block.kind === 'heading' ? block.level : 0))).toEqual([1, 2, 3, 3, 0]);
  });

  it('escapes what Markdown would read as markup, but not a clause number', () => {
    expect(toMarkdown([{ kind: 'paragraph', text: 'Use *only* file_name [here] <b>' }])).toBe('Use \\*only\\* file\\_name \\[here\\] \\<b>\n');
    expect(toMarkdown([{ kind: 'paragraph', text: '# not a heading' }])).toBe('\\# not a heading\n');
    expect(toMarkdown([{ kind: 'paragraph', text: '1. First clause.' }, { kind: 'paragraph', text: '• a bullet' }])).toBe('1. First clause.\n\n- a bullet\n');
  });

  it('leaves out a diagonal watermark and reads a rotated page upright', () => {
    const item = (str: string, transform: number[]) => ({ str, transform, width: str.length * 5 });
    const diagonal = [8, 8, -8, 8, 200, 300];
    expect(runsOf([item('Body', [11, 0, 0, 11, 72, 700]), item('DRAFT', diagonal)]).map((each) => each.text)).toEqual(['Body']);
    // Text turned 90° (a landscape page stored in portrait): lines run up the page.
    const turned = runsOf([item('First line', [0, 11, -11, 0, 100, 72]), item('Second line', [0, 11, -11, 0, 114, 72])]);
    expect(linesOfPage(turned, 1).map((each) => each.text)).toEqual(['First line', 'Second line']);
  });
});
