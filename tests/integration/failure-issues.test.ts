import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyLedger, parseLedger, syncFailureIssues, updateLedger, type Ledger, type RunResult } from '../../src/archive/failures/index.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.ts';
import { REPO_ROOT } from '../support/archive.ts';

const silent = () => {};
const failing = (document: string, reason = 'timeout', message = `no answer from ${document}`): RunResult => ({
  document,
  status: 'failed',
  stage: 'fetch',
  reason,
  message,
  url: `https://${document.split('/')[0]}.example/${document.split('/')[1]}`,
});
const captured = (document: string): RunResult => ({ document, status: 'unchanged' });

let github: FakeGitHub;
let octokit: Octokit;
let ledger: Ledger;
let run = 0;

/** One capture run as the workflow does it: update the ledger, then sync the issues. */
async function captureRun(results: RunResult[], options: { threshold?: number } = {}) {
  const now = new Date(Date.UTC(2026, 2, 1, 6 * run++, 17)).toISOString();
  const update = updateLedger(ledger, results, now);
  const sync = await syncFailureIssues({ octokit, owner: github.owner, repo: github.repo, ledger: update.ledger, recovered: update.recovered, now, ...options });
  ledger = sync.ledger;
  return { ...sync, now };
}

const kinds = (actions: Array<{ kind: string }>) => actions.map((action) => action.kind);

beforeEach(async () => {
  github = await startFakeGitHub();
  octokit = new Octokit({ auth: github.token, baseUrl: github.url, log: { debug: silent, info: silent, warn: silent, error: silent } });
  ledger = emptyLedger();
  run = 0;
});
afterEach(() => github.close());

