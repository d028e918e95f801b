import { describe, expect, it } from 'vitest';
import { liftListHeadings, provisionLabel, segment, segmentWithLines } from '../../src/analysis/provisions/segment.ts';
import { assignIds, initialIds, slugify, stripNumbering, trackHistory } from '../../src/analysis/provisions/match.ts';

const long = (topic: string) =>
  `We describe ${topic} here in enough words to be recognised.\nThe ${topic} rules apply to every account holder without exception.\nYou can ask us about ${topic} at any time by writing to our support team.`;

const base = `# Terms of Service

Welcome to Acme.

## 1. Definitions

**"Service"** means the website and apps that Acme runs.

**"User"** means you, the person using the Service.

## 2. Data retention

${long('data retention')}

## 3. Fees

4.1 You pay the monthly fee in advance by card.

4.2 Fees are not refundable except where the law says so.

## 4. Termination

We may suspend or close your account if you break these terms.
You may leave whenever you like; closing your account deletes your profile.
`;

const ids = (markdown: string) => initialIds(segment(markdown)).map((p) => p.id);

describe('segment', () => {
  it('follows the heading hierarchy, with clauses and definitions below their section', () => {
    const provisions = segment(base);
    expect(provisions.map((p) => [p.kind, p.heading, p.level, p.parent])).toEqual([
      ['section', 'Terms of Service', 1, -1],
      ['section', '1. Definitions', 2, 0],
      ['definition', 'Service', 3, 1],
      ['definition', 'User', 3, 1],
      ['section', '2. Data retention', 2, 0],
      ['section', '3. Fees', 2, 0],
      ['clause', '4.1 You pay the monthly fee in advance', 3, 5],
      ['clause', '4.2 Fees are not refundable except where the', 3, 5],
      ['section', '4. Termination', 2, 0],
    ]);
    expect(provisions[0]!.text).toBe('Welcome to Acme.');
    expect(provisions[4]!.headingPath).toEqual(['Terms of Service']);
    expect(provisions[2]!.headingPath).toEqual(['Terms of Service', '1. Definitions']);
    expect(provisions.map((p) => p.order)).toEqual(provisions.map((_, i) => i));
  });

  it('says on which line of the source each provision starts: its heading, its paragraph, its list item', () => {
    const md = [
      'Last updated: 1 May.', '', // 1: preamble
      '# Terms', '', // 3
      '## Definitions', '', // 5
      '- **Account**: your login.', '- **Content**: what you post', '  over several lines.', '', // 7, 8
      '1. ## Fees', '', // 11: a list item that opens with a heading (lifted)
      '   4.1 You pay the monthly fee in advance.', '', // 13
      '   4.2 Fees are not refundable.', '', // 15
      '## 3. Rules', '', 'Be kind.', '', // 17
      '3.1 No harassment.', '', // 21
      '3.2 No crime of any kind, and the same clause again: 3.1 No harassment.', '', // 23
    ].join('\n');
    const { provisions, lines } = segmentWithLines(md);
    expect(provisions).toEqual(segment(md));
    expect(provisions.map((p, i) => [p.kind, p.heading, lines[i]])).toEqual([
      ['preamble', '', 1],
      ['section', 'Terms', 3],
      ['section', 'Definitions', 5],
      ['definition', 'Account', 7],
      ['definition', 'Content', 8],
      ['section', 'Fees', 11],
      ['clause', '4.1 You pay the monthly fee in advance', 13],
      ['clause', '4.2 Fees are not refundable', 15],
      ['section', '3. Rules', 17],
      ['clause', '3.1 No harassment', 21],
      ['clause', '3.2 No crime of any kind, and the', 23],
    ]);
    // Flat text: each group of paragraphs starts at its first paragraph.
    const flat = `PRIVACY POLICY\n\n${long('cookies')}\n\n\n${long('retention')}\n`;
    const cut = segmentWithLines(flat);
    expect(cut.provisions.map((p) => p.kind)).toEqual(['paragraphs', 'paragraphs']);
    expect(cut.lines).toEqual([1, 8]);
  });

  it('keeps a section whole when it holds a single clause or definition', () => {
    const provisions = segment('## Fees\n\n4.1 You pay in advance.\n\nNothing else.\n');
    expect(provisions).toHaveLength(1);
    expect(provisions[0]!.text).toBe('4.1 You pay in advance.\n\nNothing else.');
  });

  it('splits definition lists and ordered lists of titled clauses, not other lists', () => {
    const md = `## Definitions\n\n- **Account**: your login.\n- **Content**: what you post.\n\n## Rules\n\n1. **Be kind.** No harassment.\n2. **Be lawful.** No crime.\n\n## Examples\n\n- apples\n- pears\n`;
    expect(segment(md).map((p) => [p.kind, p.heading])).toEqual([
      ['section', 'Definitions'],
      ['definition', 'Account'],
      ['definition', 'Content'],
      ['section', 'Rules'],
      ['clause', 'Be kind'],
      ['clause', 'Be lawful'],
      ['section', 'Examples'],
    ]);
  });

  it('reads a list item that opens with a heading as a section (pages that number their sections with a list)', () => {
    const md = [
      '# Privacy Policy',
      '',
      '## Table of Contents',
      '',
      '1. [Data We Collect](#data)',
      '',
      '2. ## Introduction',
      '',
      '   We are a network for professionals.',
      '',
      '   ### Services',
      '',
      '   This policy applies to our apps.',
      '',
      '   1. First item of a list inside.',
      '   2. Second item.',
      '',
      '3. ## 1. Data We Collect',
      '',
      '   ```',
      '   1. ## not a heading: code',
      '   ```',
      '',
      'An ordinary paragraph ends the item.',
      '',
      '- ## A bullet heading',
      '',
      '  Its text.',
    ].join('\n');
    const provisions = segment(md);
    expect(provisions.map((p) => [p.heading, p.level, p.headingPath.join(' > ')])).toEqual([
      ['Privacy Policy', 1, ''],
      ['Table of Contents', 2, 'Privacy Policy'],
      ['Introduction', 2, 'Privacy Policy'],
      ['Services', 3, 'Privacy Policy > Introduction'],
      ['1. Data We Collect', 2, 'Privacy Policy'],
      ['A bullet heading', 2, 'Privacy Policy'],
    ]);
    expect(provisions[1]!.text).toBe('1. [Data We Collect](#data)');
    expect(provisions[2]!.text).toBe('We are a network for professionals.');
    expect(provisions[3]!.text).toBe('This policy applies to our apps.\n\n1. First item of a list inside.\n2. Second item.');
    expect(provisions[4]!.text).toBe('```\n1. ## not a heading: code\n```\n\nAn ordinary paragraph ends the item.');
    expect(provisions[5]!.text).toBe('Its text.');
    // A list whose items do not open with a heading is left alone.
    expect(liftListHeadings('1. Text ## with a hash\n\n   indented\n')).toBe('1. Text ## with a hash\n\n   indented\n');
  });

  it('keeps the text before the first heading as a preamble', () => {
    const provisions = segment('Last updated: 1 May.\n\n## Scope\n\nAll of it.\n');
    expect(provisions.map((p) => p.kind)).toEqual(['preamble', 'section']);
  });

  it('cuts flat text into paragraph groups, short paragraphs joining the next one', () => {
    const para = (n: number) => `Paragraph ${n} ${'talks about many things in detail and at length. '.repeat(4)}`;
    const md = `PRIVACY POLICY\n\n${para(1)}\n\n${para(2)}\n\nWhat we collect\n\n${para(3)}\n`;
    const provisions = segment(md);
    expect(provisions.map((p) => p.kind)).toEqual(['paragraphs', 'paragraphs', 'paragraphs']);
    expect(provisions[0]!.text.startsWith('PRIVACY POLICY\n\nParagraph 1')).toBe(true);
    expect(provisions[2]!.text.startsWith('What we collect\n\nParagraph 3')).toBe(true);
    expect(ids(md)[0]).toBe('p-privacy-policy-paragraph-1-talks-about');
  });

  it('ignores # lines inside fenced code and reads heading text without Markdown', () => {
    const provisions = segment('## [1\\. Account *Controls*](#x)\n\n```\n# not a heading\n```\n');
    expect(provisions).toHaveLength(1);
    expect(provisions[0]!.heading).toBe('1. Account Controls');
  });

  it('labels a provision by its heading less a trailing colon, or by its first words', () => {
    const labels = segment('Intro text.\n\n## Our Principles:\n\nWe keep these principles.\n\n## What is Acme?\n\nAcme is a service.\n\n## :\n\nOdd.\n').map(provisionLabel);
    expect(labels).toEqual(['introduction', 'Our Principles', 'What is Acme?', ':']);
    expect(segment('Plain paragraph of text without any heading at all.').map(provisionLabel)).toEqual(['Plain paragraph of text without any heading at…']);
    expect(segment('Part II.A: Meta as Data Importer - Brazil. These clauses apply.').map(provisionLabel)).toEqual(['Part II.A: Meta as Data Importer - Brazil…']);
  });

  it('gives nothing for an empty version', () => {
    expect(segment('')).toEqual([]);
  });
});

