import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileTaxonomy, scoreProvision } from '../../src/analysis/categories/classify.ts';
import { evaluate, holdoutPlatforms, loadLabels, readLabelledSections, type LabelledSection } from '../../src/analysis/categories/evaluate.ts';
import { splitAtHeadings } from '../../src/analysis/categories/sections.ts';
import { loadTaxonomy } from '../../src/analysis/categories/taxonomy.ts';
import { hasOtaCorpus, otaDocuments, unpackOtaCorpus } from '../support/corpus.ts';

const taxonomy = await loadTaxonomy();
const classifier = compileTaxonomy(taxonomy);
const { heldOut, provisions: labels } = await loadLabels(undefined, new Set(taxonomy.categories.map((c) => c.id)));

describe('the hand labels', () => {
  it('cover at least 150 provisions from at least 20 platforms, with short excerpts only', () => {
    expect(labels.length).toBeGreaterThanOrEqual(150);
    expect(new Set(labels.map((l) => l.platform)).size).toBeGreaterThanOrEqual(20);
    for (const label of labels) {
      expect(label.excerpt.length).toBeLessThanOrEqual(200);
      expect(label.version_file.startsWith(`${label.platform}/${label.document}/`)).toBe(true);
    }
    const keys = labels.map((l) => `${l.version_file}#${l.heading}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('hold out whole platforms, at least a third of the labels', () => {
    const share = labels.filter((l) => heldOut.has(l.platform)).length / labels.length;
    expect(share).toBeGreaterThanOrEqual(1 / 3);
    expect(share).toBeLessThan(0.6);
  });

  it('propose the held-out platforms by a fixed rule, whatever the order of the labels', () => {
    const proposed = holdoutPlatforms(labels);
    expect(holdoutPlatforms([...labels].reverse())).toEqual(proposed);
    expect(labels.filter((l) => proposed.has(l.platform)).length).toBeGreaterThanOrEqual(labels.length / 3);
  });
});

describe('evaluate', () => {
  it('computes precision, recall and F1 per category and averaged', () => {
    const section = (text: string, categories: string[]): LabelledSection => ({
      text,
      label: { platform: 'p', document: 'd', version_file: 'p/d/v.md', heading: 'Section', text_sha256: '0'.repeat(64), excerpt: '', categories },
    });
    const result = evaluate(
      [
        section('You will indemnify and hold us harmless.', ['indemnification']), // TP
        section('Any dispute goes to binding arbitration.', []), // FP arbitration
        section('Nothing relevant here.', ['governing-law']), // FN governing-law
      ],
      classifier,
      taxonomy.categories,
    );
    const by = new Map(result.perCategory.map((c) => [c.category, c]));
    expect(by.get('indemnification')).toMatchObject({ support: 1, predicted: 1, truePositives: 1, precision: 1, recall: 1, f1: 1 });
    expect(by.get('arbitration')).toMatchObject({ support: 0, predicted: 1, precision: 0 });
    expect(by.get('governing-law')).toMatchObject({ support: 1, predicted: 0, recall: 0 });
    expect(result.micro).toMatchObject({ support: 2, predicted: 2, truePositives: 1, precision: 0.5, recall: 0.5 });
    expect(result.macro.precision).toBeCloseTo(1 / 3);
  });
});

describe.skipIf(!hasOtaCorpus)('on the real corpus', async () => {
  const ota = hasOtaCorpus ? await unpackOtaCorpus() : '';

  it('re-reads every labelled section and scores above the recorded floors', async () => {
    const { sections, skipped } = await readLabelledSections(labels, ota);
    expect(skipped).toEqual([]);
    const tuned = evaluate(sections.filter((s) => !heldOut.has(s.label.platform)), classifier, taxonomy.categories);
    const held = evaluate(sections.filter((s) => heldOut.has(s.label.platform)), classifier, taxonomy.categories);
    // Floors a little under the numbers `npm run eval:categories` measured when the rules were last
    // tuned: tuned P 82% R 96%, held-out P 76% R 74% (100 provisions). Raise them when the rules improve.
    expect(tuned.micro.precision).toBeGreaterThanOrEqual(0.75);
    expect(tuned.micro.recall).toBeGreaterThanOrEqual(0.85);
    expect(held.micro.precision).toBeGreaterThanOrEqual(0.62);
    expect(held.micro.recall).toBeGreaterThanOrEqual(0.68);
    expect(held.micro.f1).toBeGreaterThanOrEqual(0.65);
  });

  it('gives the same results with and without the word prefilter on the sections of the latest versions', async () => {
    const unfiltered = compileTaxonomy(taxonomy, { prefilter: false });
    let checked = 0;
    const differing: string[] = [];
    for (const { name, folder, files } of await otaDocuments(ota)) {
      // Every third section keeps the test to a few seconds (all of them agreed when last checked).
      const sections = splitAtHeadings(await readFile(path.join(folder, files.at(-1)!), 'utf8')).filter((_, i) => i % 3 === 0);
      for (const s of sections) {
        // Compared as JSON: a deep `toEqual` per section would cost more than the classification.
        if (JSON.stringify(scoreProvision(s.text, s.heading, classifier)) !== JSON.stringify(scoreProvision(s.text, s.heading, unfiltered))) {
          differing.push(`${name} § ${s.heading}`);
        }
        checked++;
      }
    }
    expect(differing).toEqual([]);
    expect(checked).toBeGreaterThan(1200);
  });
});
