import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { normalizeMarkdown } from '../src/archive/normalize/index.ts';
import { emptyMeasurement, formatMeasurement, measureHistory } from '../src/analysis/provisions/measure.ts';

// npm run bench:provisions [-- <ota.tar.xz>]
// Segments and matches every version history of the Open Terms Archive corpus and reports how
// well provision ids survive, with examples of failures and the time taken.
const tarball = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../../shared/corpus/ota.tar.xz'));
const dir = path.join(os.tmpdir(), 'governance-archive-corpus');
const ota = path.join(dir, 'ota');
if (!existsSync(path.join(ota, 'README.md'))) {
  if (!existsSync(tarball)) {
    console.log(`No corpus at ${tarball}: nothing to measure.`);
    process.exit(0);
  }
  await mkdir(dir, { recursive: true });
  execFileSync('tar', ['-xJf', tarball, '-C', dir]);
}

const measurement = emptyMeasurement();
let normalizeMs = 0;
for (const service of (await readdir(ota, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  for (const document of (await readdir(path.join(ota, service), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const folder = path.join(ota, service, document);
    const entries = JSON.parse(await readFile(path.join(folder, 'versions.json'), 'utf8')) as Array<{ file: string }>;
    const start = performance.now();
    const versions = await Promise.all(entries.map(async (e) => normalizeMarkdown(await readFile(path.join(folder, e.file), 'utf8'))));
    normalizeMs += performance.now() - start;
    measureHistory(measurement, `${service}/${document}`, versions, entries.map((e) => e.file.replace(/\.md$/, '')), () => performance.now());
  }
}
console.log(formatMeasurement(measurement));
console.log(`(normalizing the versions first took ${Math.round(normalizeMs)} ms, not counted above)`);
