import path from 'node:path';
import { reextractArchive } from '../src/archive/reextract.ts';
import { list, parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run reextract -- [--archive <dir>] [--platform <slug>]... [--document <type>]... [--dry-run]

Re-derives the latest version of each document from its recorded raw capture with the current
extractor and declarations; a different text is recorded as a technical version (Change: technical).
Exit status: 0 done; 1 some document could not be re-extracted.`;
const { values } = parseCli(usage, {
  archive: { type: 'string' },
  platform: { type: 'string', short: 'p', multiple: true },
  document: { type: 'string', short: 'd', multiple: true },
  'dry-run': { type: 'boolean' },
});
const archiveDir = path.resolve(values.archive ?? REPOSITORY_ROOT);
const results = await reextractArchive({
  archiveDir,
  filter: { platforms: list(values.platform), documents: list(values.document) },
  dryRun: values['dry-run'] ?? false,
  onResult: ({ document, outcome }) => console.log(`${document}: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`),
});
const count = (status: string) => results.filter((r) => r.outcome.status === status).length;
console.log(`\n${results.length} documents: ${count('recorded') + count('would-record')} re-extracted as technical versions${values['dry-run'] ? ' (dry run)' : ''}, ${count('unchanged')} unchanged, ${count('skipped')} skipped, ${count('failed')} failed.`);
process.exitCode = count('failed') > 0 ? 1 : 0;