describe('initial ids', () => {
  it.each([
    ['4.2 Data retention', 'Data retention'],
    ['Article IV. Fees', 'Fees'],
    ['§ 3 Governing law', 'Governing law'],
    ['(a) Scope', 'Scope'],
    ['B. Payment', 'Payment'],
    ['12) Notices', 'Notices'],
    ['1. — Intro', 'Intro'],
    ['2025 changes', 'changes'],
    ['Information we collect', 'Information we collect'],
  ])('strips numbering: %s', (heading, stripped) => {
    expect(stripNumbering(heading)).toBe(stripped);
  });

  it('slugs headings, ASCII only, at most 60 characters cut at a hyphen', () => {
    expect(slugify('Données & « vie privée »')).toBe('donnees-and-vie-privee');
    expect(slugify("GitHub's Rights")).toBe('githubs-rights');
    const slug = slugify('a very long heading that goes on and on about the many things we may do with your data');
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug.endsWith('-')).toBe(false);
    expect(slugify('数据')).toBe('');
  });

  it('slugs the heading without numbering and numbers duplicates in document order', () => {
    expect(ids(base)).toEqual([
      'terms-of-service',
      'definitions',
      'service',
      'user',
      'data-retention',
      'fees',
      'you-pay-the-monthly-fee-in-advance',
      'fees-are-not-refundable-except-where-the',
      'termination',
    ]);
    expect(ids('## Overview\n\na\n\n## Part A\n\n### Overview\n\nb\n\n## 数据\n\nc\n\n## Overview\n\nd\n')).toEqual([
      'overview',
      'part-a',
      'overview-2',
      'section',
      'overview-3',
    ]);
    expect(ids('Hello there, general.\n\n## A\n\nx\n')).toEqual(['p-hello-there-general', 'a']);
  });
});

