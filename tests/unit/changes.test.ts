import { describe, expect, it } from 'vitest';
import { diffVersions } from '../../src/analysis/changes/diff.ts';
import { MAX_SUMMARY, summarizeChange, summarizeDiff } from '../../src/analysis/changes/summary.ts';
import { trackHistory } from '../../src/analysis/provisions/match.ts';

const v1 = `# Privacy Policy

Last updated: 1 March 2026.

## Data retention

We keep your data for 30 days after you delete your account.
Backups are erased within 90 days.

## Opting out of personalised ads

You can turn off personalised ads in your settings at any time.

## Fees

4.1 You pay the monthly fee in advance by card.

4.2 Fees are not refundable except where the law says so.
`;

const v2 = `# Privacy Policy

Last updated: 1 June 2026.

## Data retention

We keep your data for 60 days after you delete your account.
Backups are erased within 180 days.

## Fees

4.1 You pay the yearly fee in advance by card.

4.2 Fees are never refundable except where the law says so.

## Use of your content to train AI models

We may use your conversations to train our models unless you opt out.
`;

describe('diffVersions', () => {
  it('lists added, removed and modified provisions with word counts', () => {
    const change = diffVersions(v1, v2);
    expect(change.added.map((p) => p.id)).toEqual(['use-of-your-content-to-train-ai-models']);
    expect(change.removed.map((p) => p.id)).toEqual(['opting-out-of-personalised-ads']);
    expect(change.modified.map((m) => m.after.id)).toEqual([
      'privacy-policy',
      'data-retention',
      'you-pay-the-monthly-fee-in-advance',
      'fees-are-not-refundable-except-where-the',
    ]);
    expect(change.modified.find((m) => m.after.id === 'data-retention')).toMatchObject({ wordsAdded: 2, wordsRemoved: 2 });
    expect(change.wordsAdded).toBeGreaterThan(change.wordsRemoved - 20);
    expect(change.significance).toBe('substantive');
  });

  it('says technical when only markup or link targets change, editorial for punctuation or a date', () => {
    const linked = v1.replace('in your settings', 'in [your settings](https://example.com/a)');
    const relinked = v1.replace('in your settings', 'in [your settings](https://example.com/b)');
    expect(diffVersions(linked, relinked).significance).toBe('technical');
    expect(diffVersions(v1, v1.replace('## Fees', '### Fees')).significance).toBe('technical');
    expect(diffVersions(v1, v1.replace('at any time.', 'at any time!')).significance).toBe('editorial');
    expect(diffVersions(v1, v1.replace('1 March 2026', '2 April 2026')).significance).toBe('editorial');
    expect(diffVersions(v1, v1.replace('30 days', '31 days')).significance).toBe('substantive');
  });

  it('reports renamed, moved, split and merged provisions', () => {
    const renamed = v1.replace('## Data retention', '## How long we keep your data');
    expect(diffVersions(v1, renamed).renamed.map((r) => [r.before.heading, r.after.heading])).toEqual([['Data retention', 'How long we keep your data']]);

    const moved = v1.replace(/## Opting out[\s\S]*?(?=## Fees)/, '') + '\n## Opting out of personalised ads\n\nYou can turn off personalised ads in your settings at any time.\n';
    expect(diffVersions(v1, moved).moved.map((p) => p.id)).toEqual(['opting-out-of-personalised-ads']);

    const merged = v1.replace('\n## Opting out of personalised ads\n', '\n');
    const change = diffVersions(v1, merged);
    expect(change.merged.map((m) => [m.into.id, m.from.map((p) => p.id)])).toEqual([
      ['data-retention', ['data-retention', 'opting-out-of-personalised-ads']],
    ]);
    expect(change.removed).toEqual([]);
  });

  it('continues the ids of a history', () => {
    const history = trackHistory([v1, v1.replace('## Fees', '## Prices'), v2]);
    const retired = new Set(history.versions.flat().map((p) => p.id));
    const change = diffVersions(history.versions[2]!, v2.replace('train our models', 'improve our models'), { retired });
    expect(change.modified.map((m) => m.after.id)).toEqual(['use-of-your-content-to-train-ai-models']);
  });
});

describe('summarizeChange', () => {
  it('names what was added, removed and reworded, clauses counted by section', () => {
    expect(summarizeChange(v1, v2, 'substantive')).toBe(
      'Added: Use of your content to train AI models. Removed: Opting out of personalised ads. Reworded: Privacy Policy; Data retention; Fees (2 clauses).',
    );
  });

  it('lists headings without the colon or full stop they end with', () => {
    const before = '## Fees\n\nYou pay the monthly fee in advance by card.\n';
    const after = `${before}\n## For Builders of GPTs:\n\nBuilders publish GPTs to the store under these rules.\n\n## 2. Details.\n\nDetails of the processing are in the annex to this agreement.\n`;
    expect(summarizeChange(before, after, 'substantive')).toBe('Added: For Builders of GPTs; 2. Details.');
    expect(summarizeChange(after, before, 'substantive')).toBe('Removed: For Builders of GPTs; 2. Details.');
  });

  it('names a heading repeated in many sections once, with their number', () => {
    const page = (word: string) =>
      ['North', 'South', 'East'].map((region) => `## Safety and Privacy Centre\n\nHelp for ${region} users: ${word} guidance, contacts and reporting tools.\n`).join('\n');
    expect(summarizeChange(page('basic'), page('detailed'), 'substantive')).toBe('Reworded: Safety and Privacy Centre (3 sections).');
  });

  it('ends a list on the question mark of its last name, without a full stop after it', () => {
    const before = '## Fees\n\nYou pay the monthly fee in advance by card.\n';
    expect(summarizeChange(before, `${before}\n## Was it helpful?\n\nTell us whether this page answered your question.\n`, 'substantive')).toBe('Added: Was it helpful?');
  });

  it('cuts a long name, never the note beside it', () => {
    const name = '2. Collecting and Using Your Personal Data in Our Services';
    const before = `## ${name}\n\n2.1 We keep your name and email address while your account is open.\n\n2.2 We keep the pages you open for ninety days.\n`;
    const summary = summarizeChange(before, before.replace('name and email', 'name, email and phone').replace('ninety days', 'one year'), 'substantive');
    expect(summary).toBe('Reworded: 2. Collecting and Using Your Personal Data in… (2 clauses).');
  });

  it('names both sides of a rename, each cut to fit', () => {
    const body = '\n\nWe use cookies and similar technologies to keep you signed in and to measure how the service is used.\n';
    const before = `## Cookies and similar technologies information for visitors${body}`;
    const after = `## Cookies and other tracking technologies we use on our sites${body}`;
    expect(summarizeChange(before, after, 'substantive')).toBe('Renamed: Cookies and similar… → Cookies and other…');
  });

  it('shows where two long names differ when they read alike once cut', () => {
    const body = '\n\nYou can report content that infringes a copyright you hold, using the form linked below.\n';
    const before = `## Do I need to be the copyright owner to report?${body}`;
    const after = `## Do I need to be the rights holder to report?${body}`;
    expect(summarizeChange(before, after, 'substantive')).toBe('Renamed: …the copyright owner to… → …the rights holder to…');
  });

  it('fits the room it is given without cutting a word, however many kinds of change', () => {
    const sections = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `## ${prefix} topic number ${i + 1} with a long heading\n\nText ${prefix}${i} a${prefix}${i} b${prefix}${i} c${prefix}${i}.\n`).join('\n');
    for (const room of [80, 120, MAX_SUMMARY]) {
      const summary = summarizeChange(sections('old', 12), sections('new', 9), 'substantive', room);
      expect(summary.length).toBeLessThanOrEqual(room);
      expect(summary).toMatch(/(more|changes?)\.$/);
    }
  });

  it('uses fixed phrases for first versions, editorial changes and no change', () => {
    expect(summarizeChange(undefined, v1, 'initial')).toBe('first recorded version');
    expect(summarizeChange(v1, v1, 'editorial')).toBe('editorial changes only (punctuation, letter case or spacing)');
    expect(summarizeChange(v1, v1, 'none')).toBe('no change');
  });

  it(`stays within ${MAX_SUMMARY} characters, with "and N more"`, () => {
    const sections = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `## ${prefix} topic number ${i + 1} with a long heading\n\nText ${prefix}${i} a${prefix}${i} b${prefix}${i} c${prefix}${i}.\n`).join('\n');
    const summary = summarizeChange(sections('old', 12), sections('new', 9), 'substantive');
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(summary).toMatch(/^Added: new topic number 1 with a long heading.* and \d+ more\. Removed: old topic number 1 .* and \d+ more\.$/);
  });

  it('lets the last kinds of change give way to a count when even one name each is too long', () => {
    const heading = (word: string) => `${word} ${'and a very long heading that goes on '.repeat(2)}`.trim();
    const first = `## ${heading('Alpha')}\n\nAlpha text one two three.\n\n## ${heading('Beta')}\n\nBeta text four five six.\n\n## ${heading('Gamma')}\n\nGamma text seven eight nine.\n`;
    const next = `## ${heading('Delta')}\n\nDelta text ten eleven twelve.\n\n## ${heading('Beta')}\n\nBeta text four five six, now changed entirely.\n\n## ${heading('Gamma')}\n\nGamma text seven eight nine, and then some more words.\n`;
    const summary = summarizeChange(first, next, 'substantive');
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(summary).toMatch(/^Added: Delta and a very long heading that goes on and a… Removed: Alpha [^.]*… Also 2 other changes\.$/);
  });

  it('is deterministic and says "links or formatting changed only" when nothing but markup changed', () => {
    expect(summarizeChange(v1, v2, 'substantive')).toBe(summarizeChange(v1, v2, 'substantive'));
    expect(summarizeDiff(diffVersions(v1, v1.replace('## Fees', '### Fees')))).toBe('Moved: Fees.');
    expect(summarizeDiff(diffVersions(v1, v1.replace('your settings', '[your settings](/s)')))).toBe('links or formatting changed only');
  });
});
