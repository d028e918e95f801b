import { createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedPatch } from '../../src/site/patch.ts';

const reference = (before: string, after: string, context = 3) => createTwoFilesPatch('text.md', 'text.md', before, after, undefined, undefined, { context });

describe('unifiedPatch writes what createTwoFilesPatch writes', () => {
  it.each([
    ['two empty texts', '', ''],
    ['identical texts', 'a\nb\n', 'a\nb\n'],
    ['to an empty text and from one', 'a\nb\n', ''],
    ['from an empty text', '', 'a\n'],
    ['no line break at the end, on either side', 'a\nb', 'a\nc'],
    ['a line break added at the end', 'a\nb', 'a\nb\n'],
    ['CRLF and lone CR', 'a\r\nb\r\nc\rd\n', 'a\r\nB\r\nc\rd\r\n'],
    ['blank lines only', '\n\n\n', '\n\n'],
    ['changes far apart (two hunks) and close together (one)', Array.from({ length: 30 }, (_, i) => `line ${i}\n`).join(''), Array.from({ length: 30 }, (_, i) => (i === 3 || i === 9 || i === 25 ? `LINE ${i}\n` : `line ${i}\n`)).join('')],
  ])('%s', (_name, before, after) => {
    expect(unifiedPatch('text.md', before, after)).toBe(reference(before, after));
  });

  it('on random texts, with any context', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'We share data.', '', ' ', 'x\r', 'é —');
    const text = fc.tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, end, last]) => lines.join(end) + (last ? end : ''));
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (before, after, context) => {
        expect(unifiedPatch('text.md', before, after, context)).toBe(reference(before, after, context));
      }),
      { numRuns: 3000 },
    );
  });
});
