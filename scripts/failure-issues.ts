import { readFile, writeFile } from 'node:fs/promises';
import { Octokit } from '@octokit/rest';
import { parseCli } from '../src/cli/args.ts';
import { DEFAULT_THRESHOLD, emptyLedger, formatLedger, parseLedger, parseRunReport, syncFailureIssues, updateLedger } from '../src/archive/failures/index.ts';

const usage = `npm run failures:issues -- --ledger <file> [--results <run report>] [--threshold <n>]

Applies a capture run's results to the failure ledger, then opens, updates and closes one GitHub
issue per document failing in at least <n> consecutive runs (default ${DEFAULT_THRESHOLD}).
  --ledger <file>     the failure ledger (JSON); a missing file is an empty ledger; rewritten in place
  --results <file>    the run's report (capture --report <file>); without it the ledger is only synced
  --threshold <n>     consecutive failing runs before an issue is opened
Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_API_URL (default https://api.github.com).
Exit status: 0 done; 1 a GitHub call failed (the ledger is written all the same); 2 bad usage or input.`;

const { values } = parseCli(usage, { ledger: { type: 'string' }, results: { type: 'string' }, threshold: { type: 'string' } });
const { GITHUB_TOKEN: token, GITHUB_REPOSITORY: repository = '', GITHUB_API_URL: baseUrl = 'https://api.github.com' } = process.env;
const [owner, repo, extra] = repository.split('/');
const threshold = Number(values.threshold ?? DEFAULT_THRESHOLD);
if (!values.ledger || !token || !owner || !repo || extra !== undefined || !Number.isInteger(threshold) || threshold < 1) {
  console.error(`--ledger, a positive integer --threshold, GITHUB_TOKEN and GITHUB_REPOSITORY=owner/repo are needed.\n\n${usage}`);
  process.exit(2);
}
const ledgerFile = values.ledger;
try {
  const text = await readFile(ledgerFile, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
  const previous = text === undefined ? emptyLedger() : parseLedger(ledgerFile, text);
  const now = new Date().toISOString();
  const update = values.results
    ? updateLedger(previous, parseRunReport(values.results, await readFile(values.results, 'utf8')), now)
    : { ledger: previous, recovered: [] };
  const silent = () => {};
  // Expected 404s (an issue looked up by number) are not worth a log line; errors are reported below.
  const octokit = new Octokit({ auth: token, baseUrl, userAgent: 'governance-archive failure-issues', log: { debug: silent, info: silent, warn: console.warn, error: silent } });
  const result = await syncFailureIssues({ octokit, owner, repo, ledger: update.ledger, recovered: update.recovered, threshold, now });

  const entries = Object.values(result.ledger.entries);
  console.log(`${entries.length} failing document(s), ${entries.filter((entry) => entry.runs >= threshold).length} in ${threshold} or more consecutive runs; ${update.recovered.length} captured again`);
  for (const action of result.actions) console.log(`  ${action.kind.padEnd(10)} #${action.issue}  ${action.document}`);
  for (const error of result.errors) {
    console.error(`  FAILED     ${error.issue === undefined ? '' : `#${error.issue}  `}${error.document}: ${error.status === undefined ? '' : `HTTP ${error.status}: `}${error.message}`);
  }
  const formatted = formatLedger(result.ledger);
  if (formatted !== text) {
    await writeFile(ledgerFile, formatted);
    console.log(`Ledger written to ${ledgerFile}`);
  } else console.log('Ledger unchanged');
  process.exitCode = result.errors.length > 0 ? 1 : 0;
} catch (error) {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 2;
}
