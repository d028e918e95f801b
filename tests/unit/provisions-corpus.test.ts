import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';
import { emptyMeasurement, formatMeasurement, measureHistory, share } from '../../src/analysis/provisions/measure.ts';
import { hasOtaCorpus, unpackOtaCorpus } from '../support/corpus.ts';

/** Every 16th document of the corpus, its first 6 versions: a spread of platforms and formats in a few seconds. */
const EVERY = 16;
const VERSIONS = 6;

// Floors a little below what this sample measured (see docs/decisions/0008-provision-ids.md for the whole corpus).
const MIN_MATCHED = 0.9;
const MAX_REWORD_LOST = 0.1;

describe.skipIf(!hasOtaCorpus)('provision ids on a sample of the Open Terms Archive corpus', () => {
  it('carry over most provisions and rarely lose a reworded one', async () => {
    const ota = await unpackOtaCorpus();
    const documents: string[] = [];
    for (const service of (await readdir(ota, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
      for (const entry of await readdir(path.join(ota, service), { withFileTypes: true })) {
        if (entry.isDirectory()) documents.push(`${service}/${entry.name}`);
      }
    }
    documents.sort();
    const measurement = emptyMeasurement();
    for (const document of documents.filter((_, i) => i % EVERY === 0)) {
      const folder = path.join(ota, document);
      const entries = (JSON.parse(await readFile(path.join(folder, 'versions.json'), 'utf8')) as Array<{ file: string }>).slice(0, VERSIONS);
      const versions = await Promise.all(entries.map(async (e) => normalizeMarkdown(await readFile(path.join(folder, e.file), 'utf8'))));
      measureHistory(measurement, document, versions, entries.map((e) => e.file));
    }
    console.log(formatMeasurement(measurement));
    expect(measurement.pairs).toBeGreaterThan(50);
    expect(share(measurement.matched, measurement.previousProvisions)).toBeGreaterThanOrEqual(MIN_MATCHED);
    expect(share(measurement.rewordLost, measurement.rewordOpportunities)).toBeLessThanOrEqual(MAX_REWORD_LOST);
  }, 300_000);
});
