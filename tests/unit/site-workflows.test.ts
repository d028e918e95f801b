import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/archive.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { needs?: string; permissions?: Record<string, string>; environment?: { name: string }; steps: Step[] }>;
}

const load = (name: string) => parse(readFileSync(path.join(REPO_ROOT, '.github/workflows', name), 'utf8')) as Workflow;

describe('deploy workflow', () => {
  const workflow = load('deploy.yml');
  const build = workflow.jobs.build!;

  it('publishes after each capture run, on pushes to main and by hand', () => {
    expect(workflow.on.workflow_run).toEqual({ workflows: ['capture'], types: ['completed'] });
    expect(workflow.on.push).toEqual({ branches: ['main'] });
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('builds from main’s full history with read access only, and deploys with the Pages permissions alone', () => {
    expect(build.permissions).toEqual({ contents: 'read' });
    const checkout = build.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({ ref: 'main', 'fetch-depth': 0 });
    expect(build.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))?.with?.path).toBe('dist');
    expect(workflow.jobs.deploy).toMatchObject({ needs: 'build', permissions: { pages: 'write', 'id-token': 'write' }, environment: { name: 'github-pages' } });
  });

  it('keeps the incremental build’s cache between runs, restored after npm ci and before the build', () => {
    const names = build.steps.map((s) => s.name ?? s.uses?.split('@')[0] ?? s.run);
    const cache = build.steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    expect(cache.uses).toMatch(/^actions\/cache@[0-9a-f]{40}$/);
    expect(cache.with).toMatchObject({ path: 'node_modules/.astro', 'restore-keys': 'site-build-' });
    // A new entry per run (a cache entry is never overwritten), found again by its prefix.
    expect(String(cache.with!.key)).toMatch(/^site-build-\$\{\{ github\.run_id \}\}$/);
    expect(names.indexOf('npm ci')).toBeLessThan(names.indexOf('actions/cache'));
    expect(names.indexOf('actions/cache')).toBeLessThan(names.indexOf('Build the site'));
  });

  it.each([
    ['octo/archive', 'octo', '', 'https://octo.github.io/archive'],
    ['Octo/octo.github.io', 'Octo', '', 'https://octo.github.io'],
    ['octo/archive', 'octo', 'https://archive.example.org', 'https://archive.example.org'],
  ])('builds %s for its Pages address (override %j)', (repository, owner, override, expected) => {
    const step = build.steps.find((s) => s.name === 'Build the site')!;
    const script = step.run!.replace('npm run build', 'echo "$SITE_URL|${ARCHIVE_CHECKED_AT:-}"');
    const out = execFileSync('bash', ['-c', script], {
      env: { PATH: process.env.PATH ?? '', REPOSITORY: repository, OWNER: owner, SITE_URL_OVERRIDE: override, CAPTURE_STARTED_AT: '2026-11-30T06:17:00Z' },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(`${expected}|2026-11-30T06:17:00Z`);
  });
});

describe('ci workflow', () => {
  it('type-checks, tests (with a Chromium) and builds every pull request', () => {
    const workflow = load('ci.yml');
    expect(workflow.on).toHaveProperty('pull_request');
    const runs = workflow.jobs.test!.steps.map((s) => s.run ?? '');
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm run typecheck', 'npm test', 'npm run build']));
    expect(runs.join('\n')).toContain('apt-get install -y -qq chromium');
    expect(workflow.jobs.test!.permissions).toEqual({ contents: 'read' });
  });
});
