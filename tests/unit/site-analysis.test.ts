import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTaxonomy } from '../../src/analysis/categories/classify.ts';
import { loadTaxonomy } from '../../src/analysis/categories/taxonomy.ts';
import { analyzeDocument, analyzeHistory } from '../../src/site/analysis.ts';
import { clauseDiff, readable } from '../../src/site/clause-diff.ts';
import { provisionHistory, subProvisions } from '../../src/site/provisions.ts';
import type { ArchivedDocument, Version } from '../../src/site/archive.ts';

const classifier = compileTaxonomy(await loadTaxonomy());

const retention = 'We keep your personal data for as long as your account is open.\nAfter you close it we delete it within 30 days, unless the law requires us to keep it longer.';
const training = 'We use the posts you publish to train our artificial intelligence models.\nYou can opt out of model training in your settings at any time.';
const arbitration = 'Any dispute will be resolved by binding arbitration, not in court.\nYou waive the right to take part in a class action against us.';

const v1 = `# Privacy Policy\n\nThis policy explains what we do with your data.\n\n## 1. Data retention\n\n${retention}\n\n## 2. Disputes\n\n${arbitration}\n`;
// Reworded retention (30 → 90 days), new AI-training section.
const v2 = `# Privacy Policy\n\nThis policy explains what we do with your data.\n\n## 1. Data retention\n\n${retention.replace('30 days', '90 days')}\n\n## 2. Training our AI\n\n${training}\n\n## 3. Disputes\n\n${arbitration}\n`;
// The disputes section goes away.
const v3 = `# Privacy Policy\n\nThis policy explains what we do with your data.\n\n## 1. Data retention\n\n${retention.replace('30 days', '90 days')}\n\n## 2. Training our AI\n\n${training}\n`;
// …and comes back.
const v4 = v2;

describe('analysing a document for the site', () => {
  const analysis = analyzeDocument([v1, v2, v3, v4], ['initial', 'substantive', 'substantive', 'substantive'], classifier);
  const record = (label: RegExp) => analysis.provisions.find((p) => label.test(p.label))!;

  it('keeps one record per provision id, with each state of its text', () => {
    const retentionRecord = record(/Data retention/);
    expect(retentionRecord.current).toBe(true);
    expect(retentionRecord.steps.map((s) => [s.version, s.text?.includes('90 days')])).toEqual([[0, false], [1, true]]);
    // Added in v1, renumbered in v2, removed in v3; back in v4 as a new provision (an id once
    // gone is retired: docs/decisions/0008-provision-ids.md).
    const [gone, back] = analysis.provisions.filter((p) => /Disputes/.test(p.label)).sort((a, b) => a.steps[0]!.version - b.steps[0]!.version);
    expect(gone!.steps.map((s) => [s.version, s.heading, s.text === null])).toEqual([[0, '2. Disputes', false], [1, '3. Disputes', false], [2, '3. Disputes', true]]);
    expect(gone!.current).toBe(false);
    expect(back!.steps.map((s) => s.version)).toEqual([3]);
    expect(back!.current).toBe(true);
    expect(back!.id).not.toBe(gone!.id);
    expect(new Set(analysis.provisions.map((p) => p.id)).size).toBe(analysis.provisions.length);
  });

  it('describes each version’s change provision by provision, with the topics it touched', () => {
    expect(analysis.versions[0]!.change).toBeUndefined();
    const second = analysis.versions[1]!.change!;
    expect(second.added.map((p) => p.label)).toEqual(['2. Training our AI']);
    expect(second.modified.map((p) => p.label)).toContain('1. Data retention');
    expect(second.modified.find((p) => p.label === '1. Data retention')).toMatchObject({ wordsAdded: 1, wordsRemoved: 1 });
    expect(second.summary).toMatch(/^Added: 2\. Training our AI\./);
    expect(second.categories).toEqual(expect.arrayContaining(['ai-training', 'retention']));
    expect(analysis.versions[2]!.change!.removed.map((p) => p.label)).toEqual(['3. Disputes']);
    expect(analysis.versions[2]!.change!.categories).toContain('arbitration');
    expect(analysis.versions.map((v) => v.ids.length)).toEqual([3, 4, 3, 4]);
  });

  it('classifies each provision’s latest text, with the rules that matched', () => {
    const ai = record(/Training our AI/).categories.find((c) => c.category === 'ai-training')!;
    expect(ai.score).toBeGreaterThanOrEqual(3);
    expect(ai.matched.some((m) => /train/i.test(m.excerpt))).toBe(true);
    expect(record(/Disputes/).categories.map((c) => c.category)).toContain('arbitration');
    expect(record(/Data retention/).categories.map((c) => c.category)).toContain('retention');
  });

  it('lists a provision’s history newest first: appeared, changed, removed, returned', () => {
    const versions = [v1, v2, v3, v4].map((_, i) => ({ id: `v${i + 1}`, path: `/v${i + 1}/` }) as Version);
    const document = { versions } as unknown as ArchivedDocument;
    const gone = analysis.provisions.find((p) => /Disputes/.test(p.label) && !p.current)!;
    expect(provisionHistory(document, gone).map((e) => [e.version.id, e.what])).toEqual([
      ['v3', 'removed'],
      ['v2', 'renamed'],
      ['v1', 'added'],
    ]);
    const changed = provisionHistory(document, record(/Data retention/));
    expect(changed.map((e) => e.what)).toEqual(['changed', 'added']);
    expect(changed[0]!.diff!.html).toContain('<del>30</del><ins>90</ins>');
  });

  it('extends a cached analysis by new versions to the same result as analysing the whole history', () => {
    const texts = [v1, v2, v3, v4];
    const kinds = ['initial', 'substantive', 'substantive', 'substantive'] as const;
    const whole = analyzeHistory(texts, [...kinds], classifier);
    for (let cut = 1; cut < texts.length; cut++) {
      // Through JSON, as the cache keeps it.
      const earlier = JSON.parse(JSON.stringify(analyzeHistory(texts.slice(0, cut), kinds.slice(0, cut), classifier)));
      // The texts already analysed are not read again.
      const rest = texts.map((text, i) => (i < cut ? '' : text));
      expect(JSON.stringify(analyzeHistory(rest, [...kinds], classifier, earlier))).toBe(JSON.stringify(whole));
    }
  });

  it('gives the same result for the same texts (cacheable by content hash)', () => {
    expect(JSON.stringify(analyzeDocument([v1, v2, v3, v4], ['initial', 'substantive', 'substantive', 'substantive'], classifier))).toBe(JSON.stringify(analysis));
  });
});

