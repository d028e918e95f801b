import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { renderDiffUncached } from '../../src/site/diff.ts';
import { renderMarkdownUncached, safeHref, slugify } from '../../src/site/markdown.ts';
import { xml } from '../../src/site/feeds.ts';

describe('safeHref: the link targets archived text may keep', () => {
  it.each([
    ['https://example.org/a?b=1#c', undefined, 'https://example.org/a?b=1#c'],
    ['mailto:dpo@example.org', undefined, 'mailto:dpo@example.org'],
    ['tel:+33123456789', undefined, 'tel:+33123456789'],
    ['#section-2', undefined, '#section-2'],
    ['/account/privacy', 'https://platform.example/legal/terms', 'https://platform.example/account/privacy'],
    ['../cookies', 'https://platform.example/legal/terms', 'https://platform.example/cookies'],
    ['/account/privacy', undefined, undefined],
    ['javascript:alert(1)', undefined, undefined],
    ['JAVASCRIPT:alert(1)', 'https://platform.example/', undefined],
    [' \tjava\nscript:alert(1)', 'https://platform.example/', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined, undefined],
    ['vbscript:msgbox(1)', undefined, undefined],
    ['file:///etc/passwd', undefined, undefined],
    ['#"><script>', undefined, undefined],
  ])('%j (base %j) → %j', (raw, base, expected) => {
    expect(safeHref(raw, base)).toBe(expected);
  });
});

