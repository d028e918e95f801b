import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importHistory } from '../src/archive/import/index.ts';
import { initArchive } from '../src/archive/record/index.ts';
import { git } from '../src/history/git.ts';
import { list, pairs, parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run import -- <folder> [--archive <dir>] [--platform <slug>]... [--init]

Builds archive history from an existing one laid out as <platform>/<document>/<timestamp>.md
(timestamps like 2024-05-01T12-00-00Z.md), one commit per version at its original date, through
the same normalize → guard → record path as a capture.
  --archive <dir>   archive repository (default: this repository)
  --init            create the archive repository if it does not exist
  --platform, -p    only these platforms (the folder's names)
  --as <from>=<to>  import the folder's platform (or platform/document) under the archive's name
                    for it, e.g. --as claude-ai=claude --as microsoft-copilot/terms-of-service=copilot/ai-terms
  --json <file>     write the full report (every refusal and held version) as JSON`;

const { values, positionals } = parseCli(usage, { archive: { type: 'string' }, init: { type: 'boolean' }, platform: { type: 'string', short: 'p', multiple: true }, as: { type: 'string', multiple: true }, json: { type: 'string' } }, true);
if (positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}
const as = pairs(list(values.as), '--as', usage);
const archiveDir = path.resolve(values.archive ?? REPOSITORY_ROOT);
if (values.init) await initArchive(archiveDir);
const started = Date.now();
try {
  const report = await importHistory({
    archiveDir,
    folder: positionals[0]!,
    platforms: list(values.platform),
    as,
    onProgress: (done, total, item, outcome) => {
      if (done % 100 === 0 || done === total || outcome.status === 'refused') {
        const note = outcome.status === 'refused' ? ` refused ${path.relative(positionals[0]!, item.file)} (${outcome.reason})` : '';
        console.log(`[${done}/${total}] ${item.date}${note}`);
      }
    },
  });
  const r = report.recorded;
  console.log(`\nImported ${report.files} files of ${report.documents} documents in ${((Date.now() - started) / 1000).toFixed(1)} s into ${archiveDir}`);
  console.log(`  versions recorded: ${r.initial + r.substantive + r.editorial} (initial ${r.initial}, substantive ${r.substantive}, editorial ${r.editorial})`);
  console.log(`  identical after normalization (skipped): ${report.unchanged}`);
  console.log(`  already in the archive (skipped): ${report.alreadyImported}`);
  const reasons = Object.entries(Object.groupBy(report.refused, (r) => r.reason)).map(([reason, list]) => `${reason} ${list!.length}`);
  console.log(`  refused by the guard: ${report.refused.length}${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  const h = report.held;
  console.log(`  held (shrink or collapse): ${h.confirmed} confirmed by the next version, ${h.dropped} dropped (the next version returned), ${h.stillHeld} still held`);
  console.log(`  flaps dropped (a return to a text recorded within 30 days): ${h.flaps}`);
  if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  // One commit per version leaves an object per file and tree: packed, git (and every site build's
  // history pass) reads the archive ten times faster.
  const packing = Date.now();
  await git(archiveDir, ['gc', '--quiet']);
  console.log(`  archive packed in ${((Date.now() - packing) / 1000).toFixed(1)} s`);
  process.exitCode = 0;
} catch (error) {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
}
