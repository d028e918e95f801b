import path from 'node:path';
import { validateSources } from '../src/archive/validate.ts';
import { list, parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run sources:validate -- [--sources <dir>] [--platform <slug>]... [--offline | --online]

Checks every declaration in content/platforms: schema, URL shape and address rule, duplicates;
then, when a network is reachable (or with --online), that each source is fetchable, its
selectors match, and two captures in a row give identical Markdown.
Exit status: 0 all valid; 1 a source has a problem; 2 a declaration does not parse.`;

const { values } = parseCli(usage, { sources: { type: 'string' }, platform: { type: 'string', short: 'p', multiple: true }, offline: { type: 'boolean' }, online: { type: 'boolean' } });
const sourcesDir = path.resolve(values.sources ?? path.join(REPOSITORY_ROOT, 'content', 'platforms'));
try {
  const report = await validateSources({
    sourcesDir,
    platforms: list(values.platform),
    online: values.offline ? false : values.online ? true : 'auto',
    onChecked: (check) => {
      const id = `${check.source.platform}/${check.source.document}`;
      console.log(check.problems.length === 0 ? `ok    ${id}${check.checked.length ? ` (${check.checked.join(', ')})` : ''}` : `FAIL  ${id}\n${check.problems.map((p) => `        ${p}`).join('\n')}`);
    },
  });
  const failed = report.checks.filter((c) => c.problems.length > 0).length;
  console.log(`\n${report.checks.length} sources checked ${report.online ? 'online' : 'offline (schema and URL shape; no network, so nothing was fetched)'}: ${report.checks.length - failed} valid, ${failed} with problems.`);
  process.exitCode = failed > 0 ? 1 : 0;
} catch (error) {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 2;
}
