import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileTaxonomy } from '../src/analysis/categories/classify.ts';
import { evaluate, formatErrors, formatEvaluation, loadLabels, readLabelledSections, timePerThousand } from '../src/analysis/categories/evaluate.ts';
import { splitAtHeadings } from '../src/analysis/categories/sections.ts';
import { loadTaxonomy } from '../src/analysis/categories/taxonomy.ts';

// npm run eval:categories [-- --errors] [--corpus <ota.tar.xz>]
// Precision and recall of the category rules against the hand labels, on the platforms the rules were
// tuned on and on the held-out third; then the time to classify 1,000 real provisions.
const { values } = parseArgs({ options: { errors: { type: 'boolean', default: false }, corpus: { type: 'string' } } });
const tarball = path.resolve(values.corpus ?? path.join(import.meta.dirname, '../../shared/corpus/ota.tar.xz'));
const ota = path.join(os.tmpdir(), 'governance-archive-corpus', 'ota');
if (!existsSync(path.join(ota, 'README.md'))) {
  if (!existsSync(tarball)) {
    console.log(`No corpus at ${tarball}: the labels cannot be re-read, nothing to evaluate.`);
    process.exit(0);
  }
  await mkdir(path.dirname(ota), { recursive: true });
  execFileSync('tar', ['-xJf', tarball, '-C', path.dirname(ota)]);
}

const taxonomy = await loadTaxonomy();
const classifier = compileTaxonomy(taxonomy);
const { heldOut: held, provisions: labels } = await loadLabels(undefined, new Set(taxonomy.categories.map((c) => c.id)));
const { sections, skipped } = await readLabelledSections(labels, ota);
for (const s of skipped) console.warn(`skipped: ${s}`);
const platforms = new Set(labels.map((l) => l.platform));
console.log(`${labels.length} labelled provisions from ${platforms.size} platforms; held out: ${[...held].sort().join(', ')}\n`);
const parts = [
  ['Tuned (rules adjusted on these)', sections.filter((s) => !held.has(s.label.platform))],
  ['Held out (not looked at while tuning)', sections.filter((s) => held.has(s.label.platform))],
  ['All labels', sections],
] as const;
for (const [title, part] of parts) {
  const evaluation = evaluate(part, classifier, taxonomy.categories);
  console.log(`${formatEvaluation(title, evaluation)}\n`);
  if (values.errors && title.startsWith('Tuned')) console.log(`${formatErrors(evaluation)}\n`);
}

// Time on every section of the latest version of every corpus document, not only the labelled ones.
const all: Array<{ text: string; heading: string }> = [];
for (const service of (await readdir(ota, { withFileTypes: true })).filter((e) => e.isDirectory())) {
  for (const document of (await readdir(path.join(ota, service.name), { withFileTypes: true })).filter((e) => e.isDirectory())) {
    const folder = path.join(ota, service.name, document.name);
    const entries = JSON.parse(await readFile(path.join(folder, 'versions.json'), 'utf8')) as Array<{ file: string }>;
    all.push(...splitAtHeadings(await readFile(path.join(folder, entries.at(-1)!.file), 'utf8')));
  }
}
const ms = timePerThousand(all, classifier);
console.log(`Classifying: ${ms.toFixed(1)} ms per 1,000 provisions (${all.length} sections of the latest versions, ${taxonomy.categories.length} categories).`);