describe('renderMarkdown', () => {
  it('shows raw HTML as text and keeps no element or attribute from it', () => {
    const { html } = renderMarkdownUncached('Hi <script>alert(1)</script>\n\n<div onclick="x()">block</div>\n\n<img src=x onerror=alert(1)>\n');
    const $ = cheerio.load(html);
    expect($('script, div, img').length).toBe(0);
    expect($.root().text()).toContain('<script>alert(1)</script>');
    expect($.root().text()).toContain('<div onclick="x()">block</div>');
  });

  it('keeps no style or event attribute: table alignment becomes a class, comments and raw HTML become text', () => {
    const { html } = renderMarkdownUncached('| a | b |\n|:--|--:|\n| 1 | 2 |\n\n<!-- hidden -->\n\n- [x] done\n');
    const $ = cheerio.load(html);
    expect($('[style]').length).toBe(0);
    expect($('th').toArray().map((th) => $(th).attr('class'))).toEqual(['align-left', 'align-right']);
    expect($.root().text()).toContain('<!-- hidden -->');
    expect($('input[type="checkbox"][disabled]').length).toBe(1);
    for (const element of $('*').toArray()) for (const name of Object.keys((element as { attribs: object }).attribs)) expect(name).not.toMatch(/^on|^style$/);
  });

  it('turns images into links (or text) so that nothing is fetched from a platform', () => {
    const $ = cheerio.load(renderMarkdownUncached('![logo](https://cdn.example/logo.png) ![x](javascript:alert(1)) ![](relative.png)').html);
    expect($('img').length).toBe(0);
    expect($('a.image-link').attr('href')).toBe('https://cdn.example/logo.png');
    expect($('.image-link').toArray().map((e) => $(e).text())).toEqual(['[image: logo]', '[image: x]', '[image: untitled]']);
  });

  it('shows a linked image as the link it is, never as a link inside a link (seen on real pages: badges, logos)', () => {
    const $ = cheerio.load(renderMarkdownUncached('[![GDPR representative](https://cdn.example/badge.png)](https://rep.example/portal) and [![x](https://cdn.example/x.png)](javascript:alert(1))').html);
    expect($('a a').length).toBe(0);
    expect($('a').toArray().map((a) => $(a).attr('href'))).toEqual(['https://rep.example/portal']);
    expect($('a').first().text()).toBe('[image: GDPR representative]');
    expect($('.image-link').toArray().map((e) => $(e).text())).toEqual(['[image: GDPR representative]', '[image: x]']);
  });

  it('marks telephone links so that the stylesheet keeps a number on one line, its text unchanged', () => {
    const $ = cheerio.load(renderMarkdownUncached('Call [+353 1 533 9837](tel:+35315339837) or [write](mailto:a@b.example).').html);
    expect($('a.tel').attr('href')).toBe('tel:+35315339837');
    expect($('a.tel').text()).toBe('+353 1 533 9837');
    expect($('a[href^="mailto:"]').attr('class')).toBeUndefined();
  });

  it('drops dangerous links and references but keeps their text', () => {
    const $ = cheerio.load(renderMarkdownUncached('[a](javascript:alert(1)) [b][r] <javascript:alert(2)> [c](https://ok.example/)\n\n[r]: vbscript:x\n').html);
    expect($('a').toArray().map((a) => $(a).attr('href'))).toEqual(['https://ok.example/']);
    expect($('a').attr('rel')).toBe('nofollow noreferrer');
    expect($.root().text()).toContain('a b');
  });

  it('gives every heading a slug id, deduplicated and clear of the page’s own ids, one level below the page title', () => {
    const { html, headings } = renderMarkdownUncached('# Terms\n\n## 1. Définitions\n\n## History\n\n## History\n\n### Données & vie privée\n');
    expect(headings).toEqual([
      { depth: 2, id: 'terms', text: 'Terms' },
      { depth: 3, id: '1-définitions', text: '1. Définitions' },
      { depth: 3, id: 'history-1', text: 'History' },
      { depth: 3, id: 'history-2', text: 'History' },
      { depth: 4, id: 'données-vie-privée', text: 'Données & vie privée' },
    ]);
    const $ = cheerio.load(html);
    expect($('h1').length).toBe(0);
    for (const heading of headings) expect($(`[id="${heading.id}"] + a.anchor`).attr('href')).toBe(`#${heading.id}`);
  });

  it('links the headings the segmenter reads as sections, and no heading inside a list item or a quote', async () => {
    const { segment } = await import('../../src/analysis/provisions/index.ts');
    const markdown = [
      '# Policy', '', 'Intro.', '',
      '- [Explore →](https://example.org/explore)', '', '  #### Learn & contribute', '', '  - [Topics →](https://example.org/topics)', '',
      '> ## A quoted heading', '',
      '1. ## Account help', '   Text.', '   - ### Login', '     Text.', '', '2. ## Publishing', '   Text.', '',
      '## Contact', '', 'Write to us.', '',
    ].join('\n');
    const sections = segment(markdown).filter((p) => p.kind === 'section');
    expect(sections.map((p) => p.heading)).toEqual(['Policy', 'Account help', 'Login', 'Publishing', 'Contact']);
    const $ = cheerio.load(renderMarkdownUncached(markdown, { provisions: sections.map((p) => ({ id: p.id || p.heading.toLowerCase().replace(/ /g, '-'), href: `/p/${p.heading}/` })) }).html);
    const linked = $('.heading').toArray().map((h) => [$(h).find('h2, h3, h4, h5, h6').first().text(), $(h).find('a.provision-link').attr('href') ?? null]);
    expect(linked).toEqual([
      ['Policy', '/p/Policy/'],
      ['Learn & contribute', null],
      ['A quoted heading', null],
      ['Account help', '/p/Account help/'],
      ['Login', '/p/Login/'],
      ['Publishing', '/p/Publishing/'],
      ['Contact', '/p/Contact/'],
    ]);
  });

  it('anchors every provision where it starts: a clause on its paragraph, a definition on its list item, the text before the first heading', async () => {
    const { segment } = await import('../../src/analysis/provisions/index.ts');
    const markdown = [
      'Last updated: 1 May.', '',
      '## Definitions', '', '- **Account**: your login.', '- **Content**: what you post.', '',
      '## Fees', '', 'Intro to fees.', '', '4.1 You pay in advance.', '', '4.2 No refunds.', '',
    ].join('\n');
    const provisions = segment(markdown).map((p, i) => ({ id: `p${i}`, href: `/p/${i}/` }));
    expect(provisions).toHaveLength(7);
    const $ = cheerio.load(renderMarkdownUncached(markdown, { provisions }).html);
    const anchored = $('[id^="provision-"]').toArray().map((e) => [$(e).attr('id'), e.tagName, $(e).text().trim().slice(0, 12)]);
    expect(anchored).toEqual([
      ['provision-p0', 'p', 'Last updated'],
      ['provision-p1', 'a', 'history of t'],
      ['provision-p2', 'li', 'Account: you'],
      ['provision-p3', 'li', 'Content: wha'],
      ['provision-p4', 'a', 'history of t'],
      ['provision-p5', 'p', '4.1 You pay '],
      ['provision-p6', 'p', '4.2 No refun'],
    ]);
    // Only sections get a visible link to their history.
    expect($('a.provision-link').toArray().map((a) => $(a).attr('href'))).toEqual(['/p/1/', '/p/4/']);
    // Text before the first heading that is only a rule (Midjourney's pages): the anchor is the rule, not a later paragraph.
    const ruled = '---\n\n# Terms\n\n---\n\nEffective today.\n';
    const ruledProvisions = segment(ruled).map((p, i) => ({ id: `r${i}`, href: `/r/${i}/` }));
    const $ruled = cheerio.load(renderMarkdownUncached(ruled, { provisions: ruledProvisions }).html);
    expect($ruled('#provision-r0').get(0)?.tagName).toBe('hr');
    expect($ruled('p#provision-r0, p[id]').length).toBe(0);
    // A text that does not segment into the provisions given gets neither links nor anchors.
    const wrong = cheerio.load(renderMarkdownUncached(markdown, { provisions: provisions.slice(1) }).html);
    expect(wrong('[id^="provision-"], a.provision-link').length).toBe(0);
  });

  it('gives a provision link no anchor that one of the page’s own ids already is', () => {
    const $ = cheerio.load(renderMarkdownUncached('## Changes\n\nText.\n\n## Text\n\nMore.\n', { provisions: [{ id: 'changes', href: '/p/changes/' }, { id: 'text', href: '/p/text/' }], reservedIds: ['provision-changes', 'text'] }).html);
    expect($('a.provision-link').toArray().map((a) => [$(a).attr('id'), $(a).attr('href')])).toEqual([[undefined, '/p/changes/'], ['provision-text', '/p/text/']]);
    expect($('h2').toArray().map((h) => $(h).attr('id'))).toEqual(['changes', 'text-1']);
  });

  it('never skips a heading level, however the text skips them: each heading goes one below the nearest higher one', () => {
    const levels = (markdown: string, headingBase?: number) => {
      const $ = cheerio.load(renderMarkdownUncached(markdown, headingBase === undefined ? {} : { headingBase }).html);
      return $('h1, h2, h3, h4, h5, h6').toArray().map((h) => `${$(h).text()}:${h.tagName}`);
    };
    expect(levels('# Terms\n\n#### 1. Who we are\n\n###### 1.1 Us\n\n#### 2. Accounts\n\n## Annex\n\n### A\n')).toEqual(['Terms:h2', '1. Who we are:h3', '1.1 Us:h4', '2. Accounts:h3', 'Annex:h3', 'A:h4']);
    expect(levels('### First\n\n# Then a title\n\n## Under it\n')).toEqual(['First:h2', 'Then a title:h2', 'Under it:h3']);
    expect(levels('#### Part\n\n##### Clause\n', 3)).toEqual(['Part:h4', 'Clause:h5']);
    expect(levels('# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6\n', 2)).toEqual(['1:h3', '2:h4', '3:h5', '4:h6', '5:h6', '6:h6']);
  });

  it('leaves out a table’s empty header row, and makes an empty header cell a plain cell', () => {
    const $ = cheerio.load(renderMarkdownUncached('|  |  |\n|---|---|\n| a | b |\n\n|  | Basis |\n|---|---|\n| Ads | Consent |\n').html);
    const [first, second] = $('table').toArray();
    expect($(first).find('thead').length).toBe(0);
    expect($(first).find('td').toArray().map((td) => $(td).text())).toEqual(['a', 'b']);
    expect($(second).find('thead th').toArray().map((th) => $(th).text())).toEqual(['Basis']);
    expect($(second).find('thead td').length).toBe(1);
    expect($(second).find('thead th').attr('scope')).toBe('col');
  });

  it('points links to places in the text at the headings that mark them, and keeps no link that goes nowhere', () => {
    const markdown = 'See [retention](#retention), [How long](#How-Long), [history](#history), [a note][n] and [rights](#GUID-45AD__SECTION_C3B6) or [top](#).\n\n## How long\n\n## History\n\nA claim.[^1]\n\n[n]: #_l8q1yc21jzme\n[^1]: The footnote.\n\n## Retention\n';
    const $ = cheerio.load(renderMarkdownUncached(markdown).html);
    const links = $('p').first().find('a, span').toArray().map((e) => `${$(e).text()} ${$(e).attr('href') ?? $(e).attr('class')}`);
    // "history" is one of the page's own sections: the text's heading of that name is history-1.
    expect(links).toEqual(['retention #retention', 'How long #how-long', 'history #history-1', 'a note dead-link', 'rights dead-link', 'top dead-link']);
    // Footnotes keep their links both ways.
    expect($('a[data-footnote-ref]').attr('href')).toBe('#user-content-fn-1');
    expect($(`#${$('a[data-footnote-ref]').attr('href')!.slice(1)}`).length).toBe(1);
    expect($('a[data-footnote-backref]').attr('href')).toBe('#user-content-fnref-1');
  });

  it('slugifies like a reader expects', () => {
    expect(slugify('  4.2 Where we rely on *consent*  ')).toBe('42-where-we-rely-on-consent');
    expect(slugify('§ 5 — Haftung')).toBe('5-haftung');
    expect(slugify('個人情報の取扱い')).toBe('個人情報の取扱い');
    expect(slugify('***')).toBe('section');
  });
});

