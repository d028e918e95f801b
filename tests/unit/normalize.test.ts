import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeMarkdown, splitSentences } from '../../src/archive/normalize/index.ts';
import { fixtureRevisionsMarkdown } from '../support/corpus.ts';

describe('splitSentences', () => {
  it.each([
    ['We collect data. We use it.', ['We collect data.', 'We use it.']],
    ['See e.g. the rules. Then act.', ['See e.g. the rules.', 'Then act.']],
    ['Acme Inc. and Mr. Smith agree. Yes.', ['Acme Inc. and Mr. Smith agree.', 'Yes.']],
    ['Under the U.S. law it applies. Done!', ['Under the U.S. law it applies.', 'Done!']],
    ['Is it "fine." He said so.', ['Is it "fine."', 'He said so.']],
    ['You must be 18. Minors may not register.', ['You must be 18.', 'Minors may not register.']],
    ['As follows: 1. Access to data.', ['As follows: 1. Access to data.']],
    ['Per Art. 6 GDPR we rely on consent. Really?', ['Per Art. 6 GDPR we rely on consent.', 'Really?']],
    ['version 2.0 is out. it continues lowercase.', ['version 2.0 is out. it continues lowercase.']],
  ])('%s', (text, sentences) => {
    expect(splitSentences(text)).toEqual(sentences);
  });
});

describe('normalizeMarkdown', () => {
  it('puts one sentence per line inside paragraphs and list items', () => {
    expect(normalizeMarkdown('First one. Second one.\n\n* Item a. Item b.\n')).toBe('First one.\nSecond one.\n\n- Item a.\n  Item b.\n');
  });

  it('fixes every style choice', () => {
    const input = 'Title\n=====\n\nSub\n---\n\n* one\n+ two\n\n*em* and __strong__\n\n***\n\n~~~\ncode\n~~~\n';
    expect(normalizeMarkdown(input)).toBe('# Title\n\n## Sub\n\n- one\n\n* two\n\n_em_ and **strong**\n\n---\n\n```\ncode\n```\n');
  });

  it('folds whitespace, invisible characters and no-break spaces', () => {
    expect(normalizeMarkdown('  A\u00a0 line   with\u200b  gaps\t.  \n\n\n\nNext\n')).toBe('A line with gaps .\n\nNext\n');
  });

  it('drops hard breaks at the edges of a paragraph', () => {
    expect(normalizeMarkdown('text  \n\nmore  \n')).toBe('text\n\nmore\n');
    expect(normalizeMarkdown('<br>\n\ntext<br>')).toBe('<br>\n\ntext<br>\n');
  });

  it('does not pad table columns, so one cell change touches one row', () => {
    const a = normalizeMarkdown('| a | b |\n|---|---|\n| short | x |\n| y | z |\n');
    const b = normalizeMarkdown('| a | b |\n|---|---|\n| a much longer cell | x |\n| y | z |\n');
    const changed = a.split('\n').filter((line, i) => line !== b.split('\n')[i]);
    expect(changed).toHaveLength(1);
  });

  it('escapes a sentence that would start a block after splitting', () => {
    const out = normalizeMarkdown('It ends here! 2. This must stay text.');
    expect(out).toBe('It ends here!\n2\\. This must stay text.\n');
    expect(normalizeMarkdown(out)).toBe(out);
  });

  it('is idempotent on generated Markdown', () => {
    const word = fc.constantFrom('data', 'Policy', 'we', 'U.S.', 'e.g.', '1.', '2)', '-', '*', '#', '>', '|', '_x_', '**b**', '[l](https://a.example/)', '`c`', 'end.', 'Yes!', 'Why?', '\\', '  ', '\n', '\n\n', '1. item', '- item', '## H', '\u00a0');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 40 }), (words) => {
        const once = normalizeMarkdown(words.join(' '));
        expect(normalizeMarkdown(once)).toBe(once);
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent and deterministic on every fixture-web revision', async () => {
    let checked = 0;
    for (const markdown of await fixtureRevisionsMarkdown()) {
      const once = normalizeMarkdown(markdown);
      expect(normalizeMarkdown(once)).toBe(once);
      expect(normalizeMarkdown(markdown)).toBe(once);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });
});