describe('failure issues against a local GitHub', () => {
  it('opens an issue on the second failing run, keeps it current, comments on a new reason and closes it on recovery', async () => {
    const doc = 'acme/privacy-policy';

    const first = await captureRun([failing(doc), captured('acme/terms-of-service')]);
    expect(first.actions).toEqual([]);
    expect(github.requests).toEqual([]);
    expect(ledger.entries[doc]).toMatchObject({ runs: 1 });

    const second = await captureRun([failing(doc), captured('acme/terms-of-service')]);
    expect(second.errors).toEqual([]);
    expect(second.actions).toEqual([{ kind: 'opened', document: doc, issue: 1 }]);
    expect(github.issues).toHaveLength(1);
    const issue = github.issue(1)!;
    expect(issue.title).toBe('Capture failing: acme/privacy-policy');
    expect(issue.labels).toEqual(['capture-failure', 'reason:timeout']);
    expect(issue.body).toContain('has failed in 2 consecutive runs');
    expect(issue.body).toContain('```text\nno answer from acme/privacy-policy\n```');
    expect(github.labels.get('capture-failure')).toMatchObject({ color: 'b60205' });
    expect(github.labels.get('reason:timeout')?.description).toBe('Capture failure reason: timeout');
    expect(ledger.entries[doc]).toMatchObject({ runs: 2, issue: 1 });

    github.requests.length = 0;
    const third = await captureRun([failing(doc)]);
    expect(third.actions).toEqual([{ kind: 'updated', document: doc, issue: 1 }]);
    expect(issue.body).toContain('has failed in 3 consecutive runs');
    expect(issue.comments).toEqual([]);
    expect(github.issues).toHaveLength(1);
    // Found by its number: no search, no label calls.
    expect(github.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /repos/octo-org/archive/issues/1', 'PATCH /repos/octo-org/archive/issues/1']);

    const fourth = await captureRun([failing(doc, 'http-status', 'HTTP 403 Forbidden')]);
    expect(kinds(fourth.actions)).toEqual(['updated', 'relabelled', 'commented']);
    expect(issue.labels).toEqual(['capture-failure', 'reason:http-status']);
    expect(issue.comments).toHaveLength(1);
    expect(issue.comments[0]!.body).toContain('The failure reason changed from `timeout` to `http-status`');
    expect(issue.comments[0]!.body).toContain('```text\nHTTP 403 Forbidden\n```');

    const fifth = await captureRun([failing(doc, 'http-status', 'HTTP 404 Not Found')]);
    expect(kinds(fifth.actions)).toEqual(['updated']);
    expect(issue.comments).toHaveLength(1);

    const sixth = await captureRun([captured(doc)]);
    expect(sixth.actions).toEqual([{ kind: 'closed', document: doc, issue: 1 }]);
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(issue.comments.at(-1)!.body).toBe(`Captured again at ${sixth.now}. It had failed in 5 consecutive runs since ${first.now} (last reason: \`http-status\`).`);
    expect(ledger.entries).toEqual({});

    // A new streak gets a new issue; the closed one stays closed.
    await captureRun([failing(doc)]);
    const again = await captureRun([failing(doc)]);
    expect(again.actions).toEqual([{ kind: 'opened', document: doc, issue: 2 }]);
    expect(issue.state).toBe('closed');
  });

  it('honours a higher threshold', async () => {
    for (let i = 0; i < 2; i++) expect((await captureRun([failing('acme/privacy-policy')], { threshold: 3 })).actions).toEqual([]);
    expect(kinds((await captureRun([failing('acme/privacy-policy')], { threshold: 3 })).actions)).toEqual(['opened']);
  });

  it('does not open a duplicate when the ledger was lost, and still closes the issue on recovery', async () => {
    await captureRun([failing('acme/privacy-policy')]);
    await captureRun([failing('acme/privacy-policy')]);
    expect(github.issues).toHaveLength(1);

    ledger = emptyLedger();
    await captureRun([failing('acme/privacy-policy')]);
    const found = await captureRun([failing('acme/privacy-policy')]);
    expect(found.actions).toEqual([{ kind: 'updated', document: 'acme/privacy-policy', issue: 1 }]);
    expect(github.issues).toHaveLength(1);
    expect(ledger.entries['acme/privacy-policy']).toMatchObject({ runs: 2, issue: 1 });

    ledger = emptyLedger();
    await captureRun([failing('acme/privacy-policy')]);
    const closed = await captureRun([captured('acme/privacy-policy')]);
    expect(closed.actions).toEqual([{ kind: 'closed', document: 'acme/privacy-policy', issue: 1 }]);
    expect(github.issue(1)!.state).toBe('closed');
  });

  it('looks past issues that are not the failure issue: pull requests, other titles, deleted numbers', async () => {
    github.addIssue({ title: 'Capture failing: acme/privacy-policy', labels: ['capture-failure'], pull_request: true });
    github.addIssue({ title: 'Capture failing: acme/privacy-policy (old)', labels: ['capture-failure'] });
    github.addIssue({ title: 'Unrelated', labels: [] });
    await captureRun([failing('acme/privacy-policy')]);
    ledger.entries['acme/privacy-policy']!.issue = 3;
    const opened = await captureRun([failing('acme/privacy-policy')]);
    expect(opened.actions).toEqual([{ kind: 'opened', document: 'acme/privacy-policy', issue: 4 }]);

    ledger.entries['acme/privacy-policy']!.issue = 99;
    const relinked = await captureRun([failing('acme/privacy-policy')]);
    expect(relinked.errors).toEqual([]);
    expect(relinked.actions).toEqual([{ kind: 'updated', document: 'acme/privacy-policy', issue: 4 }]);
    expect(ledger.entries['acme/privacy-policy']!.issue).toBe(4);
  });

  it('reopens an issue closed by hand while the document still fails', async () => {
    await captureRun([failing('acme/privacy-policy')]);
    await captureRun([failing('acme/privacy-policy')]);
    github.issue(1)!.state = 'closed';
    const reopened = await captureRun([failing('acme/privacy-policy')]);
    expect(kinds(reopened.actions)).toEqual(['reopened', 'updated', 'commented']);
    expect(github.issue(1)).toMatchObject({ state: 'open', state_reason: 'reopened' });
    expect(github.issue(1)!.comments[0]!.body).toMatch(/^Reopened: the document still fails/);
  });

  it('keeps labels people added, and keeps scraped text inside the code block', async () => {
    await captureRun([failing('acme/privacy-policy')]);
    await captureRun([failing('acme/privacy-policy')]);
    github.issue(1)!.labels.push('help wanted');
    await captureRun([failing('acme/privacy-policy', 'bot-wall', '```\n@everyone \u001b[1mJust a moment...\u001b[0m')]);
    const issue = github.issue(1)!;
    expect(issue.labels).toEqual(['capture-failure', 'help wanted', 'reason:bot-wall']);
    expect(issue.body).toContain("```text\n'''\n@everyone Just a moment...\n```");
    expect(issue.body!.split('```')).toHaveLength(3);
  });

  it('reports an API error on one issue and still handles the others', async () => {
    const docs = ['acme/privacy-policy', 'acme/terms-of-service', 'zeta/privacy-policy'];
    await captureRun(docs.map((doc) => failing(doc)));
    await captureRun(docs.map((doc) => failing(doc)));
    expect(github.issues.map((issue) => issue.title)).toEqual(docs.map((doc) => `Capture failing: ${doc}`));

    github.failWhen((request) => request.method === 'PATCH' && request.path.endsWith('/issues/1'), 500);
    const partly = await captureRun(docs.map((doc) => failing(doc)));
    expect(partly.errors).toEqual([{ document: 'acme/privacy-policy', issue: 1, status: 500, message: expect.stringContaining('Server Error') }]);
    expect(partly.actions).toEqual([
      { kind: 'updated', document: 'acme/terms-of-service', issue: 2 },
      { kind: 'updated', document: 'zeta/privacy-policy', issue: 3 },
    ]);
    expect(ledger.entries['acme/privacy-policy']!.issue).toBe(1);

    github.failWhen((request) => request.method === 'POST' && request.path.endsWith('/issues/2/comments'), 502);
    const recovering = await captureRun(docs.map((doc) => captured(doc)));
    expect(recovering.errors).toEqual([{ document: 'acme/terms-of-service', issue: 2, status: 502, message: expect.any(String) }]);
    expect(kinds(recovering.actions)).toEqual(['closed', 'closed']);
    expect(github.issues.map((issue) => issue.state)).toEqual(['closed', 'open', 'closed']);
    // The document whose issue stayed open stays in the ledger, and the next run closes it.
    expect(Object.keys(ledger.entries)).toEqual(['acme/terms-of-service']);
    const retried = await captureRun(docs.map((doc) => captured(doc)));
    expect(retried.actions).toEqual([{ kind: 'closed', document: 'acme/terms-of-service', issue: 2 }]);
    expect(github.issues.map((issue) => issue.state)).toEqual(['closed', 'closed', 'closed']);
    expect(ledger.entries).toEqual({});
  });

  it('keeps the number of an issue it opened even when a later call for it fails', async () => {
    await captureRun([failing('acme/privacy-policy')]);
    const first = await captureRun([failing('acme/privacy-policy')]);
    expect(first.actions).toHaveLength(1);
    github.failWhen((request) => request.method === 'POST' && request.path.endsWith('/comments'), 500);
    const changed = await captureRun([failing('acme/privacy-policy', 'dns')]);
    expect(kinds(changed.actions)).toEqual(['updated', 'relabelled']);
    expect(changed.errors).toHaveLength(1);
    expect(ledger.entries['acme/privacy-policy']!.issue).toBe(1);
  });

  it('reports a refused token for every document instead of throwing', async () => {
    octokit = new Octokit({ auth: 'wrong', baseUrl: github.url, log: { debug: silent, info: silent, warn: silent, error: silent } });
    await captureRun([failing('acme/privacy-policy'), failing('zeta/privacy-policy')]);
    const refused = await captureRun([failing('acme/privacy-policy'), failing('zeta/privacy-policy')]);
    expect(refused.errors.map((error) => [error.document, error.status])).toEqual([
      ['acme/privacy-policy', 401],
      ['zeta/privacy-policy', 401],
    ]);
    expect(github.issues).toEqual([]);
  });
});

describe('npm run failures:issues', () => {
  const exec = promisify(execFile);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'failure-issues-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const script = (args: string[], env: Record<string, string> = {}) =>
    exec(process.execPath, [path.join(REPO_ROOT, 'scripts/failure-issues.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', GITHUB_TOKEN: github.token, GITHUB_REPOSITORY: `${github.owner}/${github.repo}`, GITHUB_API_URL: github.url, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('updates the ledger file from a run report, opens issues, and exits 1 when a call failed', async () => {
    const ledgerFile = path.join(dir, 'failures.json');
    const report = path.join(dir, 'capture-report.json');
    await writeFile(report, JSON.stringify({ results: [failing('acme/privacy-policy'), captured('acme/terms-of-service')] }));

    const first = await script(['--ledger', ledgerFile, '--results', report]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('1 failing document(s), 0 in 2 or more consecutive runs; 0 captured again');
    expect(parseLedger(ledgerFile, await readFile(ledgerFile, 'utf8')).entries['acme/privacy-policy']).toMatchObject({ runs: 1 });

    const second = await script(['--ledger', ledgerFile, '--results', report]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/opened +#1 +acme\/privacy-policy/);
    expect(parseLedger(ledgerFile, await readFile(ledgerFile, 'utf8')).entries['acme/privacy-policy']).toMatchObject({ runs: 2, issue: 1 });

    github.failWhen((request) => request.method === 'PATCH', 503);
    const third = await script(['--ledger', ledgerFile, '--results', report]);
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(/FAILED +#1 +acme\/privacy-policy: HTTP 503/);
    expect(parseLedger(ledgerFile, await readFile(ledgerFile, 'utf8')).entries['acme/privacy-policy']).toMatchObject({ runs: 3, issue: 1 });

    const synced = await script(['--ledger', ledgerFile, '--threshold', '5']);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain('Ledger unchanged');
  });

  it('exits 2 on bad usage or a broken ledger, naming the field', async () => {
    const ledgerFile = path.join(dir, 'failures.json');
    expect((await script(['--ledger', ledgerFile], { GITHUB_REPOSITORY: 'no-slash' })).code).toBe(2);
    expect((await script(['--ledger', ledgerFile, '--threshold', '0'])).code).toBe(2);
    await writeFile(ledgerFile, JSON.stringify({ version: 1, entries: { 'a/b': { document: 'a/b' } } }));
    const broken = await script(['--ledger', ledgerFile]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`LedgerError: ${ledgerFile}: \n  - entries.a/b.url: `);
  });
});