/** Ids of the last version of a history, by heading. */
function last(versions: string[]) {
  const history = trackHistory(versions);
  const provisions = history.versions.at(-1)!;
  return { history, provisions, byHeading: new Map(provisions.map((p) => [p.heading, p.id])), matches: history.matches.at(-1)! };
}

describe('ids across versions', () => {
  it('keeps ids when sections are renumbered', () => {
    const next = base.replace('## 2. Data retention', '## 3. Data retention').replace('## 3. Fees', '## 4. Fees');
    const { provisions, matches } = last([base, next]);
    expect(provisions.map((p) => p.id)).toEqual(ids(base));
    expect(matches.filter((m) => m.renamed)).toEqual([]);
  });

  it('keeps the id of a reworded section', () => {
    const next = base.replace('without exception', 'with few exceptions').replace('any time by writing', 'any time by mailing');
    const { byHeading, matches } = last([base, next]);
    expect(byHeading.get('2. Data retention')).toBe('data-retention');
    expect(matches.every((m) => m.previousId === m.id)).toBe(true);
  });

  it('keeps the id of a renamed section, and of a renamed and reworded one', () => {
    const renamed = base.replace('## 2. Data retention', '## 2. How long we keep your data');
    const r = last([base, renamed]);
    expect(r.byHeading.get('2. How long we keep your data')).toBe('data-retention');
    expect(r.matches.find((m) => m.id === 'data-retention')).toMatchObject({ by: 'text', renamed: true });

    const both = renamed.replace('without exception', 'with some exceptions');
    expect(last([base, both]).byHeading.get('2. How long we keep your data')).toBe('data-retention');
  });

  it('detects a move to another parent and out of order', () => {
    const moved = `# Terms of Service\n\nWelcome to Acme.\n\n## 4. Termination\n\n${long('termination')}\n\n## 2. Data retention\n\n${long('data retention')}\n\n## 3. Fees\n\nFees apply.\n`;
    const first = `# Terms of Service\n\nWelcome to Acme.\n\n## 2. Data retention\n\n${long('data retention')}\n\n## 3. Fees\n\nFees apply.\n\n## 4. Termination\n\n${long('termination')}\n`;
    const { matches } = last([first, moved]);
    expect(matches.filter((m) => m.moved).map((m) => m.id)).toEqual(['termination']);

    const nested = first.replace('## 4. Termination', '### 4. Termination');
    const n = last([first, nested]);
    expect(n.matches.filter((m) => m.moved).map((m) => m.id)).toEqual(['termination']);
    expect(n.provisions.find((p) => p.id === 'termination')!.headingPath).toEqual(['Terms of Service', '3. Fees']);
  });

  it('splits: the largest piece keeps the id, the others are new and say where they came from', () => {
    const first = `## Your data\n\n${long('data collection')}\n${long('data sharing')}\n${long('data sharing partners')}\n`;
    const next = `## Collecting your data\n\n${long('data collection')}\n\n## Sharing your data\n\n${long('data sharing')}\n${long('data sharing partners')}\n`;
    const { provisions, matches } = last([first, next]);
    expect(provisions.map((p) => p.id)).toEqual(['collecting-your-data', 'your-data']);
    // The largest piece is still similar enough to be matched by text; a split is recorded on the others.
    expect(matches.find((m) => m.id === 'your-data')).toMatchObject({ previousId: 'your-data', by: 'text' });
    expect(matches.find((m) => m.id === 'collecting-your-data')).toMatchObject({ previousId: 'your-data', by: 'split', splitFrom: 'your-data' });
  });

  it('splits in three: no piece is similar enough alone, the largest keeps the id', () => {
    const a = 'Cookies help us remember your settings and keep you signed in across visits to our pages.';
    const b = 'Advertising partners may place their own trackers to measure campaigns and cap how often ads appear.';
    const c = 'Analytics tools count visits anonymously so that we learn which pages people find useful or confusing overall.';
    const first = `## Trackers\n\n${a}\n${b}\n${c}\n`;
    const next = `## Cookies\n\n${a}\n\n## Ads\n\n${b}\n\n## Analytics\n\n${c}\n`;
    const { provisions, matches } = last([first, next]);
    expect(provisions.map((p) => p.id)).toEqual(['cookies', 'ads', 'trackers']);
    expect(matches.find((m) => m.id === 'trackers')).toMatchObject({ previousId: 'trackers', by: 'split' });
    expect(matches.filter((m) => m.splitFrom === 'trackers').map((m) => m.id)).toEqual(['cookies', 'ads']);
  });

  it('merges: the most similar previous provision gives its id, the others are recorded', () => {
    const first = `## Collecting your data\n\n${long('data collection')}\n\n## Sharing your data\n\n${long('data sharing')}\n${long('data sharing partners')}\n`;
    const next = `## Your data\n\n${long('data collection')}\n${long('data sharing')}\n${long('data sharing partners')}\n`;
    const { provisions, matches } = last([first, next]);
    expect(provisions.map((p) => p.id)).toEqual(['sharing-your-data']);
    expect(matches.find((m) => m.previousId === 'sharing-your-data')).toMatchObject({ id: 'sharing-your-data', mergedFrom: ['sharing-your-data', 'collecting-your-data'] });
    expect(matches.find((m) => m.previousId === 'collecting-your-data')).toMatchObject({ id: 'sharing-your-data', by: 'merge' });
  });

  it('adds and removes, and never reuses an id of the history', () => {
    const removed = base.replace(/## 4\. Termination[\s\S]*$/, '');
    const readded = `${removed}\n## 5. Termination\n\nWe may close accounts that break the rules, after warning you by email.\n`;
    const { history } = last([base, removed, readded]);
    expect(history.matches[1]!.filter((m) => m.by === 'removed').map((m) => m.previousId)).toEqual(['termination']);
    const finalIds = history.versions[2]!.map((p) => p.id);
    expect(finalIds).toContain('termination-2');
    expect(finalIds).not.toContain('termination');
    expect(history.matches[2]!.filter((m) => m.by === 'added').map((m) => m.id)).toEqual(['termination-2']);
  });

  it('pairs duplicate headings by parent, then place', () => {
    const first = `## Free plan\n\n### Overview\n\nFree things.\n\n## Paid plan\n\n### Overview\n\nPaid things.\n`;
    const next = `## Paid plan\n\n### Overview\n\nPaid things, now cheaper.\n\n## Free plan\n\n### Overview\n\nFree things.\n`;
    const { provisions } = last([first, next]);
    const firstIds = initialIds(segment(first)).map((p) => `${p.headingPath.at(-1) ?? ''}>${p.id}`);
    expect(firstIds).toEqual(['>free-plan', 'Free plan>overview', '>paid-plan', 'Paid plan>overview-2']);
    expect(provisions.map((p) => `${p.headingPath.at(-1) ?? ''}>${p.id}`)).toEqual(['>paid-plan', 'Paid plan>overview-2', '>free-plan', 'Free plan>overview']);
  });

  it('follows reworded paragraphs of flat text', () => {
    const paragraphs = ['cookies', 'advertising', 'security', 'children'].map((t) => `${long(t)}\nMore about ${t} follows in this paragraph.`);
    const next = [...paragraphs];
    next[1] = next[1]!.replace('without exception', 'with rare exceptions');
    next.splice(2, 0, `${long('international transfers')}`);
    const { history, provisions } = last([paragraphs.join('\n\n'), next.join('\n\n')]);
    const before = history.versions[0]!.map((p) => p.id);
    expect(provisions.map((p) => p.id)).toEqual([before[0], before[1], 'p-we-describe-international-transfers-here-in', before[2], before[3]]);
  });

  it('follows definitions and numbered clauses by their titles', () => {
    const next = base
      .replace('the website and apps that Acme runs', 'the websites, apps and APIs that Acme operates')
      .replace('4.1 You pay', '5.1 You pay');
    const { provisions } = last([base, next]);
    expect(provisions.map((p) => p.id)).toEqual(ids(base));
  });

  it('keeps the preamble whatever it now says', () => {
    const { provisions } = last([`Updated: 1 May 2024.\n\n${base}`, `Effective from June.\n\n${base}`]);
    expect(provisions[0]!.id).toBe('p-updated-1-may-2024');
  });

  it('ignores the date of a "last updated" heading', () => {
    const dated = (date: string) => `## Last Updated: ${date}\n\nSee below.\n\n${base}`;
    const { provisions, matches } = last([dated('March 15, 2024'), dated('1st June 2025')]);
    expect(provisions[0]!.id).toBe('last-updated');
    expect(matches[0]).toMatchObject({ by: 'heading', renamed: false });
  });

  it('is deterministic', () => {
    const versions = [base, base.replace('## 3. Fees', '## 3. Prices'), base.replace(/## 1\. Definitions[\s\S]*?## 2/, '## 2')];
    const a = trackHistory(versions);
    const b = trackHistory([...versions]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('never gives a new provision an id that is retired or in use', () => {
    const next = segment('## Fees\n\nNew text about prices that is entirely different.\n\n## Fees\n\nAnd again.\n');
    const { provisions } = assignIds([], next, { retired: new Set(['fees', 'fees-2']) });
    expect(provisions.map((p) => p.id)).toEqual(['fees-3', 'fees-4']);
  });
});
