import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';
import { emptyMeasurement, formatMeasurement, measureHistory, share } from '../../src/analysis/provisions/measure.ts';
import { hasOtaCorpus, otaDocuments, unpackOtaCorpus } from '../support/corpus.ts';

/** Every 16th document of the corpus, its first 6 versions: a spread of platforms and formats in a few seconds. */
const EVERY = 16;
const VERSIONS = 6;

// Floors a little below what this sample measured (see docs/decisions/0008-provision-ids.md for the whole corpus).
const MIN_MATCHED = 0.9;
const MAX_REWORD_LOST = 0.1;

describe.skipIf(!hasOtaCorpus)('provision ids on a sample of the Open Terms Archive corpus', () => {
  it('carry over most provisions and rarely lose a reworded one', async () => {
    const ota = await unpackOtaCorpus();
    const measurement = emptyMeasurement();
    for (const { name, folder, files } of (await otaDocuments(ota)).filter((_, i) => i % EVERY === 0)) {
      const sample = files.slice(0, VERSIONS);
      const versions = await Promise.all(sample.map(async (file) => normalizeMarkdown(await readFile(path.join(folder, file), 'utf8'))));
      measureHistory(measurement, name, versions, sample);
    }
    console.log(formatMeasurement(measurement));
    expect(measurement.pairs).toBeGreaterThan(50);
    expect(share(measurement.matched, measurement.previousProvisions)).toBeGreaterThanOrEqual(MIN_MATCHED);
    expect(share(measurement.rewordLost, measurement.rewordOpportunities)).toBeLessThanOrEqual(MAX_REWORD_LOST);
  }, 300_000);
});
