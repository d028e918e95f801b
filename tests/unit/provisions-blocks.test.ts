import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blocksOf, parseBlocks, scanBlocks } from '../../src/analysis/provisions/blocks.ts';
import { referenceSegment, segment } from '../../src/analysis/provisions/segment.ts';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';
import { fixtureRevisionsMarkdown, hasOtaCorpus, otaDocuments, unpackOtaCorpus } from '../support/corpus.ts';

/** The fast scanner either gives up or finds exactly the blocks mdast finds. */
function expectSameBlocks(markdown: string): boolean {
  const fast = scanBlocks(markdown);
  if (fast !== undefined) expect(fast, JSON.stringify(markdown)).toEqual(parseBlocks(markdown));
  expect(blocksOf(markdown)).toEqual(parseBlocks(markdown));
  return fast !== undefined;
}

/** The bodies `segment` splits into blocks: every section body (and a text without headings), trimmed. */
function bodies(markdown: string): string[] {
  const out: string[] = [];
  let body: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^(?:```|~~~)/.test(line)) fence = !fence;
    if (!fence && /^#{1,6}(?:[ \t]|$)/.test(line)) {
      out.push(body.join('\n').trim());
      body = [];
    } else body.push(line);
  }
  out.push(body.join('\n').trim());
  return out.filter(Boolean);
}

/** Compares the fast and reference paths on a whole text; returns how many bodies the scanner read itself. */
function expectSameSegments(markdown: string): number {
  expect(segment(markdown)).toEqual(referenceSegment(markdown));
  return bodies(markdown).filter(expectSameBlocks).length;
}

// Normalized style (the scanner must read these itself) and its neighbours (it may give up).
const CASES: Record<string, string> = {
  'paragraphs': 'One sentence.\nAnother one.\n\nA second paragraph.',
  'nested list': '- a\n  - b\n    - c\n      continued\n  - d\n- e',
  'loose list': '1. **Fees.** You pay.\n\n   More about fees.\n\n2. **Refunds.** None.\n\n   - nested\n   - items\n\n3. Last.',
  'list switching markers': '- a\n- b\n\n* c\n* d\n\n1. e\n2. f\n\n1) g\n2) h\n\n+ i',
  'ordered list starting at 7': '7. seven\n8. eight\n9. nine\n10. ten\n    continued under ten',
  'bullet right after ordered': '1. a\n- b\n2. c',
  'ordered 2 after a paragraph': 'Paragraph text\n2. not a list',
  'ordered 1 after a paragraph': 'Paragraph text\n1. a list',
  'bullet after a paragraph': 'Paragraph text\n- a list',
  'lazy continuation': '- item\nlazy line\n- next',
  'lazy continuation in a nested item': '- a\n  - b\nlazy\n- c',
  'lazy continuation in a quote': '> quoted\nlazy',
  'under-indented continuation': '10. ten\n  two spaces\n11. eleven',
  'table': '| a | b |\n| - | :-: |\n| c \\| d | e |\n\nAfter.',
  'table row without pipe': '| a | b |\n| - | - |\n| c | d |\nrow or not',
  'table interrupting a paragraph': 'Text\n| a | b |\n| - | - |',
  'table with mismatched cells': '| a | b |\n| - |\n| c |',
  'table header without outer pipes': 'a | b\n- | -',
  'table in a list': '1. a\n\n   | x | y |\n   | - | - |\n\n2. b',
  'code fence with # and markers': '```\n# not a heading\n- not an item\n1. nor this\n> nor this\n```\n\n- real item',
  'tilde fence and longer closer': '~~~~ js\n~~~\n```\n~~~~~\n\ntext',
  'unclosed fence': '```\ncode\n\nmore',
  'fence in a list item': '- a\n  ```\n  x\n  ```\n- b',
  'unclosed fence in a list item': '- a\n  ```\n  x\n\n\nb',
  'block quote': '> quoted\n> more\n>\n> - item\n\nAfter.',
  'block quote then text': '> quoted\n\n> another\n\ntext',
  'definitions with bold leads': '- **"Account"** means your account.\n- **"Content"** means what you post.\n- **Service**: the service.',
  'definition paragraphs': '"Agreement" means this agreement.\n\n**"Data"** means data.\n\n"User" refers to you.',
  'thematic breaks': 'a\n\n***\n\n- b\n\n---\n\n* * *\n\n___\n\nc',
  'thematic break after an item': '* a\n* * *\n\n- b\n***',
  'setext underline': 'Title\n---\n\nText\n===',
  'escaped characters': '\\- not an item\n\\# not a heading\n1\\. not ordered\n\\> not a quote\n\\| not | a table |\n\\*\n\n\\[x]: not a definition',
  'link definition': 'Text with [a link][x].\n\n[x]: https://example.com "title"\n\nMore.',
  'footnote': 'Text[^1].\n\n[^1]: The note.\n    Continued.',
  'indented code': 'Text\n\n    code\n\nMore.',
  'indented block start': ' - one space\n - list',
  'empty items': '-\n\n- a\n-\n- b',
  'html': '<div>\nhtml\n</div>\n\ntext',
  'tabs': '-\ta\n-\tb',
  'trailing spaces': 'line with a hard break  \nnext line',
  'atx heading inside an item': '- a\n\n  # heading in item\n- b',
  'many blank lines in an item': '- a\n\n\n\n  still a\n- b',
  'wide marker': '-     code in item\n- b',
  'clauses': '4.1 You pay in advance.\n\n4.2 Refunds.\nNone at all.\n\n(a) Scope.\n\nA. Another.',
  'numbered items with bold leads': '1. **Fees.** You pay.\n2. **Refunds.** None.\n3. Nothing bold.',
};

describe('the block scanner', () => {
  it.each(Object.entries(CASES))('finds the blocks mdast finds, or gives up: %s', (_, markdown) => {
    expectSameBlocks(markdown);
    expectSameSegments(`## Section\n\n${markdown}\n`);
    expectSameSegments(markdown);
  });

  // What the normalizer keeps that the scanner leaves to mdast: definitions (rare), HTML (never seen in the corpus).
  const PARSED_EVEN_NORMALIZED = new Set(['link definition', 'footnote', 'html']);
  it.each(Object.entries(CASES))('reads the normalized form itself: %s', (name, markdown) => {
    const text = `## Section\n\n${normalizeMarkdown(markdown)}`;
    const scanned = expectSameSegments(text);
    if (!PARSED_EVEN_NORMALIZED.has(name)) expect(scanned, text).toBe(bodies(text).length);
  });

  it('reads the usual shapes itself', () => {
    for (const name of ['paragraphs', 'nested list', 'loose list', 'list switching markers', 'ordered list starting at 7', 'table', 'table in a list', 'code fence with # and markers', 'fence in a list item', 'block quote', 'definitions with bold leads', 'thematic breaks', 'escaped characters', 'empty items', 'many blank lines in an item', 'clauses']) {
      expect(scanBlocks(CASES[name]!), name).toBeDefined();
    }
  });

  it('gives up on what it cannot place with certainty', () => {
    for (const name of ['lazy continuation', 'lazy continuation in a quote', 'bullet after a paragraph', 'table row without pipe', 'unclosed fence', 'unclosed fence in a list item', 'link definition', 'html', 'tabs', 'setext underline', 'indented code']) {
      expect(scanBlocks(CASES[name]!), name).toBeUndefined();
    }
  });

  it('agrees with mdast on random texts made of tricky lines', () => {
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('', '', 'text', 'Another sentence.', '**"Term"** means a thing.') },
      {
        weight: 4,
        arbitrary: fc.constantFrom('- item', '* item', '+ item', '-', '1.', '1. one', '2. two', '1) one', '10. ten', '  continued', '   continued', '    continued', '  - nested', '    - deeper', '  1. n', '   - n3', '     more', '      more'),
      },
      { weight: 2, arbitrary: fc.constantFrom('```', '~~~', '  ```', '   ```', '    ```', '     ```', '  ~~~', '````', '```js', '```a`b', '- ```', '1. ```', '10. ```', '  - ```', '> ```') },
      {
        weight: 2,
        arbitrary: fc.constantFrom('> q', '>', '> - quoted item', '  > quote in item', '| a | b |', '| - | - |', '|', '| a |', '| - |', '  | x |', '  | - |', 'a | b', '- | -', '---', '***', '* * *', '- - -', '  ***', '===', '# h', '  # h', '1\\. x', '\\- x', '| a \\| b |', '[x]: /url', ' text', '-     five', '<div>', '-\ttab', 'a  '),
      },
    );
    let scanned = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 16 }), (lines) => {
        const markdown = lines.join('\n').trim();
        if (markdown && expectSameBlocks(markdown)) scanned++;
      }),
      { numRuns: 3000 },
    );
    expect(scanned).toBeGreaterThan(300);
  });
});

