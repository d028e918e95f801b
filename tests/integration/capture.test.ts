import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../src/archive/capture.ts';
import { exitCodeOf, formatSummary } from '../../src/archive/report.ts';
import { validateSources } from '../../src/archive/validate.ts';
import { ArchiveWriter, ArchiveLockedError } from '../../src/archive/record/index.ts';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { loadFixtureWeb, startFixtureServer, type FixtureServer } from '../../src/demo/fixture-web.ts';
import { temporaryArchive } from '../support/archive.ts';

/** A tiny site whose pages the test rewrites between runs. */
const pages = new Map<string, { status: number; body: string }>();
let server: http.Server;
let port: number;

const policy = (extra = '') => `<!doctype html><html><head><title>Policy</title><script>var x=1</script></head><body>
<nav>Home | About</nav><div class="cookie">We use cookies. Accept all</div>
<main><h1>Example Privacy Policy</h1><p class="updated">Last updated: ${Math.random()}</p>
<p>This policy explains how Example Corp. collects and uses personal data when you use the Example service. We collect account data, usage data and device data.</p>
<h2>1. Retention</h2><p>We keep your data for 90 days after you close your account. After that we delete it or anonymise it.</p>${extra}
<p>See our <a href="/cookies?utm_source=policy&amp;id=7">cookie notice</a> for more about cookies and similar technologies used on the site.</p></main></body></html>`;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const page = pages.get(request.url ?? '/') ?? { status: 404, body: 'not found' };
    response.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function declare(dir: string, extra = '') {
  await mkdir(path.join(dir, 'content', 'platforms'), { recursive: true });
  await writeFile(
    path.join(dir, 'content', 'platforms', 'example.yaml'),
    `name: Example\nwebsite: https://example.test/\nowner: Example Corp.\njurisdiction: US\nkind: other\ndocuments:\n  privacy-policy:\n    url: http://127.0.0.1:${port}/privacy\n    remove: [.updated]\n  terms-of-service:\n    url: http://127.0.0.1:${port}/terms\n${extra}`,
  );
}

const options = (dir: string) => ({ archiveDir: dir, fetch: { allowLoopback: true, timeoutMs: 5000 }, perHostDelayMs: 0 });

