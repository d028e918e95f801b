import * as cheerio from 'cheerio';
import { createTwoFilesPatch } from 'diff';
import { html as diff2html } from 'diff2html';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderDiffUncached } from '../../src/site/diff.ts';

/**
 * What the site drew before: diff2html's own renderers, once per layout, with the site's file
 * templates, side by side zipped into one table, whitespace between tags dropped. The renderer
 * under test draws each pair of lines once; it must draw the same HTML.
 */
function diff2htmlReference(previous: string, next: string): { lineByLine: string; sideBySide: string } {
  const patch = createTwoFilesPatch('text.md', 'text.md', previous, next, undefined, undefined, { context: 3 });
  const lineByLineFile =
    '<div class="d2h-file-wrapper"><table class="d2h-diff-table d2h-line-by-line">' +
    '<thead><tr><th scope="col">Lines <span class="visually-hidden">(previous version, this version)</span></th><th scope="col">Text <span class="visually-hidden">(lines marked − are only in the previous version, + only in this one)</span></th></tr></thead>' +
    '<tbody class="d2h-diff-tbody">{{{diffs}}}</tbody></table></div>';
  const sideBySideHead =
    '<thead><tr><th scope="col"><span class="visually-hidden">Line</span></th><th scope="col">Previous version</th>' +
    '<th scope="col"><span class="visually-hidden">Line</span></th><th scope="col">This version</th></tr></thead>';
  const rowsOf = (html: string) => html.split('</tr>').map((row) => row.trim()).filter((row) => row.startsWith('<tr>')).map((row) => row.slice('<tr>'.length));
  const zip = (html: string) =>
    html.replace(/\u0001([\s\S]*?)\u0002([\s\S]*?)\u0003/g, (_match, left: string, right: string) => {
      const rightRows = rowsOf(right);
      const rows = rowsOf(left).map((row, index) => `<tr>${row}${rightRows[index]}</tr>`).join('\n');
      return `<div class="d2h-file-wrapper"><table class="d2h-diff-table d2h-side-by-side">${sideBySideHead}<tbody class="d2h-diff-tbody">${rows}</tbody></table></div>`;
    });
  const compact = (html: string) => html.replace(/>\s*\n\s*</g, '><').trim();
  const common = { drawFileList: false, diffStyle: 'word' as const, matching: 'lines' as const, renderNothingWhenEmpty: false };
  return {
    lineByLine: compact(diff2html(patch, { ...common, outputFormat: 'line-by-line', rawTemplates: { 'line-by-line-file-diff': lineByLineFile } })),
    sideBySide: compact(zip(diff2html(patch, { ...common, outputFormat: 'side-by-side', rawTemplates: { 'side-by-side-file-diff': '\u0001{{{diffs.left}}}\u0002{{{diffs.right}}}\u0003' } }))),
  };
}

const lines = (...texts: string[]) => texts.map((text) => `${text}\n`).join('');
const paragraph = (n: number) => `Paragraph ${n}: we process your personal data to provide the service, for ${n} purposes.`;