describe('fast and reference segmentation', () => {
  it('agree on every fixture-web revision, normalized', async () => {
    let checked = 0;
    let scanned = 0;
    for (const markdown of await fixtureRevisionsMarkdown()) {
      scanned += expectSameSegments(normalizeMarkdown(markdown));
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
    expect(scanned).toBeGreaterThan(checked);
  });

  describe.skipIf(!hasOtaCorpus)('on the Open Terms Archive corpus', () => {
    /** Every 8th document, its first and last 2 versions: a spread of platforms and formats in a few seconds. */
    const EVERY = 8;
    it('agree on a sample of versions, normalized', async () => {
      const ota = await unpackOtaCorpus();
      let versions = 0;
      let bodiesScanned = 0;
      for (const { folder, files } of (await otaDocuments(ota)).filter((_, i) => i % EVERY === 0)) {
        const sample = files.length <= 4 ? files : [...files.slice(0, 2), ...files.slice(-2)];
        for (const file of sample) {
          bodiesScanned += expectSameSegments(normalizeMarkdown(await readFile(path.join(folder, file), 'utf8')));
          versions++;
        }
      }
      expect(versions).toBeGreaterThan(50);
      expect(bodiesScanned).toBeGreaterThan(versions);
    }, 300_000);
  });
});