describe('renderDiff', () => {
  const before = 'Intro.\nWe keep data for 3 years.\nWe collect <script>alert(1)</script> & "more".\nUnchanged.\n';
  const after = 'Intro.\nWe keep data for 5 years.\nWe collect <img src=x onerror=alert(1)> & "more".\nUnchanged.\nA new line.\n';

  it('escapes every character of the texts in both layouts (diff2html does, and must keep doing)', () => {
    const diff = renderDiffUncached(before, after);
    for (const html of [diff.lineByLine, diff.sideBySide]) {
      const $ = cheerio.load(html);
      expect($('script, img').length).toBe(0);
      expect($('[onerror]').length).toBe(0);
      expect($.root().text()).toContain('<img src=x onerror=alert(1)>');
      expect(html).not.toMatch(/<script|<img/);
    }
  });

  it('highlights the changed words and counts the changed lines', () => {
    const diff = renderDiffUncached(before, after);
    const $ = cheerio.load(diff.lineByLine);
    expect($('ins').toArray().map((e) => $(e).text())).toContain('5');
    expect($('del').toArray().map((e) => $(e).text())).toContain('3');
    expect(diff).toMatchObject({ added: 3, removed: 2 });
  });

  it('draws side by side as one table whose rows hold the old and the new line, so that wrapped lines stay level', () => {
    const $ = cheerio.load(renderDiffUncached(before, after).sideBySide);
    expect($('table').length).toBe(1);
    const rows = $('tbody tr').toArray();
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) expect($(row).children('td').length).toBe(4);
    expect($('thead th').toArray().map((th) => $(th).text().trim())).toEqual(['Line', 'Previous version', 'Line', 'This version']);
  });

  it('carries no id, so that two layouts can share a page', () => {
    const diff = renderDiffUncached(before, after);
    expect(diff.lineByLine + diff.sideBySide).not.toMatch(/\sid="/);
  });
});

describe('xml', () => {
  it('escapes markup and drops the characters XML 1.0 forbids', () => {
    expect(xml('a <b> & "c" \'d\' \u0000\u0007\uFFFE e \uD800')).toBe('a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;  e ');
    expect(xml('emoji 😀 stays')).toBe('emoji 😀 stays');
  });
});
