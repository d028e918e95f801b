import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';
import {
  CONVERTERS, DEFAULT_CONVERTER, formatReport, loadCorpus, measureFidelity, timeExtraction,
} from '../src/bench/extraction-fidelity.ts';

const usage = `npm run bench:extraction -- [--corpus <dir>] [--json <file>]

Extracts every capture of the Open Terms Archive triples corpus with each HTML-to-Markdown
converter and scores the normalized result against OTA's recorded Markdown (text, lines,
headings, numbered clauses, nested lists, table rows), then times each converter.
  --corpus <dir>   the triples (default: ../shared/corpus/extraction next to this repository)
  --json <file>    also write the raw numbers as JSON`;

const { values } = parseCli(usage, { corpus: { type: 'string' }, json: { type: 'string' } });
const corpus = path.resolve(values.corpus ?? path.join(REPOSITORY_ROOT, '../shared/corpus/extraction'));
if (!existsSync(corpus)) {
  console.log(`No extraction corpus at ${corpus}: nothing to measure (pass --corpus <dir>).`);
  process.exit(0);
}

const triples = await loadCorpus(corpus);
const report = measureFidelity(corpus, triples, CONVERTERS);
// The default converter first: its cost is the one a capture run pays.
const timed = [DEFAULT_CONVERTER, ...Object.keys(CONVERTERS).filter((name) => name !== DEFAULT_CONVERTER)];
report.timing = timed.map((name) => timeExtraction(triples, name, CONVERTERS[name]!));
console.log(formatReport(report));
if (values.json) {
  await writeFile(path.resolve(values.json), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nRaw numbers written to ${path.resolve(values.json)}`);
}
