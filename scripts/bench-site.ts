import { availableParallelism } from 'node:os';
import path from 'node:path';
import { benchSite, verdict } from '../src/bench/site-bench.ts';
import { parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run bench:site [-- --corpus <ota.tar.xz>] [--archive <dir>] [--no-bare] [--no-hugo]

Imports the real corpus (default ../shared/corpus/ota.tar.xz) into a scratch archive and builds
the whole site cold, warm, and after one new version; then a bare Astro build of the same texts
(a page per text through a glob collection) and Hugo (when Debian's hugo is installed).
Prints wall and CPU time, per-stage times, page counts and peak memory. --archive reuses an archive
already imported from the corpus (npm run import), copied, instead of importing again.`;

const { values } = parseCli(usage, { corpus: { type: 'string' }, archive: { type: 'string' }, 'no-bare': { type: 'boolean' }, 'no-hugo': { type: 'boolean' } });
const corpus = path.resolve(values.corpus ?? path.join(REPOSITORY_ROOT, '..', 'shared', 'corpus', 'ota.tar.xz'));
const report = await benchSite({
  corpus,
  archive: values.archive,
  workDir: path.join(REPOSITORY_ROOT, 'node_modules', '.cache', 'governance-archive', 'bench-site'),
  bare: !values['no-bare'],
  hugo: !values['no-hugo'],
  onStep: (message) => console.log(`… ${message}`),
});
console.log(`\n${report.versions} versions of ${report.documents} documents (${values.archive ? 'archive copied' : 'import'} in ${report.importSeconds.toFixed(1)} s)\n`);
for (const m of report.measures) {
  const cpu = m.cpuSeconds === undefined ? '' : `${m.cpuSeconds.toFixed(1)} s`;
  console.log(`${m.name.padEnd(52)} ${m.seconds.toFixed(1).padStart(7)} s  ${cpu.padStart(8)} CPU  ${String(m.peakMb).padStart(6)} MB peak  ${String(m.pages ?? '').padStart(6)} pages  ${m.detail ?? ''}`);
}
if (report.analysisCpuSeconds !== undefined) console.log(`provision analysis alone, one thread: ${report.analysisCpuSeconds.toFixed(1)} CPU s`);
const lines = verdict(report, availableParallelism());
if (lines.length) console.log(`\nAgainst the targets (issue 4), in this run:\n${lines.join('\n')}`);