describe('a clause’s inline diff', () => {
  it('escapes every character of scraped text', () => {
    const before = 'Click <a href="javascript:alert(1)">here</a> & wait.';
    const after = 'Click <script>alert(1)</script> & "wait" now.';
    const diff = clauseDiff(before, after);
    // Nothing but <ins> and <del> as markup; the texts come back whole, character for character.
    expect(diff.html).not.toMatch(/<(?!\/?(?:ins|del)>)/);
    const unescape = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(unescape(diff.html.replace(/<del>[^<]*<\/del>/g, '').replace(/<\/?ins>/g, ''))).toBe(after);
    expect(unescape(diff.html.replace(/<ins>[^<]*<\/ins>/g, '').replace(/<\/?del>/g, ''))).toBe(before);
    expect(diff.wordsAdded).toBeGreaterThan(0);
    expect(diff.wordsRemoved).toBeGreaterThan(0);
  });

  it('gives back both texts, line by line, whatever was added, removed or rewritten', () => {
    const unescape = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const sentence = fc.array(fc.constantFrom('We', 'keep', 'data', 'for', '30', 'days', '<b>', '&', 'you', 'may', 'object'), { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.array(sentence, { maxLength: 6 }), fc.array(sentence, { maxLength: 6 }), (a, b) => {
        const before = a.join('\n');
        const after = b.join('\n');
        const { html } = clauseDiff(before, after, Infinity);
        // Line breaks between whole lines added or removed stay on the page: compare the lines.
        const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
        expect(lines(unescape(html.replace(/<del>[^<]*<\/del>/g, '').replace(/<\/?ins>/g, '')))).toEqual(lines(readable(after)));
        expect(lines(unescape(html.replace(/<ins>[^<]*<\/ins>/g, '').replace(/<\/?del>/g, '')))).toEqual(lines(readable(before)));
      }),
      { numRuns: 300 },
    );
    // Unchanged lines far from a change are folded.
    const many = Array.from({ length: 12 }, (_, i) => `Line ${i} says something.`);
    const changed = many.map((line, i) => (i === 6 ? 'Line 6 says something else.' : line));
    const folded = clauseDiff(many.join('\n'), changed.join('\n'));
    expect(folded.html.split('\n')).toEqual([
      '<span class="folded">[4 unchanged lines]</span>',
      'Line 4 says something.',
      'Line 5 says something.',
      'Line 6 says something<ins> else</ins>.',
      'Line 7 says something.',
      'Line 8 says something.',
      '<span class="folded">[3 unchanged lines]</span>',
    ]);
    const edited = clauseDiff('One sentence stays.\nWe keep data for 30 days.\nA line that goes.', 'One sentence stays.\nWe keep data for 90 days.');
    expect(edited.html).toBe('One sentence stays.\nWe keep data for <del>30</del><ins>90</ins> days.\n<del>A line that goes.</del>');
    expect([edited.wordsAdded, edited.wordsRemoved]).toEqual([1, 5]);
  });

  it('compares what a reader sees, not link targets or emphasis marks', () => {
    expect(readable('4.3 **Training.** Use [the form](https://a.example/x_y) or *this*; 2 * 3 and \\*stars\\*.')).toBe('4.3 Training. Use the form or this; 2 * 3 and *stars*.');
    // Unclosed marks keep the text after them; spaces at the end of a line go.
    expect(readable('Broken **markup [unclosed](http://x and more\n\n- an item  \n\n  \t\n  (1) a clause (after) **b**')).toBe('Broken **markup [unclosed](http://x and more\n\n- an item\n\n\n  (1) a clause (after) b');
    expect(clauseDiff('See [our page](https://a.example/old).', 'See [our page](https://a.example/new).').html).toBe('See our page.');
  });
});