describe('renderDiffUncached draws what diff2html drew', () => {
  it.each([
    ['a reworded line and an added one', lines('Intro.', 'We keep data for 3 years.', 'Unchanged.'), lines('Intro.', 'We keep data for 5 years.', 'Unchanged.', 'A new line.')],
    ['markup, quotes, ampersands and slashes', lines('We collect <script>alert(1)</script> & "more".', "It's a/b."), lines('We collect <img src=x onerror=alert(1)> & "more".', "It's a/b/c.")],
    [
      'two hunks, and a block of three removed lines against two added ones (paired by similarity)',
      lines(...Array.from({ length: 20 }, (_, i) => paragraph(i))),
      lines(...Array.from({ length: 20 }, (_, i) => (i === 2 ? 'A new first line.' : i === 3 ? paragraph(4).replace('service', 'services') : i === 4 ? '' : i === 15 ? paragraph(15).toUpperCase() : paragraph(i)))),
    ],
    ['lines too long to pair (200 characters)', lines('short', 'x'.repeat(250), 'y'), lines('x'.repeat(249) + 'z', 'short!', 'y!')],
    ['a line too long to highlight (10,000 characters)', lines('a '.repeat(6000), 'end'), lines('b '.repeat(6000), 'end')],
    ['only added lines, to an empty text', '', lines('One.', 'Two.')],
    ['only removed lines', lines('One.', 'Two.', 'Three.'), lines('Two.')],
    ['no newline at the end, blank lines, whitespace', 'a\n\n  b\t\nc', 'a\n\n  b \nc\n\n'],
    ['other scripts and emoji', lines('Données personnelles — 個人情報 😀'), lines('Données personnelles – 個人情報の取扱い 😀')],
  ])('%s', (_name, previous, next) => {
    const { lineByLine, sideBySide } = renderDiffUncached(previous, next);
    expect({ lineByLine, sideBySide }).toEqual(diff2htmlReference(previous, next));
  });

  it('on any texts (random edits of similar lines)', () => {
    const word = fc.constantFrom('data', 'we', 'You', 'share', 'the', 'policy', '<b>', '&', '"x"', "'", '/', ' ', '  ', '.', 'é', '—');
    const line = fc.array(word, { maxLength: 12 }).map((words) => words.join(' '));
    const text = fc.array(line, { maxLength: 30 }).map((all) => all.map((l) => `${l}\n`).join(''));
    const edit = fc.tuple(text, fc.array(fc.tuple(fc.nat(), fc.nat(3), line), { maxLength: 8 }), fc.boolean());
    fc.assert(
      fc.property(edit, ([previous, edits, newline]) => {
        const changed = previous.split('\n');
        for (const [at, removed, added] of edits) changed.splice(at % (changed.length + 1), removed, ...(added ? [added] : []));
        const next = changed.join('\n') + (newline ? '\n' : '');
        // (Two identical texts made diff2html's side by side unzippable: the site now draws them as a file without changes.)
        fc.pre(next !== previous);
        const { lineByLine, sideBySide } = renderDiffUncached(previous, next);
        expect({ lineByLine, sideBySide }).toEqual(diff2htmlReference(previous, next));
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderDiffUncached', () => {
  const hostile = lines('Intro.', 'Say <script>alert(1)</script> & "hi" \'there\'.', 'Keep </td></tr><tr><td onclick=x()> out.', 'Done.');
  const edited = lines('Intro.', 'Say <img src=x onerror=alert(1)> & "bye" \'there\'.', 'Keep </td></tr><tr><td onmouseover=y()> out.', 'Done.', '<svg onload=alert(2)>');

  it('escapes every character of hostile texts in both layouts, carriage returns included', () => {
    for (const [previous, next] of [[hostile, edited], [hostile.replaceAll('\n', '\r\n'), `${edited}<\r<i>\r&amp;\r`]] as const) {
      const diff = renderDiffUncached(previous, next);
      for (const html of [diff.lineByLine, diff.sideBySide]) {
        const $ = cheerio.load(html);
        expect($('script, img, svg, i').length).toBe(0);
        expect($('[onerror], [onclick], [onmouseover], [onload]').length).toBe(0);
        expect($('table').length).toBe(1);
        expect(html).not.toMatch(/<(script|img|svg|i)\b/);
        expect($.root().text()).toContain('<img src=x onerror=alert(1)>');
      }
    }
  });

  it('shows the same removed and added words in both layouts, side by side level with each other', () => {
    const diff = renderDiffUncached(hostile, edited);
    const words = (html: string, tag: string) => {
      const $ = cheerio.load(html);
      return $(tag).toArray().map((element) => $(element).text()).sort();
    };
    expect(words(diff.lineByLine, 'del')).toEqual(['</script', 'hi', 'onclick', 'script>', 'x']);
    expect(words(diff.sideBySide, 'del')).toEqual(words(diff.lineByLine, 'del'));
    expect(words(diff.sideBySide, 'ins')).toEqual(words(diff.lineByLine, 'ins'));
    expect(words(diff.lineByLine, 'ins').length).toBeGreaterThan(0);
    const $ = cheerio.load(diff.sideBySide);
    for (const row of $('tr:has(del)').toArray()) expect($(row).find('ins').length).toBeGreaterThan(0);
    expect(diff).toMatchObject({ added: 3, removed: 2 });
  });

  it('draws two identical texts as a file without changes, in both layouts', () => {
    const diff = renderDiffUncached(hostile, hostile);
    expect(diff).toMatchObject({ added: 0, removed: 0 });
    for (const html of [diff.lineByLine, diff.sideBySide]) expect(cheerio.load(html).root().text()).toContain('File without changes');
  });
});