describe('a capture run', () => {
  let archive: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    archive = await temporaryArchive();
    await declare(archive.dir);
  });
  afterAll(() => archive.cleanup());
  afterEach(() => pages.clear());

  it('records new versions, reports failures with URL and reason, and exits non-zero', async () => {
    pages.set('/privacy', { status: 200, body: policy() });
    pages.set('/terms', { status: 500, body: 'oops' });
    const report = await runCapture(options(archive.dir));
    const byDoc = Object.fromEntries(report.results.map((r) => [r.source.document, r]));
    expect(byDoc['privacy-policy']!.outcome).toMatchObject({ status: 'recorded', change: 'initial' });
    expect(byDoc['terms-of-service']!.outcome).toMatchObject({ status: 'failed', stage: 'fetch', reason: 'http-status', transient: true });
    expect(byDoc['terms-of-service']!.attempts, JSON.stringify(report.results.map((r) => [r.source.document, r.attempts, r.outcome]))).toBe(2); // transient: retried once at the end
    expect(exitCodeOf(report)).toBe(1);
    const summary = formatSummary(report);
    expect(summary).toMatch(/new versions\s+1/);
    expect(summary).toMatch(/failed\s+1/);
    expect(summary).toContain(`terms-of-service  http://127.0.0.1:${port}/terms  fetch: HTTP 500`);
    const text = await readFile(path.join(archive.dir, 'content/archive/example/privacy-policy.md'), 'utf8');
    expect(text).toContain('We keep your data for 90 days');
    expect(text).not.toMatch(/Last updated|Accept all|utm_source|var x/);
    expect(text).toContain(`[cookie notice](http://127.0.0.1:${port}/cookies?id=7)`);
    expect(await readFile(path.join(archive.dir, 'content/archive/example/terms-of-service.md'), 'utf8').catch(() => 'absent')).toBe('absent');
  });

  it('records nothing in a dry run, and nothing when only noise changed', async () => {
    const head = await git(archive.dir, ['rev-parse', 'HEAD']);
    pages.set('/privacy', { status: 200, body: policy('<p>We may use your content to train our AI models.</p>') });
    pages.set('/terms', { status: 200, body: policy() });
    const dry = await runCapture({ ...options(archive.dir), dryRun: true });
    expect(dry.results.map((r) => r.outcome.status).sort()).toEqual(['would-record', 'would-record']);
    expect(await git(archive.dir, ['rev-parse', 'HEAD'])).toBe(head);
    pages.set('/privacy', { status: 200, body: policy() });
    pages.delete('/terms');
    const noise = await runCapture(options(archive.dir));
    expect(noise.results.find((r) => r.source.document === 'privacy-policy')!.outcome.status).toBe('unchanged');
    expect(await git(archive.dir, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('records an editorial change and a substantive one with a summary', async () => {
    pages.set('/privacy', { status: 200, body: policy().replace('90 days after you close your account.', '90 days after you close your account!') });
    await runCapture(options(archive.dir));
    pages.set('/privacy', { status: 200, body: policy().replace('90 days', '3 years') });
    await runCapture(options(archive.dir));
    const versions = (await readHistory(archive.dir)).filter((c) => c.version).map((c) => c.version!);
    expect(versions.map((v) => v.change)).toEqual(['initial', 'editorial', 'substantive']);
    expect(versions[2]!.summary).toContain('Reworded: 1. Retention');
    expect((await readHistory(archive.dir)).at(-1)!.subject).toMatch(/^Example Privacy Policy: Reworded: 1\. Retention/);
  });

  it('refuses a page the guard rejects and leaves the latest version alone', async () => {
    const head = await git(archive.dir, ['rev-parse', 'HEAD']);
    pages.set('/privacy', { status: 200, body: '<html><body><main><h1>Page not found</h1><p>Sorry.</p></main></body></html>' });
    const report = await runCapture({ ...options(archive.dir), filter: { documents: ['privacy-policy'] } });
    expect(report.results[0]!.outcome).toMatchObject({ status: 'refused', reason: 'error-page' });
    expect(exitCodeOf(report)).toBe(1);
    expect(await git(archive.dir, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('reports a selector that matches nothing as an extract failure', async () => {
    await declare(archive.dir, '    select: "#does-not-exist"\n');
    pages.set('/privacy', { status: 200, body: policy() });
    pages.set('/terms', { status: 200, body: policy() });
    const report = await runCapture(options(archive.dir));
    expect(report.results.find((r) => r.source.document === 'terms-of-service')!.outcome).toMatchObject({ status: 'failed', stage: 'extract', reason: 'no-match' });
    await declare(archive.dir);
  });

  it('never lets two writers hold the archive at once', async () => {
    const writer = await ArchiveWriter.open(archive.dir);
    try {
      await expect(ArchiveWriter.open(archive.dir)).rejects.toBeInstanceOf(ArchiveLockedError);
      await expect(runCapture(options(archive.dir))).rejects.toThrow(/being written by another run/);
    } finally {
      await writer.close();
    }
    const again = await ArchiveWriter.open(archive.dir);
    await again.close();
  });

  it('keeps the repository valid', async () => {
    await git(archive.dir, ['fsck', '--strict', '--no-dangling']);
    expect(await git(archive.dir, ['status', '--porcelain', '--', 'content/archive'])).toBe('');
  });
});

describe('sources:validate against the fixture web', () => {
  let fixture: FixtureServer;
  beforeAll(async () => {
    const web = await loadFixtureWeb();
    fixture = await startFixtureServer(web, () => new Date('2030-01-01T00:00:00Z'));
  });
  afterAll(() => fixture.close());

  it('fetches every source twice and finds them stable', async () => {
    const web = await loadFixtureWeb();
    const report = await validateSources({ sourcesDir: web.platformsDir, online: true, fetch: { allowLoopback: true, connect: fixture.connect }, perHostDelayMs: 0 });
    expect(report.online).toBe(true);
    for (const check of report.checks) expect(check.problems, `${check.source.platform}/${check.source.document}`).toEqual([]);
    expect(report.checks.every((c) => c.checked.includes('stable'))).toBe(true);
  });

  it('offline, checks schema and URL shape only', async () => {
    const report = await validateSources({ sourcesDir: (await loadFixtureWeb()).platformsDir, online: false });
    expect(report.online).toBe(false);
    expect(report.checks.every((c) => c.checked.length === 0 && c.problems.length === 0)).toBe(true);
  });
});
