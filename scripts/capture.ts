import path from 'node:path';
import { runCapture } from '../src/archive/capture.ts';
import { writeFile } from 'node:fs/promises';
import { exitCodeOf, formatSummary, progressLine, reportJson } from '../src/archive/report.ts';
import { list, parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run capture -- [--archive <dir>] [--sources <dir>] [--platform <slug>]... [--document <type>]... [--dry-run]

Fetches every declared source, extracts and normalizes its text, and records a new version
(one commit) for each document whose text really changed.
  --archive <dir>   archive repository (default: this repository)
  --sources <dir>   declarations (default: <archive>/content/platforms)
  --platform, -p    only these platforms (repeat or comma-separate)
  --document, -d    only these document types
  --dry-run         fetch, extract and compare, but record nothing
  --report <file>   also write the run's results as JSON
  --timeout <ms>    per-request deadline (default 30000)
  --allow-loopback  let sources point at 127.0.0.1 (tests and local experiments only)
Exit status: 0 all captured; 1 a source failed or was refused; 2 bad usage or declarations; 3 the archive could not be written.`;

const { values } = parseCli(usage, {
  archive: { type: 'string' },
  sources: { type: 'string' },
  platform: { type: 'string', short: 'p', multiple: true },
  document: { type: 'string', short: 'd', multiple: true },
  'dry-run': { type: 'boolean' },
  report: { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  timeout: { type: 'string' },
});
const archiveDir = path.resolve(values.archive ?? REPOSITORY_ROOT);
const dryRun = values['dry-run'] ?? false;
console.log(`${dryRun ? 'Dry run: ' : ''}capturing into ${archiveDir}`);
try {
  const report = await runCapture({
    archiveDir,
    ...(values.sources ? { sourcesDir: path.resolve(values.sources) } : {}),
    filter: { platforms: list(values.platform), documents: list(values.document) },
    dryRun,
    fetch: { allowLoopback: values['allow-loopback'] ?? false, ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}) },
    onProgress: (result, done, total) => console.log(progressLine(result, done, total)),
  });
  console.log(formatSummary(report, { dryRun }));
  if (values.report) await writeFile(values.report, reportJson(report));
  process.exitCode = exitCodeOf(report);
} catch (error) {
  const name = (error as Error).name;
  console.error(`\n${name}: ${(error as Error).message}`);
  process.exitCode = name === 'SourcesError' ? 2 : 3;
}
