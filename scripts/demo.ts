import path from 'node:path';
import { runDemo } from '../src/demo/index.ts';
import { progressLine } from '../src/archive/report.ts';
import { parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run demo [-- --archive <dir>] [--quiet]

Serves the fixture web (fictional platforms) on 127.0.0.1 and captures it day by day with a
simulated clock into a scratch archive repository (default: .demo/archive). The scratch archive
is recreated on every run; this repository's content/ is never touched.`;

const { values } = parseCli(usage, { archive: { type: 'string' }, quiet: { type: 'boolean' } });
const archiveDir = path.resolve(values.archive ?? path.join(REPOSITORY_ROOT, '.demo', 'archive'));
const started = Date.now();
console.log(`Capturing the fixture web into ${archiveDir}`);
const result = await runDemo({
  archiveDir,
  onDay: (date, report) => {
    const recorded = report.results.filter((r) => r.outcome.status === 'recorded');
    console.log(`${date}: ${recorded.length} new version(s) of ${report.results.length} documents`);
    if (!values.quiet) for (const r of recorded) if (r.outcome.status === 'recorded') console.log(`  ${r.source.platform}/${r.source.document} (${r.outcome.change}): ${r.outcome.summary}`);
  },
  ...(values.quiet ? {} : { onProgress: (r, done, total) => r.outcome.status === 'failed' && console.log(`  ${progressLine(r, done, total)}`) }),
});
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.days} simulated days, ${result.recorded} versions recorded, ${result.failed} failures.`);
console.log(`Archive: ${archiveDir}\n  history:  git -C ${archiveDir} log --stat\n  evidence: git -C ${archiveDir} log evidence`);
process.exitCode = result.failed > 0 ? 1 : 0;