describe('the analysis cache', () => {
  it('serves two documents with the same history (one policy published under two names) without a clash', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { siteAnalysis } = await import('../../src/site/provisions.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'analysis-cache-'));
    process.env.SITE_ANALYSIS_CACHE = dir;
    try {
      const texts = [v1, v2];
      const version = (platform: string, i: number) =>
        ({ id: `2026-01-0${i + 1}-0000000${i}`, platform, document: 'privacy-policy', contentSha256: `${i}`.repeat(64), change: i === 0 ? 'initial' : 'substantive', path: `/platforms/${platform}/privacy-policy/v${i}/`, capturedAt: `2026-01-0${i + 1}T00:00:00Z` }) as Version;
      const documentOf = (platform: string) => ({ platform, slug: 'privacy-policy', versions: [version(platform, 0), version(platform, 1)] }) as unknown as ArchivedDocument;
      const documents = [documentOf('alpha'), documentOf('beta')];
      const archive = {
        documents,
        versions: documents.flatMap((d) => d.versions),
        platform: (slug: string) => ({ slug, name: slug }),
        text: async (v: Version) => texts[Number(v.id.at(-1))]!,
      } as unknown as Parameters<typeof siteAnalysis>[0];
      const first = await siteAnalysis(archive);
      expect(first.stats).toMatchObject({ cached: 0 });
      expect(first.documents.get('alpha/privacy-policy')!.key).toBe(first.documents.get('beta/privacy-policy')!.key);
      expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toHaveLength(1);
      expect(first.change(documents[1]!.versions[1]!)!.added.map((p) => p.label)).toEqual(['2. Training our AI']);
      // A second build (another archive object) reads both from the cache.
      const again = await siteAnalysis({ ...archive } as typeof archive);
      expect(again.stats).toMatchObject({ cached: 2, analysed: 0 });
    } finally {
      delete process.env.SITE_ANALYSIS_CACHE;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a provision on a topic page', () => {
  it('shows a long text’s first lines, cut at a line end, and says it was cut', async () => {
    const { excerpt } = await import('../../src/site/provisions.ts');
    const lines = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} of a long provision, with enough words in it.`);
    const long = excerpt(lines.join('\n'));
    expect(long.cut).toBe(true);
    expect(long.text.length).toBeLessThanOrEqual(1500);
    expect(lines).toContain(long.text.split('\n').at(-1));
    expect(long.fromMiddle).toBe(false);
    expect(excerpt('Short.')).toEqual({ text: 'Short.', cut: false, fromMiddle: false });
  });

  it('shows a long text from the paragraph where the topic matched, when that is far in', async () => {
    const { excerpt } = await import('../../src/site/provisions.ts');
    const filler = Array.from({ length: 30 }, (_, i) => `Table of contents, entry ${i}, which says nothing about the topic.`).join('\n');
    const topic = 'We use your conversations to train our models.\nYou can opt out in the settings.';
    const text = `${filler}\n\n${topic}\n\n${filler}`;
    const focused = excerpt(text, text.indexOf('train our models'));
    expect(focused.fromMiddle).toBe(true);
    expect(focused.cut).toBe(true);
    expect(focused.text.startsWith('We use your conversations')).toBe(true);
    expect(focused.text.length).toBeLessThanOrEqual(1500);
    // A match near the start changes nothing: the text is shown from its beginning.
    expect(excerpt(text, 10)).toEqual(excerpt(text));
  });

  it('is, for each platform, one with a text, then one whose heading names the topic, then the best score', async () => {
    const { bestFirst } = await import('../../src/site/provisions.ts');
    type Entry = Parameters<typeof bestFirst>[0];
    const entry = (label: string, text: string, score: number, where: 'heading' | 'text', order: number) =>
      ({
        category: 'ai-training',
        score,
        document: { slug: 'terms' },
        provision: { label, order, steps: [{ version: 0, text, heading: label, headingPath: [] }], categories: [{ category: 'ai-training', score, matched: [{ rule: 'phrase: training', weight: score, where, excerpt: '' }] }] },
      }) as unknown as Entry;
    const groupingHeading = entry('AI Features, Training, and Your Data', '', 9, 'heading', 1);
    const namedClause = entry('Model training', 'We do not train on your content.', 4, 'heading', 2);
    const mention = entry('Everything else', 'A long text that mentions training, models and more, many times over.', 8, 'text', 3);
    expect([mention, groupingHeading, namedClause].sort(bestFirst).map((e) => e.provision.label)).toEqual(['Model training', 'Everything else', 'AI Features, Training, and Your Data']);
  });

  it('keeps a table’s header rows when the part shown starts inside the table', async () => {
    const { excerpt } = await import('../../src/site/provisions.ts');
    const rows = Array.from({ length: 30 }, (_, i) => `| Purpose number ${i}, described at some length | Legal basis ${i} |`);
    rows[25] = '| To train our models on your conversations | Legitimate interests |';
    const text = ['| Purpose | Legal basis |', '| --- | --- |', ...rows].join('\n');
    const shown = excerpt(text, text.indexOf('To train'));
    expect(shown.fromMiddle).toBe(true);
    expect(shown.text.split('\n').slice(0, 3)).toEqual(['| Purpose | Legal basis |', '| --- | --- |', rows[25]]);
  });

  it('finds where the topic matches in a provision: the strongest rule in its text', async () => {
    const { topicFocus } = await import('../../src/site/provisions.ts');
    const taxonomy = await loadTaxonomy();
    const text = 'Our offices are in Dublin.\n\nWe use the content you share to train our artificial intelligence models.';
    const at = topicFocus(taxonomy, 'ai-training', text);
    expect(at).toBeGreaterThan(text.indexOf('Dublin'));
    expect(at).toBeLessThan(text.length);
    expect(topicFocus(taxonomy, 'ai-training', 'Nothing about the topic here.')).toBeUndefined();
  });
});

describe('a heading that only groups provisions', () => {
  it('lists the provisions right under it, not deeper ones or another section’s', () => {
    const text = [
      '# Terms',
      '',
      '## J. AI Features',
      '',
      '### 1. Training',
      '',
      'We do not train on your content.',
      '',
      '#### Details',
      '',
      'More about it.',
      '',
      '### 2. Outputs',
      '',
      'You own your outputs.',
      '',
      '## K. Fees',
      '',
      '### 1. Training',
      '',
      'Training courses cost extra.',
    ].join('\n');
    const analysis = analyzeDocument([text], ['initial'], classifier);
    const group = analysis.provisions.find((p) => p.label === 'J. AI Features')!;
    expect(subProvisions(analysis, group).map((p) => p.label)).toEqual(['1. Training', '2. Outputs']);
    const fees = analysis.provisions.find((p) => p.label === 'K. Fees')!;
    expect(subProvisions(analysis, fees).map((p) => p.headingPath.at(-1))).toEqual(['K. Fees']);
  });
});
